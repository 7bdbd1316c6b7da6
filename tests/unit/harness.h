/* harness.h: run the cpio parser or the image reader over an input cut
 * into pieces, and return everything that happened as one string (the
 * sink_mem record, then the error and what the parser was left in), so
 * that runs can be compared with strcmp().  Also: compressed bytes from
 * the real tools.
 */
#ifndef POPINIT_HARNESS_H
#define POPINIT_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mkcpio.h"

enum {
	RUN_CRC = 1,		/* the sink checks 070702 sums as the kernel does */
	RUN_NO_OFFSETS = 2,	/* leave the entries' header offsets out */
	RUN_WRITE = 4,		/* cpio: drive cpio_write() as the kernel's top loop
				 * drives write_buffer() (else cpio_flush()) */
	RUN_MAPPED = 8,		/* image: the pieces are parts of one buffer
				 * (im->mapped and im->map: decoders read it
				 * in place, and ahead) */
};

/* a split: the input is fed in pieces ending at CUTS[0..N-1] (ascending,
 * each <= len), then the rest; STEP > 0 instead feeds STEP bytes at a time */
struct split {
	const size_t *cuts;
	size_t n;
	size_t step;
};

/* run_cpio, run_image: the record (malloc'd) of one run */
char *run_cpio(const uint8_t *buf, size_t len, const struct split *sp, unsigned opts);
char *run_image(const uint8_t *buf, size_t len, const struct split *sp, unsigned opts);

/* split_check: run RUN whole, then cut in two at every offset in [0, len]
 * (or, when len > LIMIT, at about LIMIT offsets spread over it and all of
 * the first and last min(64, LIMIT / 4)), then 1 byte at a time, then a few random cuts.
 * Returns the record of the whole run (malloc'd); *bad gets NULL or a
 * description of the first run that differed (malloc'd). */
typedef char *(*run_fn)(const uint8_t *, size_t, const struct split *, unsigned);
char *split_check(run_fn run, const uint8_t *buf, size_t len, unsigned opts, size_t limit,
		  char **bad);

/* has: S contains NEEDLE */
bool has(const char *s, const char *needle);
/* count: occurrences of NEEDLE in S */
size_t count(const char *s, const char *needle);

/* compress: BUF through the command ARGV (stdin to stdout) into OUT;
 * 0, or -1 if it could not be run or failed */
int compress(const char *const argv[], const uint8_t *buf, size_t len, struct mk_buf *out);

#endif
