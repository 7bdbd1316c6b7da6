/* alloc_test.c: that alloc.c keeps ASan's checks on the blocks it keeps
 * (run.sh builds it with alloc.c and ASan, and runs each case).
 *
 *   alloc_test CASE     fresh, calloc, realloc: exit 0 when right;
 *                       overflow, tail, smaller, after-free, double-free:
 *                       must die with ASan's (or alloc.c's) report
 *
 * Each case first allocates and frees a block of the size, so that the
 * block under test is a kept one. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N (200u << 10)	/* a class of 224 KiB: the last 24 KiB poisoned */

static volatile uint8_t sink;
static uint8_t *volatile first;	/* volatile: no malloc/free pair elided */

/* kept: a block of N bytes that was lent, written, freed and lent again */
static uint8_t *
kept(void)
{
	first = malloc(N);
	if (!first)
		exit(2);
	memset(first, 0x5a, N);
	free(first);
	uint8_t *q = malloc(N);
	if (q != first) {
		fprintf(stderr, "alloc_test: the block was not kept\n");
		exit(1);
	}
	return q;
}

static int
fresh(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (i < 4096 ? 0xbe : 0)) {
			fprintf(stderr, "alloc_test: byte %zu of a kept block is 0x%02x\n", i, p[i]);
			return 0;
		}
	return 1;
}

int
main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	uint8_t *p = kept();

	if (!strcmp(c, "fresh"))	/* what a fresh ASan chunk holds */
		return !fresh(p, N);
	if (!strcmp(c, "smaller")) {	/* the same class, less asked: the rest poisoned */
		p[N - 1] = 1;
		free(p);
		uint8_t *q = malloc(N - 1000);
		if (q != p || !fresh(q, N - 1000))
			return 1;
		sink = q[N - 1000];
		return 0;
	}
	if (!strcmp(c, "calloc")) {
		free(p);
		uint8_t *z = calloc(1, N);
		for (size_t i = 0; i < N; i++)
			if (z[i]) {
				fprintf(stderr, "alloc_test: byte %zu of calloc is 0x%02x\n", i, z[i]);
				return 1;
			}
		return 0;
	}
	if (!strcmp(c, "realloc")) {
		p[N - 1] = 7;
		uint8_t *r = realloc(p, 2 * N);
		return !r || r[N - 1] != 7;
	}
	if (!strcmp(c, "overflow"))	/* past the class: ASan's redzone */
		sink = p[N + (24u << 10)];
	else if (!strcmp(c, "tail"))	/* past the size, inside the class */
		sink = p[N];
	else if (!strcmp(c, "after-free")) {
		free(p);
		sink = p[N / 2];
	} else if (!strcmp(c, "double-free")) {
		free(p);
		free(p);
	}
	return 0;
}
