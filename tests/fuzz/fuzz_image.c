/* fuzz_image.c: libFuzzer target for the image reader (unpack/image.c),
 * the decoders and the cpio parser behind it.
 *
 *   input := ctl  sizes[ctl & 7]  image
 *
 * The image is fed to image_push() whole; one input in FUZZ_REFEED
 * (fuzz.h) again in chunks whose sizes cycle through sizes[] (each + 1;
 * 4093 when there are none), then the same chunks as one buffer read in
 * place (im->mapped and im->map, as a mapped image is, which lz4 reads
 * ahead in); one in FUZZ_REFEED_BYTES (if
 * small) 1 byte at a time.  The whole run is mapped too for half the
 * inputs (by a bit of the input's hash: every input is read in place or
 * copied, the same one always the same way), the byte-at-a-time run the
 * other way.  Each run goes into a sink_mem (tests/unit) whose data is
 * kept whole.  Every run must leave the same record (entries, the error
 * with its offset, the late note) and the same data, byte for byte.  A
 * difference aborts, with both records printed, and so do callbacks in an
 * order the sink contract forbids.  A run stops at the output cap
 * (FUZZ_OUT_CAP: "capped" in the record, nothing after it compared).
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

#include "../../unpack/image.h"
#include "../unit/sink_mem.h"
#include "fuzz.h"

/* fuzz-options: -max_len=65536 (the corpus images, the 107 KiB tool-* ones cut to 64 KiB) */

static int mask_decoder_offset = -1, mask_decoder_error;

/* one run: sink_mem's record, and the data kept whole instead of hashed */
struct run {
	struct sink_mem m;
	uint8_t *data;		/* FUZZ_OUT_CAP bytes */
	uint64_t n;
	bool capped;
};

static uint8_t data_whole[FUZZ_OUT_CAP], data_other[FUZZ_OUT_CAP];

/* over: the callback that wrote the record from OLD on went past the cap:
 * its line out, "capped" in */
static int
over(struct run *r, size_t old)
{
	if (fuzz_room(r->n, r->m.len))
		return 0;
	r->m.len = old;
	r->m.text[old] = '\0';
	sink_mem_printf(&r->m, "capped\n");
	r->capped = true;
	error_set(r->m.err, "fuzz: output cap", NULL, 0, NULL, 0);
	return 1;
}

static int
r_entry(void *ctx, const struct cpio_entry *e)
{
	struct run *r = ctx;
	size_t old = r->m.len;
	int ret = sink_mem_entry(&r->m, e);

	return over(r, old) ? -1 : ret;
}

static int
r_data(void *ctx, const void *buf, size_t len)
{
	struct run *r = ctx;
	struct sink_mem *m = &r->m;
	uint64_t room = fuzz_room(r->n, m->len);
	size_t n = len < room ? len : (size_t)room;

	if (!m->in_file)
		sink_mem_printf(m, "BAD data outside a regular file\n");
	if (!len)
		sink_mem_printf(m, "BAD data of length 0\n");
	memcpy(r->data + r->n, buf, n);
	r->n += n;
	m->bytes += n;
	m->sum = fuzz_sum(m->sum, buf, n);
	for (size_t i = 0; i < n && m->head_len < sizeof m->head; i++)
		m->head[m->head_len++] = ((const char *)buf)[i];
	return n < len && over(r, m->len) ? -1 : 0;
}

static int
r_end(void *ctx, uint32_t sum)
{
	struct run *r = ctx;
	size_t old = r->m.len;
	int ret = sink_mem_end(&r->m, sum);

	return over(r, old) ? -1 : ret;
}

static int
r_trailer(void *ctx)
{
	struct run *r = ctx;
	size_t old = r->m.len;
	int ret = sink_mem_trailer(&r->m);

	return over(r, old) ? -1 : ret;
}

/* run: the record of IMG fed in pieces ending at CUTS[0..NCUTS-1], or
 * STEP bytes at a time, or whole; with MAPPED, read in place; malloc'd */
static char *
run(struct run *r, const uint8_t *img, size_t len, const size_t *cuts, size_t ncuts, size_t step, bool crc,
    bool mapped)
{
	static struct image im;
	struct cpio_sink sink = { r_entry, r_data, r_end, r_trailer, r };
	char where[200];

	sink_mem_init(&r->m, NULL);
	r->m.check_crc = crc;
	r->n = 0;
	r->capped = false;
	image_init(&im, &sink);
	im.mapped = mapped;
	if (mapped) {
		im.map = img;	/* read ahead in, as a mapped image is */
		im.map_end = img + len;
	}
	r->m.err = &im.err;
	for (size_t at = 0, ci = 0; at < len;) {
		size_t end = step ? (at + step < len ? at + step : len) : ci < ncuts ? cuts[ci++] : len;
		if (image_push(&im, img + at, end - at) < 0)
			break;
		at = end;
	}
	image_finish(&im);
	if (r->capped)
		return r->m.text;	/* nothing after the cap is compared */
	if (im.err.msg) {
		sink_mem_printf(&r->m, "error: \"%s\" why=%s err=%d what=", im.err.msg, im.err.why ? im.err.why : "-",
				im.err.err);
		sink_mem_quote(&r->m, im.err.what, sizeof im.err.what);
		image_where(&im, where, sizeof where);
		sink_mem_printf(&r->m, " offset=%llu\nwhere: %s\n", (unsigned long long)im.err.offset, where);
	} else {
		sink_mem_printf(&r->m, "error: none\n");
	}
	if (im.late.msg) {
		sink_mem_printf(&r->m, "late: \"%s\" what=", im.late.msg);
		sink_mem_quote(&r->m, im.late.what, sizeof im.late.what);
		sink_mem_printf(&r->m, " offset=%llu\n", (unsigned long long)im.late.offset);
	}
	return r->m.text;
}

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
compare(const char *how, bool mapped, const struct run *a, const struct run *b, size_t len)
{
	const char *what = NULL;
	uint64_t n = a->n < b->n ? a->n : b->n;

	if (mask_decoder_error && (decoder_failed(a->m.text) || decoder_failed(b->m.text)))
		return;
	if (strcmp(a->m.text, b->m.text))
		what = "the record";
	else if (a->n != b->n || memcmp(a->data, b->data, n))
		what = "the data";
	if (!what)
		return;
	fprintf(stderr, "fuzz_image: %s: %s differs from the whole run's (%zu bytes of image; data %llu, %llu bytes)\n"
		"--- whole%s\n%s--- %s\n%s---\n", how, what, len, (unsigned long long)a->n, (unsigned long long)b->n,
		mapped ? ", mapped" : "", a->m.text, how, b->m.text);
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
	bool crc = ctl & 8;
	bool mapped = (fuzz_hash(data, size) >> 40) & 1;

	struct run whole = { .data = data_whole }, other = { .data = data_other };
	run(&whole, img, len, NULL, 0, 0, crc, mapped);
	mask(whole.m.text);
	/* sink_mem's "BAD" lines: callbacks out of order */
	if (!strncmp(whole.m.text, "BAD ", 4) || strstr(whole.m.text, "\nBAD ")) {
		fprintf(stderr, "fuzz_image: callbacks out of order\n%s", whole.m.text);
		abort();
	}

	if (fuzz_refeed(data, size, FUZZ_REFEED)) {
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
		run(&other, img, len, cuts, ncuts, 0, crc, false);
		mask(other.m.text);
		compare("chunked", mapped, &whole, &other, len);
		sink_mem_free(&other.m);
		run(&other, img, len, cuts, ncuts, 0, crc, true);
		free(cuts);
		mask(other.m.text);
		compare("chunked, mapped", mapped, &whole, &other, len);
		sink_mem_free(&other.m);
	}
	if (len <= 4096 && fuzz_refeed(data, size, FUZZ_REFEED_BYTES)) {
		run(&other, img, len, NULL, 0, 1, crc, !mapped);
		mask(other.m.text);
		compare(mapped ? "1 byte at a time" : "1 byte at a time, mapped", mapped, &whole, &other, len);
		sink_mem_free(&other.m);
	}
	sink_mem_free(&whole.m);
	return 0;
}
