/* xz_config.h: what the kernel's lib/xz (linux-source-6.1) asks of a build
 * outside the kernel: the DYNALLOC mode of its decompress_unxz.c (the one
 * init/initramfs.c uses), the allocators as malloc, memeq and friends.
 * Not code from the kernel: lib/xz's own files come from Debian's
 * linux-source-6.1 at build time (boot/deps.sh, libkxz.a).
 *
 * Its CRC-32 is popinit's (lib/crc32.c, slicing by eight) in place of
 * lib/xz's byte-at-a-time xz_crc32.c; -DXZ_KERNEL_CRC32 keeps the kernel's
 * (tests/bench/xzpair.c, which times the kernel's decoder as it is). */
#ifndef POPINIT_XZ_CONFIG_H
#define POPINIT_XZ_CONFIG_H

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
#ifndef __always_inline	/* glibc's sys/cdefs.h has one */
#define __always_inline inline __attribute__((always_inline))
#endif

static inline uint32_t
get_le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
#define get_unaligned_le32(p) get_le32(p)

/* the BCJ filters' loads and stores (xz_dec_bcj.c) */
static inline uint32_t
get_be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | (uint32_t)b[3];
}
#define get_unaligned_be32(p) get_be32(p)

static inline void
put_le32(uint32_t v, uint8_t *b)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}
#define put_unaligned_le32(v, p) put_le32((v), (uint8_t *)(p))

static inline void
put_be32(uint32_t v, uint8_t *b)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}
#define put_unaligned_be32(v, p) put_be32((v), (uint8_t *)(p))

#ifndef XZ_KERNEL_CRC32
#include "../lib/crc32.h"
#define xz_crc32(buf, size, crc) crc32_update((crc), (buf), (size))
#endif

#endif
