/* sha256.h: SHA-256 of a payload: the CPU's SHA extensions where it has
 * them (x86_64: about 1.5 GB/s, BearSSL's portable code 270 MB/s here;
 * aarch64: ARMv8's SHA-256 instructions), else BearSSL's.  BearSSL's
 * streaming shape: init, update, out.
 */
#ifndef POPINIT_SHA256_H
#define POPINIT_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bearssl_hash.h>

struct sha256 {
	bool ni;			/* the CPU's instructions */
	uint32_t s[8];			/* their state, */
	uint64_t count;			/* bytes hashed, */
	uint8_t buf[64];		/* and a partial block */
	size_t have;
	br_sha256_context br;		/* or BearSSL's */
};

/* the CPU has SHA-256 instructions, and this build uses them */
bool sha256_hw(void);
void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t n);
void sha256_out(struct sha256 *h, uint8_t out[32]);

#endif
