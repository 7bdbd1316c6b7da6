/* sink_mem.h: a cpio_sink that writes down every callback as a line of
 * text, so that two runs over the same input (split differently, fed by
 * another path) can be compared with strcmp().
 *
 *   entry reg mode=0100644 ino=1 uid=0 gid=0 nlink=1 mtime=0 size=4
 *         dev=0,1 rdev=0x0 crc=0 check=0 name="a" target=-
 *   end bytes=4 sum=0x11e fnv=0123456789abcdef data="ASDF"
 *   trailer
 *
 * Data is hashed, never recorded per call (how it is cut into data() calls
 * depends on the split), but its first bytes are kept for reading.
 * Callbacks in the wrong order (data outside a regular file, a second
 * entry before end()...) are recorded as "BAD ..." lines.
 */
#ifndef POPINIT_SINK_MEM_H
#define POPINIT_SINK_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../unpack/cpio.h"

struct sink_mem {
	char *text;
	size_t len, cap;
	struct error *err;	/* where kernel-like failures go */
	bool check_crc;		/* end(): the kernel's 070702 check */
	long fail_after;	/* > 0: the Nth callback fails (write error) */
	long calls;
	bool in_file;		/* between a regular entry and its end() */
	bool crc;
	uint32_t check;
	uint64_t bytes, fnv;
	uint32_t sum;
	char head[16];		/* the file's first bytes */
	size_t head_len;
};

/* sink_mem_init: an empty record; failures are recorded into ERR */
void sink_mem_init(struct sink_mem *m, struct error *err);
void sink_mem_free(struct sink_mem *m);
/* sink_mem_sink: the cpio_sink whose callbacks write into M */
void sink_mem_sink(struct sink_mem *m, struct cpio_sink *s);
/* sink_mem_printf: a line of the caller's own into the record */
void sink_mem_printf(struct sink_mem *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* sink_mem_quote: NUL-terminated S as "..." with \xNN escapes, into M */
void sink_mem_quote(struct sink_mem *m, const char *s, size_t max);

int sink_mem_entry(void *ctx, const struct cpio_entry *e);
int sink_mem_data(void *ctx, const void *buf, size_t len);
int sink_mem_end(void *ctx, uint32_t sum);
int sink_mem_trailer(void *ctx);

#endif
