/* scan.c: the module database without depmod's output: every *.ko,
 * *.ko.xz, *.ko.gz, *.ko.zst (codec/decomp.h) under the directory, its dependencies from
 * the depends= of its .modinfo (direct ones; made transitive here, in an
 * order that loads each after its own), its aliases from alias=.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../codec/decomp.h"
#include "../lib/str.h"
#include "moddb.h"

/* NAME.ko, or NAME.ko compressed as the kernel compresses modules */
static bool
is_module(const char *n)
{
	size_t l = strlen(n), k = 0;

	(void)dec_by_suffix(n, true, &k);
	return l - k > 3 && !strncmp(n + l - k - 3, ".ko", 3);
}

struct direct {
	char *depends;	/* "a,b" */
};

static int
walk(struct moddb *db, const char *rel, struct direct **direct, int depth)
{
	char path[4096];

	str_printf(path, sizeof path, "%s%s%s", db->dir, *rel ? "/" : "", rel);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	struct dirent *de;
	int r = 0;
	while (!r && (de = readdir(d))) {
		char sub[4096];
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		str_printf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		str_printf(path, sizeof path, "%s/%s", db->dir, sub);
		if (stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth < 16)
				r = walk(db, sub, direct, depth + 1);
			continue;
		}
		if (!S_ISREG(st.st_mode) || !is_module(de->d_name))
			continue;
		size_t len;
		char *info = modinfo_read(path, &len);
		char name[256];
		snprintf(name, sizeof name, "%s", de->d_name);
		mod_normalize(name);
		int k = moddb_add(db, name);
		if (k < 0) {
			free(info);
			r = k;
			break;
		}
		struct direct *nd = realloc(*direct, (size_t)db->cap * sizeof **direct);
		if (!nd) {
			free(info);
			r = -ENOMEM;
			break;
		}
		*direct = nd;
		nd[k].depends = NULL;
		db->mods[k].owned_path = strdup(sub);
		db->mods[k].path = db->mods[k].owned_path;
		db->mods[k].prio = (unsigned)k;
		for (size_t i = 0; info && i < len; i += strlen(info + i) + 1) {
			if (!strncmp(info + i, "depends=", 8)) {
				nd[k].depends = strdup(info + i + 8);
			} else if (!strncmp(info + i, "softdep=", 8)) {
				/* what depmod writes to modules.softdep */
				char *sd = strdup(info + i + 8);
				if (!sd || moddb_keep(db, sd) < 0)
					r = -ENOMEM;
				else
					r = modconf_add_softdep(db, db->mods[k].name, sd);
			} else if (!strncmp(info + i, "alias=", 6)) {
				/* kept in the db's own text: append to it */
				char *a = strdup(info + i + 6);
				if (!a || moddb_keep(db, a) < 0)
					r = -ENOMEM;
				else
					r = moddb_add_alias(db, a, db->mods[k].name, (unsigned)k);
			}
		}
		free(info);
	}
	closedir(d);
	return r;
}

/* post-order: the dependencies of K before K, each once */
static int
order(struct moddb *db, struct direct *direct, int k, int *out, int *n, char *mark, int depth)
{
	if (mark[k] || depth > 64)
		return 0;
	mark[k] = 1;
	if (direct[k].depends) {
		char *copy = strdup(direct[k].depends), *s = copy;
		if (!copy)
			return -ENOMEM;
		for (char *t; (t = str_item(&s, ','));) {
			mod_normalize(t);
			int d = moddb_find(db, t);
			if (d >= 0 && order(db, direct, d, out, n, mark, depth + 1) < 0) {
				free(copy);
				return -ENOMEM;
			}
		}
		free(copy);
	}
	out[(*n)++] = k;
	return 0;
}

int
moddb_scan_modinfo(struct moddb *db)
{
	struct direct *direct = NULL;
	int r = walk(db, "", &direct, 0);

	for (int k = 0; !r && k < db->n; k++) {
		int *list = malloc((size_t)db->n * sizeof *list), n = 0;
		char *mark = calloc((size_t)db->n, 1);
		if (!list || !mark) {
			free(list);
			free(mark);
			r = -ENOMEM;
			break;
		}
		r = order(db, direct, k, list, &n, mark, 0);
		free(mark);
		/* the last one is K itself */
		db->mods[k].deps_base = list;
		db->mods[k].deps = list;
		db->mods[k].ndeps = n > 0 ? n - 1 : 0;
	}
	for (int k = 0; direct && k < db->n; k++)
		free(direct[k].depends);
	free(direct);
	return r;
}
