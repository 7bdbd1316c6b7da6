/* kshim_lz4.h: <linux/lz4.h> for lib/decompress_unlz4.c: liblz4's decoder,
 * which may not read past what the kernel could (the image and the zeros
 * after it, see kinit.c): kor_ub says it tried. */
#include "kshim.h"
#include <lz4.h>

extern const unsigned char *kor_in_lo, *kor_in_hi;
extern int kor_ub;

static inline int
kor_lz4_safe(const char *src, char *dst, long n, long cap)
{
	if (n < 0 || (const unsigned char *)src < kor_in_lo || (const unsigned char *)src + n > kor_in_hi) {
		kor_ub = 1;
		return -1;
	}
	return LZ4_decompress_safe(src, dst, (int)n, (int)cap);
}
#define LZ4_decompress_safe(s, d, n, c) kor_lz4_safe((const char *)(s), (char *)(d), (long)(n), (long)(c))
