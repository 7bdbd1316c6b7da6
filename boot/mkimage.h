/* mkimage.h: a newc archive from the kernel's gen_init_cpio list format.
 *
 *   # comment
 *   file <name> <location> <mode> <uid> <gid> [<hard link name>...]
 *   dir <name> <mode> <uid> <gid>
 *   nod <name> <mode> <uid> <gid> <b|c> <maj> <min>
 *   slink <name> <target> <mode> <uid> <gid>
 *   pipe <name> <mode> <uid> <gid>
 *   sock <name> <mode> <uid> <gid>
 *
 * Modes are octal, ids and device numbers decimal; <location> expands
 * ${VAR} from the environment.  The output is byte for byte what
 * usr/gen_init_cpio writes for the same list: inodes numbered from 721,
 * devmajor:devminor 3:1, data on the last name of a hard-linked file, a
 * TRAILER!!! and zero padding to a multiple of 512.  With a fixed mtime
 * (-t, SOURCE_DATE_EPOCH) every entry gets it, regular files included, so
 * the archive depends on nothing but the list and the files' contents.
 */
#ifndef POPINIT_MKIMAGE_H
#define POPINIT_MKIMAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct mkimage_opts {
	int64_t mtime;		/* for every entry; -1: now, files their own */
	bool crc;		/* 070702 with data checksums */
};

struct mkimage_error {
	unsigned line;		/* 0: not about a line */
	int err;		/* negative errno, or 0 */
	char msg[512];
};

/* mkimage_write: read the list from LIST, write the archive to OUT (fd).
 * Returns 0, or -1 with E filled. */
int mkimage_write(FILE *list, int out, const struct mkimage_opts *o, struct mkimage_error *e);

#endif
