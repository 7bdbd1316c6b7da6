/* hash.c: a benchmark (not a test): verify/sha256.c's SHA-256 with the
 * CPU's instructions against BearSSL's portable code, on the same bytes,
 * in turn, in one process (tests/bench/hash.sh runs it on this host and
 * under qemu-aarch64 and qemu-x86_64), and BearSSL's SHA-384 (what a signed
 * image's payload-sha384= costs, verify/sigimage.c).  One line per round:
 *   HASH MB instructions MS portable MS sha384 MS
 * ("instructions none" when this CPU has none: both runs are BearSSL's).
 * Exits 1 if the two digests differ. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../verify/sha256.h"

static double
now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	size_t mb = argc > 1 ? (size_t)atoi(argv[1]) : 64;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	size_t n = mb << 20;
	uint8_t *buf = malloc(n), a[32], b[32], b384[48];
	struct sha256 h;

	if (!buf || !mb)
		return 111;
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(i * 7 + (i >> 11));
	sha256_init(&h);
	bool ni = h.ni;
	for (int r = 0; r < rounds; r++) {
		double t0 = now();
		sha256_init(&h);
		sha256_update(&h, buf, n);
		sha256_out(&h, a);
		double t1 = now();
		br_sha256_context c;
		br_sha256_init(&c);
		br_sha256_update(&c, buf, n);
		br_sha256_out(&c, b);
		double t2 = now();
		br_sha384_context d;
		br_sha384_init(&d);
		br_sha384_update(&d, buf, n);
		br_sha384_out(&d, b384);
		double t3 = now();
		if (memcmp(a, b, 32)) {
			printf("HASH the digests differ\n");
			return 1;
		}
		if (ni)
			printf("HASH %zu instructions %.1f portable %.1f sha384 %.1f\n", mb, t1 - t0, t2 - t1, t3 - t2);
		else
			printf("HASH %zu instructions none portable %.1f sha384 %.1f\n", mb, t2 - t1, t3 - t2);
		fflush(stdout);
	}
	return 0;
}
