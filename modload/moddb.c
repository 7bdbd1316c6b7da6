/* moddb.c: modprobe's view of a module tree.  See modload.h. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/glob.h"
#include "../lib/io.h"
#include "../lib/str.h"
#include "moddb.h"

void
mod_normalize(char *s)
{
	for (; *s && *s != '.'; s++)
		if (*s == '-')
			*s = '_';
	*s = '\0';
}

void
alias_normalize(char *s)
{
	bool in_brackets = false;

	for (; *s; s++) {
		if (*s == '[')
			in_brackets = true;
		else if (*s == ']')
			in_brackets = false;
		else if (*s == '-' && !in_brackets)
			*s = '_';
	}
}

char *
moddb_slurp(const char *path, size_t *len)
{
	char *buf;

	return io_slurp(path, 64u << 20, &buf, len) < 0 ? NULL : buf;
}

static unsigned
hash_str(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

int
moddb_find(const struct moddb *db, const char *name)
{
	if (!db->hcap)
		return -1;
	for (unsigned i = hash_str(name) & (db->hcap - 1);; i = (i + 1) & (db->hcap - 1)) {
		int k = db->hash[i];
		if (k < 0)
			return -1;
		if (!strcmp(db->mods[k].name, name))
			return k;
	}
}

static int
grow_hash(struct moddb *db)
{
	unsigned cap = db->hcap ? db->hcap * 2 : 1024;
	int *h = malloc(cap * sizeof *h);

	if (!h)
		return -ENOMEM;
	for (unsigned i = 0; i < cap; i++)
		h[i] = -1;
	for (int k = 0; k < db->n; k++) {
		unsigned i = hash_str(db->mods[k].name) & (cap - 1);
		while (h[i] >= 0)
			i = (i + 1) & (cap - 1);
		h[i] = k;
	}
	free(db->hash);
	db->hash = h;
	db->hcap = cap;
	return 0;
}

/* moddb_add: the module NAME (normalized), created if new */
int
moddb_add(struct moddb *db, const char *name)
{
	int k = moddb_find(db, name);

	if (k >= 0)
		return k;
	if (db->n == db->cap) {
		int cap = db->cap ? db->cap * 2 : 1024;
		struct mod *m = realloc(db->mods, (size_t)cap * sizeof *m);
		if (!m)
			return -ENOMEM;
		db->mods = m;
		db->cap = cap;
	}
	if ((unsigned)(db->n + 1) * 2 > db->hcap && grow_hash(db) < 0)
		return -ENOMEM;
	struct mod *m = &db->mods[db->n];
	memset(m, 0, sizeof *m);
	m->name = strdup(name);
	if (!m->name)
		return -ENOMEM;
	m->prio = (unsigned)-1;
	k = db->n++;
	unsigned i = hash_str(name) & (db->hcap - 1);
	while (db->hash[i] >= 0)
		i = (i + 1) & (db->hcap - 1);
	db->hash[i] = k;
	return k;
}

/* the module name of a path: basename, up to the first '.', normalized */
static void
name_of_path(const char *path, char *out, size_t size)
{
	const char *b = strrchr(path, '/');

	snprintf(out, size, "%s", b ? b + 1 : path);
	mod_normalize(out);
}

/* modules.dep: "path: dep dep ..."; line order is modprobe's priority */
static int
load_dep(struct moddb *db, char *text)
{
	unsigned line = 0;

	for (char *l = text, *next; l && *l; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		char *colon = strchr(l, ':');
		if (!colon || l[0] == '#')
			continue;
		*colon = '\0';
		char name[256];
		name_of_path(l, name, sizeof name);
		int k = moddb_add(db, name);
		if (k < 0)
			return k;
		struct mod *m = &db->mods[k];
		m->path = l;
		m->prio = line++;
		/* count, then store the dependencies reversed: last first */
		int n = 0;
		for (char *p = colon + 1; *p;) {
			while (*p == ' ' || *p == '\t')
				p++;
			if (!*p)
				break;
			n++;
			while (*p && *p != ' ' && *p != '\t')
				p++;
		}
		m->deps_text = colon + 1;
		m->ndeps = n;
	}
	/* resolve dependency names to indices, now that all modules exist */
	for (int k = 0; k < db->n; k++) {
		struct mod *m = &db->mods[k];
		if (!m->deps_text || !m->ndeps)
			continue;
		int *deps = malloc((size_t)m->ndeps * sizeof *deps), i = m->ndeps;
		if (!deps)
			return -ENOMEM;
		char *save = NULL;
		for (char *t = strtok_r(m->deps_text, " \t", &save); t && i > 0; t = strtok_r(NULL, " \t", &save)) {
			char name[256];
			name_of_path(t, name, sizeof name);
			int d = moddb_add(db, name);
			if (d < 0) {
				free(deps);
				return d;
			}
			m = &db->mods[k];	/* moddb_add may have moved the array */
			deps[--i] = d;
		}
		m->deps = deps + i;
		m->deps_base = deps;
		m->ndeps -= i;
	}
	return 0;
}

static int
add_alias(struct alias_list *a, char *pattern, const char *modname, unsigned prio)
{
	if (a->n == a->cap) {
		int cap = a->cap ? a->cap * 2 : 4096;
		struct alias *x = realloc(a->v, (size_t)cap * sizeof *x);
		if (!x)
			return -ENOMEM;
		a->v = x;
		a->cap = cap;
	}
	struct alias *x = &a->v[a->n++];
	x->pattern = pattern;
	x->modname = modname;
	x->prio = prio;
	/* the literal prefix, to reject most patterns without fnmatch */
	x->plen = strcspn(pattern, "*?[\\");
	return 0;
}

int
moddb_add_alias(struct moddb *db, char *pattern, const char *modname, unsigned prio)
{
	alias_normalize(pattern);
	return add_alias(&db->aliases, pattern, modname, prio);
}

int
moddb_keep(struct moddb *db, char *text)
{
	char **v = realloc(db->conf_texts, (size_t)(db->nconf_texts + 1) * sizeof *v);

	if (!v) {
		free(text);
		return -ENOMEM;
	}
	db->conf_texts = v;
	v[db->nconf_texts++] = text;
	return 0;
}

/* "alias PATTERN MODULE" lines (modules.alias, modules.symbols) */
static int
load_aliases(struct moddb *db, char *text, struct alias_list *out)
{
	for (char *l = text, *next; l && *l; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		char *save = NULL, *kw = strtok_r(l, " \t", &save);
		char *pat = strtok_r(NULL, " \t", &save), *mod = strtok_r(NULL, " \t", &save);
		if (!kw || strcmp(kw, "alias") || !pat || !mod)
			continue;
		alias_normalize(pat);
		mod_normalize(mod);
		int k = moddb_find(db, mod);
		int r = add_alias(out, pat, mod, k >= 0 ? db->mods[k].prio : (unsigned)-1);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
load_builtin(struct moddb *db, char *text)
{
	for (char *l = text, *next; l && *l; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		if (!*l)
			continue;
		char name[256];
		name_of_path(l, name, sizeof name);
		int k = moddb_add(db, name);
		if (k < 0)
			return k;
		db->mods[k].builtin = true;
	}
	return 0;
}

/* modules.builtin.modinfo: "module.key=value\0" records; the aliases */
static int
load_builtin_modinfo(struct moddb *db, char *text, size_t len)
{
	for (size_t i = 0; i < len; i += strlen(text + i) + 1) {
		char *rec = text + i, *dot = strchr(rec, '.'), *eq;
		if (!dot || strncmp(dot + 1, "alias=", 6))
			continue;
		*dot = '\0';
		eq = dot + 7;
		mod_normalize(rec);
		alias_normalize(eq);
		int r = add_alias(&db->builtin_aliases, eq, rec, 0);
		if (r < 0)
			return r;
		i = (size_t)(eq - text);	/* the record continues after the name */
	}
	return 0;
}

struct moddb *
moddb_open(const char *dir, const char *confroot, const struct args_word *words, int n, int *err)
{
	struct moddb *db = calloc(1, sizeof *db);
	char path[4096];
	size_t len;

	*err = -ENOMEM;
	if (!db)
		return NULL;
	snprintf(db->dir, sizeof db->dir, "%s", dir);
	str_printf(path, sizeof path, "%s/modules.dep", dir);
	db->dep_text = moddb_slurp(path, NULL);
	int r = 0;
	if (db->dep_text) {
		r = load_dep(db, db->dep_text);
	} else {
		/* no depmod output: the modules' own modinfo */
		r = moddb_scan_modinfo(db);
	}
	str_printf(path, sizeof path, "%s/modules.builtin", dir);
	if (!r && (db->builtin_text = moddb_slurp(path, NULL)))
		r = load_builtin(db, db->builtin_text);
	str_printf(path, sizeof path, "%s/modules.builtin.modinfo", dir);
	if (!r && (db->builtin_info = moddb_slurp(path, &len)))
		r = load_builtin_modinfo(db, db->builtin_info, len);
	str_printf(path, sizeof path, "%s/modules.alias", dir);
	if (!r && (db->alias_text = moddb_slurp(path, NULL)))
		r = load_aliases(db, db->alias_text, &db->aliases);
	if (!r)
		r = modconf_load(db, confroot, words, n);
	if (r < 0) {
		*err = r;
		moddb_close(db);
		return NULL;
	}
	if (!db->n) {
		*err = -ENOENT;
		moddb_close(db);
		return NULL;
	}
	return db;
}

void
moddb_close(struct moddb *db)
{
	if (!db)
		return;
	for (int k = 0; k < db->n; k++) {
		free(db->mods[k].name);
		free(db->mods[k].deps_base);
		free(db->mods[k].owned_path);
	}
	free(db->mods);
	free(db->hash);
	free(db->aliases.v);
	free(db->symbols.v);
	free(db->builtin_aliases.v);
	free(db->conf_aliases.v);
	modconf_free(db);
	free(db->dep_text);
	free(db->alias_text);
	free(db->symbols_text);
	free(db->builtin_text);
	free(db->builtin_info);
	free(db);
}

/* matches of NAME in an alias list, appended to OUT in priority order */
static int
match_aliases(struct moddb *db, const struct alias_list *a, const char *name, struct hit *out, int n, int max)
{
	int first = n;

	for (int i = 0; i < a->n; i++) {
		const struct alias *x = &a->v[i];
		if (strncmp(x->pattern, name, x->plen) || !glob_match(x->pattern, name))
			continue;
		int k = moddb_add(db, x->modname);
		if (k < 0)
			return k;
		if (n < max) {
			/* insertion by priority, stable for equal ones */
			int j = n;
			while (j > first && out[j - 1].prio > x->prio) {
				out[j] = out[j - 1];
				j--;
			}
			out[j].mod = k;
			out[j].prio = x->prio;
			out[j].by_alias = true;
		}
		n++;
	}
	return n;
}

int
moddb_lookup(struct moddb *db, const char *in, struct hit *out, int max)
{
	char name[1024];
	int n, k;

	snprintf(name, sizeof name, "%s", in);
	alias_normalize(name);
	/* 1. aliases of the configuration */
	for (int i = n = 0; i < db->conf_aliases.n; i++) {
		const struct alias *x = &db->conf_aliases.v[i];
		if (!glob_match(x->pattern, name))
			continue;
		if ((k = moddb_add(db, x->modname)) < 0)
			return k;
		if (n < max)
			out[n] = (struct hit){ k, 0, true };
		n++;
	}
	if (n)
		return n;
	/* 2. a module of that name */
	char modname[1024];
	snprintf(modname, sizeof modname, "%s", in);
	mod_normalize(modname);
	k = moddb_find(db, modname);
	if (k >= 0 && db->mods[k].path) {
		if (max > 0)
			out[0] = (struct hit){ k, 0, false };
		return 1;
	}
	/* 3. symbols */
	if (!strncmp(name, "symbol:", 7)) {
		if (!db->symbols_text) {
			char path[4096];
			str_printf(path, sizeof path, "%s/modules.symbols", db->dir);
			db->symbols_text = moddb_slurp(path, NULL);
			if (db->symbols_text && (k = load_aliases(db, db->symbols_text, &db->symbols)) < 0)
				return k;
		}
		if ((n = match_aliases(db, &db->symbols, name, out, 0, max)) != 0)
			return n;
	}
	/* 4. the modules' aliases */
	if ((n = match_aliases(db, &db->aliases, name, out, 0, max)) != 0)
		return n;
	/* 5. built in, by name, then by alias */
	if (k >= 0 && db->mods[k].builtin) {
		if (max > 0)
			out[0] = (struct hit){ k, 0, false };
		return 1;
	}
	return match_aliases(db, &db->builtin_aliases, name, out, 0, max);
}
