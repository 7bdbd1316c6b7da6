/* error.h: what went wrong, and where: the one error record of the unpack
 * path, from setting up the writer to the last byte of an image (the cpio
 * parser, the image's top loop and its decoders, the writer thread, the
 * checks of a signed image).  Library code fills it and returns; init/ and
 * the command front ends say it.
 *
 *   msg     the kernel's message for the failure ("write error"), or
 *           popinit's reason ("refused"); NULL: no error
 *   why     popinit's detail (static), or NULL
 *   err     the negative errno behind it, 0 if none
 *   what    the entry or object concerned ("usr/bin/x"), or a formatted
 *           detail; "" if none
 *   offset  where, in the stream that failed
 *   where   where, in words, when the offset alone would not say it
 *           ("offset 12 of the gzip data at offset 512"); "" if none
 */
#ifndef POPINIT_ERROR_H
#define POPINIT_ERROR_H

#include <stdint.h>

#define ERROR_WHAT_MAX 4096
#define ERROR_WHERE_MAX 160

struct error {
	const char *msg;
	const char *why;
	int err;
	uint64_t offset;
	char where[ERROR_WHERE_MAX];
	char what[ERROR_WHAT_MAX];
};

/* error_set: record an error in E unless it holds one already (the first
 * is kept, as the kernel keeps its first message); WHAT may be NULL */
void error_set(struct error *e, const char *msg, const char *why, int err, const char *what,
	       uint64_t offset);

#endif
