/* modconf.c: modprobe's configuration.
 *
 *   /etc/modprobe.d, /run/modprobe.d, /usr/local/lib/modprobe.d,
 *   /usr/lib/modprobe.d, /lib/modprobe.d: every *.conf, all sorted by file
 *   name together (a name seen in an earlier directory hides later ones),
 *   and DIR/modules.softdep; lines (a trailing backslash continues one):
 *
 *     alias PATTERN MODULE
 *     blacklist MODULE            (hides MODULE's aliases; with
 *                                  MOD_APPLY_BLACKLIST its name too)
 *     options MODULE PARAM=V ...
 *     softdep MODULE pre: A B post: C
 *     install, remove, weakdep    (not run: popinit runs no shell commands)
 *
 *   the kernel command line: MODULE.PARAM=V (options), modprobe.blacklist=
 *   and module_blacklist= (comma lists).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/args.h"
#include "../lib/glob.h"
#include "../lib/str.h"
#include "moddb.h"

static const char *const conf_dirs[] = {
	"/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d",
	"/lib/modprobe.d",
};

static int
push(void **v, int *n, size_t size)
{
	void *x = realloc(*v, (size_t)(*n + 1) * size);

	if (!x)
		return -ENOMEM;
	*v = x;
	(*n)++;
	return 0;
}

static int
add_blacklist(struct moddb *db, const char *name, const char *where)
{
	if (push((void **)&db->blacklist, &db->nblacklist, sizeof *db->blacklist) < 0)
		return -ENOMEM;
	db->blacklist[db->nblacklist - 1] = (struct blacklist){ name, where };
	return 0;
}

static int
add_options(struct moddb *db, const char *mod, const char *opts)
{
	if (push((void **)&db->options, &db->noptions, sizeof *db->options) < 0)
		return -ENOMEM;
	db->options[db->noptions - 1] = (struct modopt){ mod, opts };
	return 0;
}

int
modconf_add_softdep(struct moddb *db, const char *mod, char *rest)
{
	struct softdep sd = { mod, NULL, NULL, 0, 0 };
	int mode = 0;	/* tokens before pre:/post: are ignored, as kmod does */
	char *save = NULL;

	for (char *t = strtok_r(rest, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (!strcmp(t, "pre:")) {
			mode = 1;
		} else if (!strcmp(t, "post:")) {
			mode = 2;
		} else if (mode == 1) {
			if (push((void **)&sd.pre, &sd.npre, sizeof *sd.pre) < 0)
				return -ENOMEM;
			sd.pre[sd.npre - 1] = t;
		} else if (mode == 2) {
			if (push((void **)&sd.post, &sd.npost, sizeof *sd.post) < 0)
				return -ENOMEM;
			sd.post[sd.npost - 1] = t;
		}
	}
	if (push((void **)&db->softdeps, &db->nsoftdeps, sizeof *db->softdeps) < 0)
		return -ENOMEM;
	db->softdeps[db->nsoftdeps - 1] = sd;
	return 0;
}

/* parse_conf: the lines of TEXT, from the file PATH (kept by the caller) */
static int
parse_conf(struct moddb *db, char *text, const char *path)
{
	/* join continued lines first: the backslash and newline go */
	for (char *p = text; (p = strstr(p, "\\\n"));)
		memmove(p, p + 2, strlen(p + 2) + 1);
	for (char *l = text, *next; l && *l; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		char *hash = strchr(l, '#');
		if (hash)
			*hash = '\0';
		char *save = NULL, *cmd = strtok_r(l, " \t\r", &save);
		if (!cmd)
			continue;
		char *a = strtok_r(NULL, " \t\r", &save);
		if (!a)
			continue;
		int r = 0;
		if (!strcmp(cmd, "alias")) {
			char *mod = strtok_r(NULL, " \t\r", &save);
			if (!mod)
				continue;
			alias_normalize(a);
			alias_normalize(mod);
			if (push((void **)&db->conf_aliases.v, &db->conf_aliases.n, sizeof *db->conf_aliases.v) < 0)
				return -ENOMEM;
			db->conf_aliases.v[db->conf_aliases.n - 1] = (struct alias){ a, mod, 0, 0 };
		} else if (!strcmp(cmd, "blacklist")) {
			alias_normalize(a);
			r = add_blacklist(db, a, path);
		} else if (!strcmp(cmd, "options")) {
			alias_normalize(a);
			char *rest = save ? save + strspn(save, " \t") : NULL;
			if (rest) {
				rest[strcspn(rest, "\r")] = '\0';
				for (char *t = rest; *t; t++)
					if (*t == '\t')
						*t = ' ';	/* as kmod stores them */
				r = add_options(db, a, rest);
			}
		} else if (!strcmp(cmd, "softdep")) {
			alias_normalize(a);
			r = modconf_add_softdep(db, a, save ? save : (char *)"");
		}
		if (r < 0)
			return r;
	}
	return 0;
}

struct conf_file {
	char name[256];
	char path[4096];
};

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct conf_file *)a)->name, ((const struct conf_file *)b)->name);
}

/* MODULE.PARAM=V words become options; the blacklists, names */
static int
load_cmdline(struct moddb *db, const struct args_word *w, int n)
{
	size_t size = 1;

	for (int i = 0; i < n; i++)
		if (w[i].val)
			size += 2 * (strlen(w[i].key) + strlen(w[i].val)) + 8;
	/* the names and lists, normalized; "PARAM=V", quoted again when V
	 * has white space (the split dropped the quotes) */
	char *out = malloc(size);
	if (!out)
		return -ENOMEM;
	int r = moddb_keep(db, out);
	for (int i = 0; !r && i < n; i++) {
		const char *param = w[i].key, *val = w[i].val;
		if (!val)
			continue;
		if (!strcmp(param, "modprobe.blacklist") || !strcmp(param, "module_blacklist")) {
			const char *where = param[1] == 'o' ? "the command line's modprobe.blacklist="
							    : "the command line's module_blacklist=";
			char *list = out;
			out = stpcpy(out, val) + 1;
			for (char *t; !r && (t = str_item(&list, ','));) {
				alias_normalize(t);
				r = add_blacklist(db, t, where);
			}
			continue;
		}
		const char *dot = strchr(param, '.');
		if (!dot || dot == param)
			continue;
		char *mod = out;
		memcpy(mod, param, (size_t)(dot - param));
		mod[dot - param] = '\0';
		alias_normalize(mod);
		out += dot - param + 1;
		char *opt = out;
		out += sprintf(opt, strpbrk(val, " \t") ? "%s=\"%s\"" : "%s=%s", dot + 1, val) + 1;
		r = add_options(db, mod, opt);
	}
	return r;
}

int
modconf_load(struct moddb *db, const char *confroot, const struct args_word *words, int n_words)
{
	struct conf_file *files = NULL;
	int n = 0, r = 0;

	for (size_t d = 0; d < sizeof conf_dirs / sizeof *conf_dirs; d++) {
		char dir[4096];
		str_printf(dir, sizeof dir, "%s%s", confroot ? confroot : "", conf_dirs[d]);
		DIR *dd = opendir(dir);
		if (!dd)
			continue;
		struct dirent *de;
		while ((de = readdir(dd))) {
			size_t l = strlen(de->d_name);
			if (l < 6 || strcmp(de->d_name + l - 5, ".conf") || l >= sizeof files->name)
				continue;
			bool seen = false;
			for (int i = 0; i < n; i++)
				if (!strcmp(files[i].name, de->d_name))
					seen = true;
			if (seen)
				continue;
			if (push((void **)&files, &n, sizeof *files) < 0) {
				closedir(dd);
				free(files);
				return -ENOMEM;
			}
			snprintf(files[n - 1].name, sizeof files->name, "%s", de->d_name);
			str_printf(files[n - 1].path, sizeof files->path, "%s/%s", dir, de->d_name);
		}
		closedir(dd);
	}
	/* modules.softdep is one more configuration file, sorted with them */
	if (push((void **)&files, &n, sizeof *files) < 0) {
		free(files);
		return -ENOMEM;
	}
	snprintf(files[n - 1].name, sizeof files->name, "modules.softdep");
	str_printf(files[n - 1].path, sizeof files->path, "%s/modules.softdep", db->dir);
	qsort(files, (size_t)n, sizeof *files, by_name);
	for (int i = 0; !r && i < n; i++) {
		char *text = moddb_slurp(files[i].path, NULL), *path = NULL;
		if (!text)
			continue;
		r = moddb_keep(db, text);
		/* the path too: a blacklist says where it comes from */
		if (!r)
			r = (path = strdup(files[i].path)) ? moddb_keep(db, path) : -ENOMEM;
		if (!r)
			r = parse_conf(db, text, path);
	}
	free(files);
	if (!r)
		r = load_cmdline(db, words, n_words);
	return r;
}

void
modconf_free(struct moddb *db)
{
	for (int i = 0; i < db->nsoftdeps; i++) {
		free(db->softdeps[i].pre);
		free(db->softdeps[i].post);
	}
	free(db->softdeps);
	free(db->options);
	free(db->blacklist);
	for (int i = 0; i < db->nconf_texts; i++)
		free(db->conf_texts[i]);
	free(db->conf_texts);
}

const char *
modconf_blacklisted(const struct moddb *db, const char *name)
{
	for (int i = 0; i < db->nblacklist; i++)
		if (!strcmp(db->blacklist[i].modname, name))
			return db->blacklist[i].where;
	return NULL;
}

char *
modconf_options(const struct moddb *db, const char *name, const char *alias, const char *extra)
{
	size_t len = 2 + (extra ? strlen(extra) + 1 : 0);

	for (int i = 0; i < db->noptions; i++)
		if (!strcmp(db->options[i].modname, name) || (alias && !strcmp(db->options[i].modname, alias)))
			len += strlen(db->options[i].options) + 1;
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	*p = '\0';
	for (int i = 0; i < db->noptions; i++) {
		if (!strcmp(db->options[i].modname, name) || (alias && !strcmp(db->options[i].modname, alias))) {
			if (!*db->options[i].options)
				continue;
			p += sprintf(p, "%s%s", p > s ? " " : "", db->options[i].options);
		}
	}
	/* kmod joins them as "OPTIONS EXTRA": the space stays when EXTRA is
	 * empty (modprobe --show-depends shows it; the kernel skips it) */
	if (p > s)
		*p++ = ' ', *p = '\0';
	if (extra && *extra)
		strcpy(p, extra);
	return s;
}

const struct softdep *
modconf_softdep(const struct moddb *db, const char *name)
{
	for (int i = 0; i < db->nsoftdeps; i++)
		if (glob_match(db->softdeps[i].pattern, name))
			return &db->softdeps[i];
	return NULL;
}
