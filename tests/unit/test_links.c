/* test_links.c: the hardlink table (unpack/links.c) against the kernel's
 * find_link(): key (ino, devmajor, devminor, mode & S_IFMT), value the
 * first name, forgotten at reset. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../unpack/links.h"
#include "t.h"

static struct cpio_entry
ent(uint32_t ino, uint32_t maj, uint32_t min, uint32_t mode, const char *name)
{
	struct cpio_entry e;

	memset(&e, 0, sizeof e);
	e.ino = ino;
	e.devmajor = maj;
	e.devminor = min;
	e.mode = mode;
	e.nlink = 2;
	e.name = name;
	return e;
}

/* find: the first name for E, "" when E is a first occurrence */
static const char *
find(struct links *t, uint32_t ino, uint32_t maj, uint32_t min, uint32_t mode, const char *name)
{
	struct cpio_entry e = ent(ino, maj, min, mode, name);
	int err = 1;
	const char *r = links_find(t, &e, &err);

	if (err)
		return "(error)";
	return r ? r : "";
}

void
test_links(void)
{
	struct links t;
	const char *r;

	memset(&t, 0, sizeof t);
	r = find(&t, 1, 3, 1, S_IFREG | 0644, "a");
	T_CHECK("unit/links/first-occurrence-is-new", !strcmp(r, ""), "got \"%s\"", r);
	r = find(&t, 1, 3, 1, S_IFREG | 0644, "b");
	T_CHECK("unit/links/second-occurrence-gets-first-name", !strcmp(r, "a"), "got \"%s\"", r);
	r = find(&t, 1, 3, 1, S_IFREG | 0644, "c");
	T_CHECK("unit/links/third-occurrence-gets-first-name", !strcmp(r, "a"), "got \"%s\"", r);

	/* each part of the key on its own makes another inode */
	const char *r_ino = find(&t, 2, 3, 1, S_IFREG | 0644, "ino2");
	const char *r_maj = find(&t, 1, 4, 1, S_IFREG | 0644, "maj4");
	const char *r_min = find(&t, 1, 3, 2, S_IFREG | 0644, "min2");
	const char *r_type = find(&t, 1, 3, 1, S_IFCHR | 0644, "chr");
	T_CHECK("unit/links/key-ino", !strcmp(r_ino, "") &&
		!strcmp(find(&t, 2, 3, 1, S_IFREG | 0644, "x"), "ino2"), "got \"%s\"", r_ino);
	T_CHECK("unit/links/key-devmajor", !strcmp(r_maj, "") &&
		!strcmp(find(&t, 1, 4, 1, S_IFREG | 0644, "x"), "maj4"), "got \"%s\"", r_maj);
	T_CHECK("unit/links/key-devminor", !strcmp(r_min, "") &&
		!strcmp(find(&t, 1, 3, 2, S_IFREG | 0644, "x"), "min2"), "got \"%s\"", r_min);
	T_CHECK("unit/links/key-file-type", !strcmp(r_type, "") &&
		!strcmp(find(&t, 1, 3, 1, S_IFCHR | 0600, "x"), "chr"), "got \"%s\"", r_type);

	/* permission bits, uid, rdev, nlink are not in the key */
	r = find(&t, 1, 3, 1, S_IFREG | 04755, "perm");
	T_CHECK("unit/links/permissions-not-in-key", !strcmp(r, "a"), "got \"%s\"", r);
	struct cpio_entry e = ent(1, 3, 1, S_IFREG, "other");
	e.uid = 5;
	e.rdev = 0x501;
	e.nlink = 7;
	e.mtime = 9;
	int err = 1;
	r = links_find(&t, &e, &err);
	T_CHECK("unit/links/uid-rdev-nlink-not-in-key", r && !strcmp(r, "a") && !err, "got %s",
		r ? r : "NULL");

	/* large values: the kernel keeps them in ints, compared bit for bit */
	find(&t, 0xffffffff, 0x80000000, 0xfffff, S_IFBLK, "big");
	r = find(&t, 0xffffffff, 0x80000000, 0xfffff, S_IFBLK, "big2");
	const char *r2 = find(&t, 0x7fffffff, 0x80000000, 0xfffff, S_IFBLK, "big3");
	T_CHECK("unit/links/key-full-32-bits", !strcmp(r, "big") && !strcmp(r2, ""),
		"got \"%s\" \"%s\"", r, r2);

	/* the table keeps its own copy of the name */
	char name[16] = "mutable";
	find(&t, 50, 0, 0, S_IFREG, name);
	strcpy(name, "changed");
	r = find(&t, 50, 0, 0, S_IFREG, "y");
	T_CHECK("unit/links/name-copied", !strcmp(r, "mutable"), "got \"%s\"", r);

	/* a PATH_MAX name */
	char *longname = malloc(4096);
	memset(longname, 'n', 4095);
	longname[4095] = '\0';
	find(&t, 51, 0, 0, S_IFREG, longname);
	r = find(&t, 51, 0, 0, S_IFREG, "z");
	T_CHECK("unit/links/long-name", strlen(r) == 4095 && !strcmp(r, longname), "length %zu",
		strlen(r));
	free(longname);

	/* reset: everything is a first occurrence again */
	links_reset(&t);
	r = find(&t, 1, 3, 1, S_IFREG | 0644, "after");
	r2 = find(&t, 1, 3, 1, S_IFREG | 0644, "after2");
	T_CHECK("unit/links/reset-forgets", !strcmp(r, "") && !strcmp(r2, "after"),
		"got \"%s\" \"%s\"", r, r2);
	links_reset(&t);
	int empty = 1;
	for (size_t i = 0; i < sizeof t.head / sizeof *t.head; i++)
		if (t.head[i])
			empty = 0;
	T_CHECK("unit/links/reset-empties-table", empty, "a bucket is left");

	/* many inodes, all in few buckets: every one found, each once */
	int bad = 0;
	char buf[32];
	for (uint32_t i = 0; i < 3000; i++) {
		snprintf(buf, sizeof buf, "f%u", (unsigned)i);
		if (strcmp(find(&t, i, i % 7, i % 3, S_IFREG, buf), ""))
			bad++;
	}
	for (uint32_t i = 0; i < 3000; i++) {
		snprintf(buf, sizeof buf, "f%u", (unsigned)i);
		if (strcmp(find(&t, i, i % 7, i % 3, S_IFREG, "again"), buf))
			bad++;
	}
	T_CHECK("unit/links/many", !bad, "%d lookups wrong", bad);
	links_reset(&t);
}
