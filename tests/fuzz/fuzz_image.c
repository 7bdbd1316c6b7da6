/* fuzz_image.c: libFuzzer target for the image reader (unpack/image.c),
 * the decoders and the cpio parser behind it.
 *
 *   input := ctl  sizes[ctl & 7]  image
 *
 * The image is fed to image_push() whole, then in chunks whose sizes
 * cycle through sizes[] (each + 1; 4093 when there are none), the same
 * chunks again as one buffer read in place (im->mapped, as a mapped image
 * is), then (if small) 1 byte at a time, each time into a sink_mem
 * (tests/unit).  Every
 * run must leave the same record: entries, data hashes, the error with its
 * offset, the late note.  A difference aborts, with both records printed,
 * and so do callbacks in an order the sink contract forbids.
 * ctl bit 3: the sink checks 070702 sums as the kernel does.
 *
 * Known differences can be masked while they are open (FUZZ_MASK env,
 * comma-separated):
 *   decoder-offset  where a decoder failed depends on the chunk boundaries
 *                   (fixed in 22fa546: decoder errors carry no offset)
 *   decoder-error   how much a failing decoder emitted before it failed
 *                   depends on the chunk boundaries (liblzma, libzstd on
 *                   corrupt data: regress/xz-, zstd-corrupt-output-...):
 *                   runs in which a decoder failed are not compared
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/harness.h"

static int mask_decoder_offset = -1, mask_decoder_error;

/* messages of the cpio parser and the top loop; any other is a decoder's */
static int
parser_message(const char *line)
{
	static const char *const own[] = {
		"\"no cpio magic\"", "\"incorrect cpio method used", "\"broken padding\"",
		"\"malformed archive\"", "\"junk within compressed archive\"",
		"\"junk at the end of compressed archive\"", "\"invalid magic at start of compressed archive\"",
		"\"bad data checksum\"", "\"write error\"",
	};
	for (size_t i = 0; i < sizeof own / sizeof *own; i++)
		if (!strncmp(line, own[i], strlen(own[i])))
			return 1;
	return 0;
}

/* decoder_failed: R ends with a decoder's error */
static int
decoder_failed(const char *r)
{
	const char *e = strstr(r, "error: \"");
	return e && !parser_message(e + 7);
}

/* mask: drop what FUZZ_MASK names from record R (in place) */
static void
mask(char *r)
{
	if (!mask_decoder_offset)
		return;
	char *e = strstr(r, "error: \"");
	if (!e || parser_message(e + 7))
		return;
	/* "error: MSG why=... offset=N\nwhere: ...\n" -> without N and where */
	char *off = strstr(e, " offset=");
	char *nl = strchr(e, '\n');
	if (off && nl && off < nl) {
		char *w = strstr(nl, "where: ");
		char *wend = w ? strchr(w, '\n') : NULL;
		if (w == nl + 1 && wend)
			memmove(nl + 1, wend + 1, strlen(wend + 1) + 1);
		memmove(off, nl, strlen(nl) + 1);
	}
}

static void
compare(const char *how, const char *a, const char *b, size_t len)
{
	if (!strcmp(a, b))
		return;
	if (mask_decoder_error && (decoder_failed(a) || decoder_failed(b)))
		return;
	fprintf(stderr, "fuzz_image: %s differs from the whole run (%zu bytes of image)\n"
		"--- whole\n%s--- %s\n%s---\n", how, len, a, how, b);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (mask_decoder_offset < 0) {
		const char *m = getenv("FUZZ_MASK");
		mask_decoder_offset = m && strstr(m, "decoder-offset") != NULL;
		mask_decoder_error = m && strstr(m, "decoder-error") != NULL;
	}
	if (size < 1)
		return 0;
	unsigned ctl = data[0];
	size_t nsizes = ctl & 7;
	if (size < 1 + nsizes)
		return 0;
	const uint8_t *sizes = data + 1;
	const uint8_t *img = data + 1 + nsizes;
	size_t len = size - 1 - nsizes;
	unsigned opts = (ctl & 8) ? RUN_CRC : 0;

	char *whole = run_image(img, len, NULL, opts);
	mask(whole);
	/* sink_mem's "BAD" lines: callbacks out of order */
	if (!strncmp(whole, "BAD ", 4) || strstr(whole, "\nBAD ")) {
		fprintf(stderr, "fuzz_image: callbacks out of order\n%s", whole);
		abort();
	}

	/* the chunked run: cuts at the running sums of sizes[] */
	size_t ncuts = 0, cap = 64;
	size_t *cuts = malloc(cap * sizeof *cuts);
	if (!cuts)
		abort();
	for (size_t at = 0, i = 0;; i++) {
		at += nsizes ? (size_t)sizes[i % nsizes] + 1 : 4093;
		if (at >= len)
			break;
		if (ncuts == cap) {
			cap *= 2;
			cuts = realloc(cuts, cap * sizeof *cuts);
			if (!cuts)
				abort();
		}
		cuts[ncuts++] = at;
	}
	struct split sp = { cuts, ncuts, 0 };
	char *chunked = run_image(img, len, &sp, opts);
	mask(chunked);
	compare("chunked", whole, chunked, len);
	free(chunked);
	chunked = run_image(img, len, &sp, opts | RUN_MAPPED);
	mask(chunked);
	compare("chunked, mapped", whole, chunked, len);
	free(chunked);
	free(cuts);

	if (len <= 4096) {
		struct split one = { NULL, 0, 1 };
		char *bytes = run_image(img, len, &one, opts);
		mask(bytes);
		compare("1 byte at a time", whole, bytes, len);
		free(bytes);
	}
	free(whole);
	return 0;
}
