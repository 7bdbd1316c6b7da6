/* fuzz_decomp.c: libFuzzer target for each decompressor front
 * (codec/decomp_*.c: the gzip, lzop and lz4-legacy containers popinit
 * parses itself, and the library decoders behind them), through the
 * decomp.h push API that image.c drives.
 *
 *   input := sel  step  stream-without-its-magic
 *
 * sel % 7 picks the codec, whose two magic bytes are put in front (the
 * fuzzer need not find them).  The stream is decoded whole; one input in
 * FUZZ_REFEED (fuzz.h) is decoded again STEP + 1 bytes at a time.
 * Checked on every push: the API's contract (used <= len, all taken on
 * DEC_MORE, a known status, out_total = bytes emitted, no empty piece, a
 * finish tail within the input).  Checked of the stepped run: its output
 * is the whole run's, byte for byte, as far as both go; when the whole run
 * ends the stream cleanly, the stepped run must too, with the same output
 * and the same end (what image.c's concatenation logic relies on: the next
 * segment starts there); when the whole run reached the output cap
 * (FUZZ_OUT_CAP), the stepped run must not end cleanly before it.
 * Bit 7 of step: the emit callback refuses past 64 KiB (a write error);
 * the decoder must then stop.
 *
 * One of the two runs lends the decoder its output buffers (d->lend, as
 * the writer's queue does), poisoned when lent: the whole run for half
 * the inputs (by a bit of the input's hash), else the stepped one, so
 * that every input runs one way or the other and a re-fed one both (its
 * output the same whichever lent).  A decoder that takes them must hold
 * one at a time, emit only within it, and give back every one it did not
 * emit.  A lent block (lz4's, DEC_BLOCK) the same way: one at a time,
 * poisoned as far as the cap reaches, emitted from only while lent, and
 * every one given back; lz4, lent one, emits from nothing else.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../codec/decomp.h"
#include "fuzz.h"

/* fuzz-options: -max_len=65536 (the largest compressed corpus image is 39 KiB) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct dec_codec *const codecs[] = {
	&dec_gzip, &dec_bzip2, &dec_lzma, &dec_xz, &dec_lzo, &dec_lz4, &dec_zstd,
};

/* the whole run's output, which the stepped run is compared with: the
 * first ref_len bytes (those it took before the cap or a refusal) */
static uint8_t ref[FUZZ_OUT_CAP];
static uint64_t ref_len;

#define POOL 4
enum { FREE, LENT };

struct out {
	uint64_t n;
	uint64_t refuse_at;	/* the cap, or the write error of bit 7 */
	int compare;		/* compare with ref, else fill it */
	uint64_t differs;	/* 1 + the first offset that differs, or 0 */
	uint8_t *pool[POOL];	/* lent buffers, or NULL: none */
	int state[POOL];
	uint8_t *block;		/* the lent block, or NULL: none */
	int block_state;
	int blocks_only;	/* every piece from the block (lz4, lent) */
};

struct rec {
	int end;		/* DEC_END, DEC_FAIL, or DEC_MORE when finish found it short */
	const char *msg;
	uint64_t out, stream;
	int capped;		/* stopped by the cap */
	uint64_t trusted;	/* the output that must not depend on the cuts */
};

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_decomp: %s\n", what);
		abort();
	}
}

/* which lent buffer holds BUF, or -1 */
static int
lent_at(const struct out *o, const uint8_t *buf)
{
	for (int i = 0; i < POOL; i++)
		if (o->pool[i] && buf >= o->pool[i] && buf < o->pool[i] + DEC_CHUNK)
			return i;
	return -1;
}

static uint8_t *
lend_get(void *ctx)
{
	struct out *o = ctx;
	int held = 0;

	for (int i = 0; i < POOL; i++)
		held += o->state[i] == LENT;
	check(held == 0, "a decoder took a second buffer");
	o->state[0] = LENT;
	memset(o->pool[0], 0xa5, DEC_CHUNK);	/* nothing of the last piece */
	return o->pool[0];
}

static void
lend_put(void *ctx, uint8_t *buf)
{
	struct out *o = ctx;
	int i = lent_at(o, buf);

	check(i >= 0 && buf == o->pool[i] && o->state[i] == LENT, "put back a buffer it was not lent");
	o->state[i] = FREE;
}

static uint8_t *
block_get(void *ctx)
{
	struct out *o = ctx;

	check(o->block_state == FREE, "a decoder took a second block");
	o->block_state = LENT;
	/* what can be emitted before the cap refuses */
	memset(o->block, 0xa5, FUZZ_OUT_CAP + DEC_CHUNK);
	return o->block;
}

static void
block_done(void *ctx, const uint8_t *block)
{
	struct out *o = ctx;

	check(block == o->block && o->block_state == LENT, "gave back a block it was not lent");
	o->block_state = FREE;
}

static int
emit(void *ctx, const uint8_t *buf, size_t len)
{
	struct out *o = ctx;
	int i = lent_at(o, buf);

	if (o->block && buf >= o->block && buf < o->block + DEC_BLOCK)
		check(buf + len <= o->block + DEC_BLOCK && o->block_state == LENT, "emitted from a block not lent");
	else
		check(!o->blocks_only, "lz4 emitted from its own buffer, a block lent");

	if (!len) {
		fprintf(stderr, "fuzz_decomp: emitted a piece of %zu bytes\n", len);
		abort();
	}
	if (i >= 0) {
		check(buf == o->pool[i] && len <= DEC_CHUNK, "emitted past a lent buffer");
		check(o->state[i] == LENT, "emitted a buffer not lent");
		o->state[i] = FREE;	/* the consumer's: done with at once here */
	}
	if (o->n + len > o->refuse_at) {
		o->n += len;	/* handed out, if refused */
		return -1;
	}
	if (!o->compare) {
		memcpy(ref + o->n, buf, len);
		ref_len = o->n + len;
	} else if (!o->differs && o->n < ref_len) {
		size_t k = ref_len - o->n < len ? (size_t)(ref_len - o->n) : len;
		if (memcmp(ref + o->n, buf, k))
			for (size_t j = 0; j < k; j++)
				if (ref[o->n + j] != buf[j]) {
					o->differs = o->n + j + 1;
					break;
				}
	}
	o->n += len;
	return 0;
}

/* decode: IN decoded STEP bytes at a time (0: whole), into O; with LEND,
 * into buffers lent by O */
static struct rec
decode(const struct dec_codec *c, const uint8_t *in, size_t len, size_t step, struct out *o, int lend)
{
	static uint8_t *pool, *block;
	struct dec d;
	struct dec_lend lender = { lend_get, lend_put, o, block_get, block_done };
	struct rec r = { DEC_FAIL, NULL, 0, 0, 0, 0 };
	size_t at = 0;

	if (lend && !pool && (!(pool = malloc(DEC_CHUNK)) || !(block = malloc(DEC_BLOCK))))
		abort();
	if (lend) {
		o->pool[0] = pool;
		o->block = block;
		o->blocks_only = c == &dec_lz4;
	}
	if (dec_start(&d, c, emit, o) == DEC_FAIL) {
		r.msg = d.msg;
		dec_end(&d);
		return r;
	}
	if (lend)
		d.lend = &lender;
	int st = DEC_MORE;
	uint64_t mark = 0;	/* the output before the last push */
	while (at < len) {
		size_t n = step && len - at > step ? step : len - at, used = 0;
		mark = o->n;
		st = dec_push(&d, in + at, n, &used);
		check(used <= n, "used more than it was given");
		check(st != DEC_MORE || used == n, "DEC_MORE without taking all");
		check(st == DEC_MORE || st == DEC_END || st == DEC_FAIL, "an unknown status");
		at += used;
		if (st != DEC_MORE)
			break;
	}
	if (st == DEC_MORE) {
		mark = o->n;
		st = dec_finish(&d);
		check(st == DEC_END || st == DEC_FAIL, "finish: an unknown status");
		if (st == DEC_END) {
			check(d.tail_len <= at, "finish: a tail longer than the input");
			at -= d.tail_len;
		}
	}
	check(d.out_total == o->n, "out_total is not what was emitted");
	r.end = st;
	r.msg = d.msg;
	r.out = o->n;
	r.stream = at;
	r.capped = st == DEC_FAIL && !d.msg && o->refuse_at == FUZZ_OUT_CAP;
	/* .xz with a BCJ filter: on a data error liblzma returns before the
	 * filter runs over what the failing call decoded (so does the
	 * kernel's xz_dec_bcj_run, and unxz flushes those bytes): that
	 * call's output depends on how the input was cut.  Not compared */
	r.trusted = st == DEC_FAIL && d.msg && c == &dec_xz ? mark : o->n;
	dec_end(&d);
	check(o->state[0] == FREE, "a lent buffer not given back");
	check(o->block_state == FREE, "a lent block not given back");
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	const struct dec_codec *c = codecs[data[0] % (sizeof codecs / sizeof *codecs)];
	size_t step = (size_t)(data[1] & 0x7f) + 1, len = size - 2 + 2;
	uint64_t refuse = data[1] & 0x80 ? 65536 : FUZZ_OUT_CAP;
	int lend_whole = (fuzz_hash(data, size) >> 40) & 1;
	uint8_t *in = malloc(len);

	if (!in)
		return 0;
	if (!c->ops) {
		free(in);
		return 0;
	}
	memcpy(in, c->magic, 2);
	memcpy(in + 2, data + 2, size - 2);

	struct out ow = { .refuse_at = refuse }, op = { .refuse_at = refuse, .compare = 1 };
	ref_len = 0;
	struct rec whole = decode(c, in, len, 0, &ow, lend_whole);
	if (ref_len > whole.trusted)
		ref_len = whole.trusted;
	if (!fuzz_refeed(data, size, FUZZ_REFEED)) {
		free(in);
		return 0;
	}
	struct rec part = decode(c, in, len, step, &op, !lend_whole);
	const char *bad = NULL;
	if (op.differs > part.trusted)
		op.differs = 0;	/* in the bytes of a failing .xz call */
	if (op.differs)
		bad = "other bytes";
	else if (whole.end == DEC_END && (part.end != DEC_END || part.out != whole.out || part.stream != whole.stream))
		bad = "another end";
	else if (whole.capped && part.end == DEC_END)
		bad = "an end before the cap";
	else if (c == &dec_lz4 && !whole.capped && !part.capped && (whole.end == DEC_END) != (part.end == DEC_END))
		/* a lent block is decoded a piece at a time only when it
		 * keeps rules that make liblz4 decode it too: the same end */
		bad = "another end (lz4)";
	if (bad) {
		fprintf(stderr, "fuzz_decomp: %s: %s: whole%s: %s%s after %llu bytes, %llu out; %zu at a time%s: "
			"%s%s after %llu, %llu out\n", c->name, bad, lend_whole ? " (lent)" : "",
			whole.capped ? "capped" : whole.end == DEC_END ? "ended" : "failed: ", whole.msg ? whole.msg : "",
			(unsigned long long)whole.stream, (unsigned long long)whole.out, step,
			lend_whole ? "" : " (lent)", part.end == DEC_END ? "ended" : "failed: ",
			part.msg ? part.msg : "", (unsigned long long)part.stream, (unsigned long long)part.out);
		abort();
	}
	free(in);
	return 0;
}
