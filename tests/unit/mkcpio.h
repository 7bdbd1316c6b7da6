/* mkcpio.h: newc/crc archives built in memory from a table, in the manner
 * of the kernel's KUnit fill_cpio() (init/initramfs_test.c).
 *
 * Each entry is written at the end of the buffer, whose offsets count from
 * its start (so a buffer that starts 4-aligned keeps its entries aligned):
 *
 *   header   magic + 13 fields, "%08x" each unless raw[i] gives the 8 chars
 *   name     N_ALIGN(namesize) bytes: namelen bytes of name (no NUL of its
 *            own), then NUL up to namesize, then `namepad` bytes
 *   data     filesize bytes: `data` (datalen bytes), then NULs
 *            then `datapad` bytes up to a multiple of 4 (unless MK_NOPAD)
 *
 * Unless told otherwise: namesize = strlen(name) + 1, filesize = datalen,
 * datalen = strlen(data), magic "070701".
 */
#ifndef POPINIT_MKCPIO_H
#define POPINIT_MKCPIO_H

#include <stddef.h>
#include <stdint.h>

enum {
	MK_NAMESIZE = 1,	/* namesize as given (else strlen(name) + 1) */
	MK_FILESIZE = 2,	/* filesize as given (else datalen) */
	MK_CSUM = 4,		/* check = byte sum of the data */
	MK_NOPAD = 8,		/* no padding after the data */
	MK_UPPER = 16,		/* "%08X" */
	MK_OX = 32,		/* KUnit inject_ox: uid "0x%06x", gid "0X%06x", namesize "0x%06x" */
};

struct mk_entry {
	const char *magic;	/* NULL: "070701" */
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize;
	uint32_t devmajor, devminor, rdevmajor, rdevminor, namesize, check;
	const char *name;	/* NULL: "" */
	size_t namelen;		/* bytes of name written: 0: strlen(name) */
	const void *data;	/* NULL: no data bytes */
	size_t datalen;		/* 0: strlen(data) */
	unsigned flags;
	uint8_t namepad, datapad;
	const char *raw[13];	/* field i written verbatim (8 chars) */
};

struct mk_buf {
	uint8_t *p;
	size_t len, cap;
};

void mk_add(struct mk_buf *b, const struct mk_entry *e);
/* mk_trailer: "TRAILER!!!" as gen_init_cpio writes it (nlink 1) */
void mk_trailer(struct mk_buf *b);
void mk_bytes(struct mk_buf *b, const void *p, size_t n);
void mk_fill(struct mk_buf *b, uint8_t byte, size_t n);
/* mk_align: NULs up to a multiple of N */
void mk_align(struct mk_buf *b, size_t n);
void mk_free(struct mk_buf *b);

#endif
