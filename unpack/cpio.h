/* cpio.h: the kernel's newc/crc cpio state machine as a push parser.
 *
 * One entry of a "newc" (070701) or "crc" (070702) archive:
 *
 *   offset 0    "070701" or "070702"                     6 bytes
 *          6    13 fields of 8 hex digits: ino mode uid gid nlink mtime
 *               filesize devmajor devminor rdevmajor rdevminor namesize check
 *        110    name, namesize bytes, NUL at namesize-1
 *               NUL padding so that 110 + namesize is a multiple of 4
 *               data, filesize bytes (a symlink's target, a file's bytes)
 *               NUL padding to a multiple of 4
 *
 * The parser is fed bytes in pieces of any size; the result does not depend
 * on how the input is split.  It performs no I/O: it reports what the kernel
 * would create through the callbacks of a struct cpio_sink, and stops at the
 * first error, whose message is the kernel's own (init/initramfs.c, 6.1).
 * It allocates nothing; its buffers are in struct cpio_parser.
 */
#ifndef POPINIT_CPIO_H
#define POPINIT_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/error.h"

#define CPIO_HDR_LEN 110
#define CPIO_PATH_MAX 4096
/* N_ALIGN: padded name length, so that 110 + N_ALIGN(n) is a multiple of 4 */
#define CPIO_N_ALIGN(n) ((((uint64_t)(n) + 1) & ~(uint64_t)3) + 2)

struct cpio_entry {
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize;
	uint32_t devmajor, devminor, namesize, check;
	uint32_t rdev;		/* rdevmajor/rdevminor, combined as the kernel does */
	bool crc;		/* 070702: check is the byte sum of the data */
	const char *name;	/* NUL-terminated name as the kernel uses it */
	const char *target;	/* symlinks: NUL-terminated target */
	uint64_t offset;	/* of the header, in the current segment */
};

/* What an archive asks for.  Each callback returns 0, or a negative value
 * after recording its error with error_set(): the parser then stops. */
struct cpio_sink {
	/* every entry the kernel acts on: type from e->mode; regular files
	 * are followed by data() calls and one end(), even when empty */
	int (*entry)(void *ctx, const struct cpio_entry *e);
	int (*data)(void *ctx, const void *buf, size_t len);
	/* SUM is the 32-bit byte sum of the data for a 070702 ("crc")
	 * entry, which checks it; 0 for 070701, whose data is not summed */
	int (*end)(void *ctx, uint32_t sum);
	/* "TRAILER!!!": the hardlink table is forgotten */
	int (*trailer)(void *ctx);
	void *ctx;
};

enum cpio_state {
	CPIO_START,
	CPIO_COLLECT,
	CPIO_GOT_HEADER,
	CPIO_SKIP,
	CPIO_GOT_NAME,
	CPIO_COPY,
	CPIO_GOT_SYMLINK,
	CPIO_RESET,
};

struct cpio_parser {
	enum cpio_state state, collect_next;
	uint64_t this_header, next_header;	/* offsets in the segment */
	uint64_t content_end;	/* end of the entry's data, before padding */
	uint64_t entry_start;	/* where the entry being read began */
	uint64_t body_left;
	uint32_t sum;
	size_t want, have;	/* Collect: bytes wanted, bytes held */
	struct cpio_entry e;
	const struct cpio_sink *sink;
	struct error *error;	/* the first error, offsets in the segment */
	/* header, name, or name + symlink target, with a NUL after */
	char buf[CPIO_N_ALIGN(CPIO_PATH_MAX) + CPIO_PATH_MAX + 1];
};

/* cpio_init: a parser in state Reset (what the kernel's external initrd
 * finds after its built-in archive), reporting to SINK, errors into ERR. */
void cpio_init(struct cpio_parser *p, const struct cpio_sink *sink, struct error *err);

/* cpio_write: the kernel's write_buffer(): run the machine over BUF until it
 * stops; returns the bytes consumed.  Fewer than LEN are consumed when the
 * machine stops at the start of something that is not an entry (after an
 * entry and its NUL padding) or at an error (err->msg set). */
size_t cpio_write(struct cpio_parser *p, const uint8_t *buf, size_t len);

/* cpio_flush: the kernel's flush_buffer() for decompressed data: like
 * cpio_write, but a '0' starts a new entry and other junk is an error.
 * Returns 0, or -1 once an error is recorded. */
int cpio_flush(struct cpio_parser *p, const uint8_t *buf, size_t len);

/* cpio_mid_entry: true when the input ended inside an entry (truncated). */
bool cpio_mid_entry(const struct cpio_parser *p);
/* cpio_nuls: how many of the LEN bytes at P are NUL before the first that
 * is not (the padding between members, a partition's tail after its
 * image: megabytes of them, taken 32 bytes a step) */
size_t cpio_nuls(const uint8_t *p, size_t len);

#endif
