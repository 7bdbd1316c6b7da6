/* fuzz_cpio.c: libFuzzer target for the cpio state machine alone
 * (unpack/cpio.c) with the in-memory sink of the unit tests.
 *
 *   input := ctl  sizes[ctl & 7]  archive
 *
 * The archive is fed whole, then in chunks whose sizes cycle through
 * sizes[] (each + 1), then (if small) 1 byte at a time.  Every run must
 * leave the same record (entries, data hashes, the error and its offset,
 * the state left); callbacks in an order the sink contract forbids abort.
 * ctl bit 3: 070702 sums checked; bit 4: driven as the kernel's
 * write_buffer() (cpio_write), else cpio_flush().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/harness.h"

/* fuzz-options: -max_len=65536 (the corpus archives, the 107 KiB tool-* ones cut to 64 KiB) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
same(const char *how, const char *a, const char *b, size_t len)
{
	if (!strcmp(a, b))
		return;
	fprintf(stderr, "fuzz_cpio: %s differs from the whole run (%zu bytes)\n--- whole\n%s--- %s\n%s---\n",
		how, len, a, how, b);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned ctl = data[0];
	size_t nsizes = ctl & 7;
	if (size < 1 + nsizes)
		return 0;
	const uint8_t *sizes = data + 1, *ar = data + 1 + nsizes;
	size_t len = size - 1 - nsizes;
	unsigned opts = (ctl & 8 ? RUN_CRC : 0) | (ctl & 16 ? RUN_WRITE : 0);

	char *whole = run_cpio(ar, len, NULL, opts);
	if (!strncmp(whole, "BAD ", 4) || strstr(whole, "\nBAD ")) {
		fprintf(stderr, "fuzz_cpio: callbacks out of order\n%s", whole);
		abort();
	}
	size_t cuts[4096], n = 0;
	for (size_t at = 0, i = 0; n < sizeof cuts / sizeof *cuts; i++) {
		at += nsizes ? (size_t)sizes[i % nsizes] + 1 : 509;
		if (at >= len)
			break;
		cuts[n++] = at;
	}
	struct split sp = { cuts, n, 0 };
	char *chunked = run_cpio(ar, len, &sp, opts);
	same("chunked", whole, chunked, len);
	free(chunked);
	if (len <= 4096) {
		struct split one = { NULL, 0, 1 };
		char *bytes = run_cpio(ar, len, &one, opts);
		same("1 byte at a time", whole, bytes, len);
		free(bytes);
	}
	free(whole);
	return 0;
}
