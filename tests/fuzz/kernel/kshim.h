/* kshim.h: just enough of the kernel's headers to build init/initramfs.c
 * and lib/decompress_*.c (with lib/xz, lib/zstd, lib/zlib_inflate) of
 * Linux 6.1 as userspace code.  run.sh points every <linux/...> header
 * those files include at a stub that includes this one. */
#ifndef KSHIM_H
#define KSHIM_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef unsigned short umode_t;
typedef long long time64_t;

#define __init
#define __initdata
#define __initconst
#define __init_or_module
#ifndef INIT
#define INIT
#endif
#define likely(x) (x)
#define unlikely(x) (x)
#define noinline __attribute__((noinline))
#define __always_inline inline __attribute__((always_inline))
#define fallthrough __attribute__((fallthrough))
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)
#define MODULE_LICENSE(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_AUTHOR(x)
#define BUG_ON(x) do { if (x) abort(); } while (0)
#define WARN_ON(x) (x)
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof(*(a)))
/* x86 has it; the output is the same either way */
#define CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS 0
#define IS_ENABLED(x) (x)
#define CRC32_POLY_BE 0x04c11db7
#define CRC32_POLY_LE 0xedb88320

/* <linux/slab.h>, <linux/vmalloc.h>, <linux/decompress/mm.h>: a window
 * past 256 MiB is taken to fail, as popinit assumes of vmalloc */
#define KSHIM_BIG(n) ((size_t)(n) > (256u << 20))
#define GFP_KERNEL 0
#define kmalloc(n, f) malloc(n)
#define kfree(p) free(p)
#define vmalloc(n) (KSHIM_BIG(n) ? NULL : malloc(n))
#define vfree(p) free(p)
#define large_malloc(n) (KSHIM_BIG(n) ? NULL : malloc(n))
#define large_free(p) free(p)
#ifndef STATIC
#define STATIC
#endif

static inline u16 get_unaligned_be16(const void *p) { const u8 *b = p; return (u16)(b[0] << 8 | b[1]); }
static inline u32 get_unaligned_be32(const void *p)
{ const u8 *b = p; return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3]; }
static inline u64 get_unaligned_be64(const void *p)
{ return (u64)get_unaligned_be32(p) << 32 | get_unaligned_be32((const u8 *)p + 4); }
static inline u16 get_unaligned_le16(const void *p) { const u8 *b = p; return (u16)(b[0] | b[1] << 8); }
static inline u32 get_unaligned_le32(const void *p)
{ const u8 *b = p; return b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24; }
static inline u64 get_unaligned_le64(const void *p)
{ return get_unaligned_le32(p) | (u64)get_unaligned_le32((const u8 *)p + 4) << 32; }
static inline void put_unaligned_le16(u16 v, void *p) { u8 *b = p; b[0] = (u8)v; b[1] = (u8)(v >> 8); }
static inline void put_unaligned_le32(u32 v, void *p)
{ u8 *b = p; b[0] = (u8)v; b[1] = (u8)(v >> 8); b[2] = (u8)(v >> 16); b[3] = (u8)(v >> 24); }
static inline void put_unaligned_le64(u64 v, void *p)
{ put_unaligned_le32((u32)v, p); put_unaligned_le32((u32)(v >> 32), (u8 *)p + 4); }
static inline void put_unaligned_be32(u32 v, void *p)
{ u8 *b = p; b[0] = (u8)(v >> 24); b[1] = (u8)(v >> 16); b[2] = (u8)(v >> 8); b[3] = (u8)v; }
#define get_unaligned(p) ({ __typeof__(*(p)) v_; memcpy(&v_, (p), sizeof v_); v_; })
#define put_unaligned(v, p) do { __typeof__(*(p)) v_ = (v); memcpy((p), &v_, sizeof v_); } while (0)
#define le32_to_cpup(p) get_unaligned_le32(p)
#define cpu_to_le32(x) (x)
#define le32_to_cpu(x) (x)

#endif
