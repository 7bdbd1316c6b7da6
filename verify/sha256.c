/* sha256.c: see sha256.h */
#include <string.h>

#include "sha256.h"

#if (defined(__x86_64__) || defined(__aarch64__)) && defined(__GNUC__)
/* the round constants, four to a vector */
static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

/* blocks: N 64-byte blocks of P into the state S, with the SHA extensions:
 * four rounds an instruction pair, the schedule four words at a time */
__attribute__((target("sha,sse4.1,ssse3"))) static void
blocks(uint32_t s[8], const uint8_t *p, size_t n)
{
	const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)s), 0xb1);	/* CDAB */
	__m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(s + 4)), 0x1b);	/* EFGH */
	__m128i s0 = _mm_alignr_epi8(t, s1, 8);		/* ABEF */
	s1 = _mm_blend_epi16(s1, t, 0xf0);		/* CDGH */

	for (; n--; p += 64) {
		__m128i abef = s0, cdgh = s1, m[4];
		for (int i = 0; i < 4; i++)
			m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), swap);
		for (int i = 0; i < 16; i++) {
			__m128i w = _mm_add_epi32(m[i & 3], _mm_loadu_si128((const __m128i *)(K + 4 * i)));
			s1 = _mm_sha256rnds2_epu32(s1, s0, w);
			s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(w, 0x0e));
			if (i < 12) {
				/* W[t] for the group four on: W[t-16] + s0(W[t-15]),
				 * + W[t-7], + s1(W[t-2]) */
				__m128i x = _mm_sha256msg1_epu32(m[i & 3], m[(i + 1) & 3]);
				x = _mm_add_epi32(x, _mm_alignr_epi8(m[(i + 3) & 3], m[(i + 2) & 3], 4));
				m[i & 3] = _mm_sha256msg2_epu32(x, m[(i + 3) & 3]);
			}
		}
		s0 = _mm_add_epi32(s0, abef);
		s1 = _mm_add_epi32(s1, cdgh);
	}
	t = _mm_shuffle_epi32(s0, 0x1b);		/* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xb1);		/* DCHG */
	_mm_storeu_si128((__m128i *)s, _mm_blend_epi16(t, s1, 0xf0));	/* DCBA */
	_mm_storeu_si128((__m128i *)(s + 4), _mm_alignr_epi8(s1, t, 8));	/* HGFE */
}

static bool
have_sha(void)
{
	unsigned a, b, c, d;

	return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_1) && (c & bit_SSSE3) &&
	       __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}
#elif defined(__aarch64__) && defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* (little-endian only: the byte swap below assumes it; aarch64_be hashes
 * with BearSSL's code) */
#include <arm_neon.h>
#include <sys/auxv.h>

#ifndef HWCAP_SHA2
#define HWCAP_SHA2 (1 << 6)
#endif

/* blocks: as above, with ARMv8's SHA-256 instructions: four rounds an
 * instruction pair on ABCD and EFGH, the schedule four words at a time */
__attribute__((target("+crypto"))) static void
blocks(uint32_t s[8], const uint8_t *p, size_t n)
{
	uint32x4_t abcd = vld1q_u32(s), efgh = vld1q_u32(s + 4);

	for (; n--; p += 64) {
		uint32x4_t a0 = abcd, e0 = efgh, m[4];
		for (int i = 0; i < 4; i++)
			m[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 16 * i)));
		for (int i = 0; i < 16; i++) {
			uint32x4_t w = vaddq_u32(m[i & 3], vld1q_u32(K + 4 * i)), was = abcd;
			abcd = vsha256hq_u32(abcd, efgh, w);
			efgh = vsha256h2q_u32(efgh, was, w);
			if (i < 12)	/* W[t] for the group four on */
				m[i & 3] = vsha256su1q_u32(vsha256su0q_u32(m[i & 3], m[(i + 1) & 3]),
							   m[(i + 2) & 3], m[(i + 3) & 3]);
		}
		abcd = vaddq_u32(abcd, a0);
		efgh = vaddq_u32(efgh, e0);
	}
	vst1q_u32(s, abcd);
	vst1q_u32(s + 4, efgh);
}

static bool
have_sha(void)
{
	return (getauxval(AT_HWCAP) & HWCAP_SHA2) != 0;
}
#else
static bool have_sha(void) { return false; }
static void blocks(uint32_t s[8], const uint8_t *p, size_t n) { (void)s; (void)p; (void)n; }
#endif

bool
sha256_hw(void)
{
	return have_sha();
}

void
sha256_init(struct sha256 *h)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	h->ni = have_sha();
	h->have = 0;
	h->count = 0;
	memcpy(h->s, iv, sizeof iv);
	if (!h->ni)
		br_sha256_init(&h->br);
}

void
sha256_update(struct sha256 *h, const void *data, size_t n)
{
	const uint8_t *p = data;

	if (!h->ni) {
		br_sha256_update(&h->br, p, n);
		return;
	}
	h->count += n;
	if (h->have) {
		size_t k = 64 - h->have < n ? 64 - h->have : n;
		memcpy(h->buf + h->have, p, k);
		h->have += k;
		p += k;
		n -= k;
		if (h->have < 64)
			return;
		blocks(h->s, h->buf, 1);
		h->have = 0;
	}
	blocks(h->s, p, n / 64);
	p += n / 64 * 64;
	memcpy(h->buf, p, n % 64);
	h->have = n % 64;
}

void
sha256_out(struct sha256 *h, uint8_t out[32])
{
	if (!h->ni) {
		br_sha256_out(&h->br, out);
		return;
	}
	/* the padding: 0x80, zeros, the length in bits, big-endian */
	uint64_t bits = h->count * 8;
	h->buf[h->have++] = 0x80;
	if (h->have > 56) {
		memset(h->buf + h->have, 0, 64 - h->have);
		blocks(h->s, h->buf, 1);
		h->have = 0;
	}
	memset(h->buf + h->have, 0, 56 - h->have);
	for (int i = 0; i < 8; i++)
		h->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	blocks(h->s, h->buf, 1);
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 4; j++)
			out[4 * i + j] = (uint8_t)(h->s[i] >> (24 - 8 * j));
}
