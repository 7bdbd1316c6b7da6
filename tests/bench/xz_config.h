/* xz_config.h: what the kernel's lib/xz (linux-source-6.1) asks of a
 * userspace build, for tests/bench/xzpair.c: the DYNALLOC mode of its
 * decompress_unxz.c, the allocators as malloc, its byte-order helpers */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xz.h"

#define XZ_DEC_DYNALLOC
#define memeq(a, b, size) (memcmp(a, b, size) == 0)
#define memzero(buf, size) memset(buf, 0, size)
#define kmalloc(size, flags) malloc(size)
#define kfree(ptr) free(ptr)
#define vmalloc(size) malloc(size)
#define vfree(ptr) free(ptr)
#define min(x, y) ((x) < (y) ? (x) : (y))
#define min_t(type, x, y) min(x, y)
#define fallthrough __attribute__((fallthrough))
#define __always_inline inline __attribute__((always_inline))

static inline uint32_t
get_le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
#define get_unaligned_le32(p) get_le32(p)
