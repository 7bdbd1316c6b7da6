/* kshim_lzo.h: <linux/lzo.h> for lib/decompress_unlzo.c: minilzo's decoder
 * (kinit.c adapts its signature) */
#include "kshim.h"

#define LZO_E_OK 0
int kor_lzo1x_decompress_safe(const unsigned char *src, size_t src_len, unsigned char *dst, size_t *dst_len);
#define lzo1x_decompress_safe kor_lzo1x_decompress_safe
static inline size_t lzo1x_worst_compress(size_t x) { return x + x / 16 + 64 + 3 + 2; }
