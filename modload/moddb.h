/* moddb.h: the module database's insides, for the modload files only. */
#ifndef POPINIT_MODDB_H
#define POPINIT_MODDB_H

#include <stdbool.h>
#include <stddef.h>

#include "modload.h"

struct mod {
	char *name;		/* normalized */
	const char *path;	/* relative to the db's dir; NULL: not a file */
	char *owned_path;	/* when path was allocated (modinfo scan) */
	char *deps_text;
	int *deps, *deps_base;	/* load order: the dep line reversed */
	int ndeps;
	unsigned prio;		/* line of modules.dep: modprobe's priority */
	bool builtin;
	/* plan computation */
	bool visited, required;
};

struct alias {
	const char *pattern;	/* normalized */
	const char *modname;
	unsigned prio;
	size_t plen;		/* literal prefix length */
};

struct alias_list {
	struct alias *v;
	int n, cap;
};

struct softdep {
	const char *pattern;
	const char **pre, **post;
	int npre, npost;
};

struct blacklist {
	const char *modname;	/* normalized */
	const char *where;	/* the file, or the command line's parameter */
};

struct modopt {
	const char *modname;	/* normalized */
	const char *options;
};

struct moddb {
	char dir[4096];
	struct mod *mods;
	int n, cap;
	int *hash;
	unsigned hcap;
	struct alias_list aliases, symbols, builtin_aliases, conf_aliases;
	struct softdep *softdeps;
	int nsoftdeps;
	struct modopt *options;
	int noptions;
	struct blacklist *blacklist;
	int nblacklist;
	char **conf_texts;	/* the configuration files, kept for the strings */
	int nconf_texts;
	char *dep_text, *alias_text, *symbols_text, *builtin_text, *builtin_info;
};

/* a lookup result: module index, priority, found through an alias */
struct hit {
	int mod;
	unsigned prio;
	bool by_alias;
};

/* moddb_slurp: a whole file of 64 MiB at most, NUL-terminated; NULL if
 * absent or unreadable */
char *moddb_slurp(const char *path, size_t *len);
/* alias_normalize: kmod's: '-' to '_' except inside [...] */
void alias_normalize(char *s);
int moddb_find(const struct moddb *db, const char *name);
int moddb_add(struct moddb *db, const char *name);
/* moddb_lookup: modprobe's name resolution; the count of hits (> MAX:
 * only MAX stored), 0 if none, or -errno */
int moddb_lookup(struct moddb *db, const char *name, struct hit *out, int max);
/* moddb_scan_modinfo: fill DB from the .ko files' own .modinfo */
int moddb_scan_modinfo(struct moddb *db);
/* modinfo_read: the .modinfo section of the module file PATH, decompressed
 * if need be, in a malloc'd buffer (NUL-separated "key=value") */
char *modinfo_read(const char *path, size_t *len);
/* mod_read_file: a module file, decompressed if it is .xz/.gz/.zst */
int mod_read_file(const char *path, char **buf, size_t *len);

/* modconf.c */
int modconf_load(struct moddb *db, const char *confroot, const struct args_word *words, int n);
void modconf_free(struct moddb *db);
/* modconf_blacklisted: where module NAME is blacklisted, or NULL */
const char *modconf_blacklisted(const struct moddb *db, const char *name);
/* modconf_options: the options of module NAME (or of ALIAS), in a
 * malloc'd string ("" if none), EXTRA appended */
char *modconf_options(const struct moddb *db, const char *name, const char *alias, const char *extra);
const struct softdep *modconf_softdep(const struct moddb *db, const char *name);
/* modconf_add_softdep: "pre: A B post: C" (REST, kept by the caller) */
int modconf_add_softdep(struct moddb *db, const char *mod, char *rest);

/* moddb_keep: keep TEXT (malloc'd) until the db closes */
int moddb_keep(struct moddb *db, char *text);
/* moddb_add_alias: PATTERN (kept by the caller) names MODNAME */
int moddb_add_alias(struct moddb *db, char *pattern, const char *modname, unsigned prio);

/* plan.c */
int moddb_plan_mod(struct moddb *db, int k, const char *alias, const char *extra,
		   struct mod_step *steps, int max);

#endif
