/* test_lz4.c: codec/decomp_lz4.c into a block lent by the writer's queue:
 * a stream's first block, if it keeps the format's end rules, is decoded
 * a piece at a time (the later ones whole, by liblz4), each piece handed
 * on before the block is done, to the bytes liblz4
 * gives; a block that breaks a rule liblz4 forgives is decoded whole by
 * liblz4; a broken block hands on nothing of itself (as the kernel's
 * decoder fails it before writing).  Blocks made by liblz4's compressor
 * and by hand. */
#include <stdint.h>
#include <stdlib.h>
#include <lz4.h>

#include "../../codec/decomp.h"
#include "t.h"

#define SENTINEL 0xa5	/* a lent block's bytes before decoding */

struct lender {
	uint8_t *block;
	int lent, blocks;
	/* what was emitted, and whether the block's last decoded byte was
	 * already there at its first piece */
	uint8_t *got;
	size_t n, cap;
	int first_piece_early;	/* -1: not seen yet */
	size_t block_len;	/* of the first block (the test's) */
	const uint8_t *want;	/* its bytes */
	size_t pieces_lent;
	size_t block_pieces;	/* of the block lent now */
	int later_early;	/* a later block's first piece before it was decoded */
};

static uint8_t *
get_block(void *ctx)
{
	struct lender *l = ctx;

	if (l->lent)
		return NULL;
	l->lent = 1;
	memset(l->block, SENTINEL, DEC_BLOCK);
	return l->block;
}

static void
block_done(void *ctx, const uint8_t *b)
{
	struct lender *l = ctx;

	(void)b;
	l->lent = 0;
	l->blocks++;
	l->block_pieces = 0;
}

static int
emit(void *ctx, const uint8_t *buf, size_t len)
{
	struct lender *l = ctx;

	if (l->block && buf >= l->block && buf < l->block + DEC_BLOCK) {
		l->pieces_lent++;
		if (l->first_piece_early < 0 && l->blocks == 0)
			l->first_piece_early = l->block[l->block_len - 1] != l->want[l->block_len - 1];
		/* a later block (4 MiB or more here) still SENTINEL far past
		 * its first piece: that piece came before it was decoded */
		if (l->block_pieces++ == 0 && l->blocks > 0 && l->block[(4u << 20) - 1] == SENTINEL)
			l->later_early = 1;
	}
	if (l->n + len > l->cap)
		return -1;
	memcpy(l->got + l->n, buf, len);
	l->n += len;
	return 0;
}

/* run: the frame IN through the decoder, lent blocks or not; the status */
static int
run(const uint8_t *in, size_t len, int lend, struct lender *l, const char **msg)
{
	static uint8_t *block;
	struct dec d;
	struct dec_lend lender = { NULL, NULL, l, get_block, block_done };
	size_t used = 0;

	if (!block && !(block = malloc(DEC_BLOCK)))
		abort();
	l->block = lend ? block : NULL;
	l->n = 0;
	l->blocks = 0;
	l->lent = 0;
	l->first_piece_early = -1;
	l->pieces_lent = 0;
	l->block_pieces = 0;
	l->later_early = 0;
	if (dec_start(&d, &dec_lz4, emit, l) == DEC_FAIL)
		return DEC_FAIL;
	if (lend)
		d.lend = &lender;
	int st = dec_push(&d, in, len, &used);
	if (st == DEC_MORE)
		st = dec_finish(&d);
	*msg = d.msg;
	dec_end(&d);
	return st;
}

/* ahead: the frame IN pushed PIECE bytes at a time, each push told that
 * the rest may be read ahead (SHORT bytes less at the first push), as a
 * mapped image's are; what was out after the first push into *FIRST */
static int
ahead(const uint8_t *in, size_t len, size_t piece, size_t short_by, struct lender *l, size_t *first,
      const char **msg)
{
	struct dec d;
	size_t used = 0;
	int st = DEC_MORE;

	l->block = NULL;
	l->n = 0;
	*first = 0;
	if (dec_start(&d, &dec_lz4, emit, l) == DEC_FAIL)
		return DEC_FAIL;
	for (size_t at = 0; at < len && st == DEC_MORE; at += piece) {
		size_t n = len - at < piece ? len - at : piece;
		d.ahead = len - at - n;
		if (!at)
			d.ahead = d.ahead > short_by ? d.ahead - short_by : 0;
		st = dec_push(&d, in + at, n, &used);
		if (!at)
			*first = l->n;
	}
	if (st == DEC_MORE)
		st = dec_finish(&d);
	*msg = d.msg;
	dec_end(&d);
	return st;
}

/* frame: the legacy magic, then each block with its size */
static size_t
frame(uint8_t *out, const uint8_t *const *blocks, const size_t *sizes, int n)
{
	size_t at = 0;

	memcpy(out, "\x02\x21\x4c\x18", 4);
	at = 4;
	for (int i = 0; i < n; i++) {
		uint32_t s = (uint32_t)sizes[i];
		for (int k = 0; k < 4; k++)
			out[at++] = (uint8_t)(s >> (8 * k));
		memcpy(out + at, blocks[i], sizes[i]);
		at += sizes[i];
	}
	return at;
}

/* text: LEN bytes of words, compressible, none of them SENTINEL */
static void
text(uint8_t *p, size_t len, uint32_t seed)
{
	static const char *const w[] = { "module", "firmware", "sound", "pci", "snd_hda_intel ", "\n",
					 "usr/lib/", ".ko", "initramfs ", "0123456789" };
	size_t at = 0;

	while (at < len) {
		seed = seed * 1103515245u + 12345u;
		const char *s = w[(seed >> 16) % 10];
		for (; *s && at < len; s++)
			p[at++] = (uint8_t)*s;
		if (at < len && (seed & 0x100))
			p[at++] = (uint8_t)('a' + (seed >> 24) % 26);
	}
}

/* check: the frame decoded lent and not, against WANT (WLEN bytes) */
static void
check(const char *name, const uint8_t *in, size_t len, const uint8_t *want, size_t wlen, size_t block_len,
      int early)
{
	struct lender a = { .got = malloc(wlen + 1), .cap = wlen + 1, .block_len = block_len, .want = want };
	struct lender b = { .got = malloc(wlen + 1), .cap = wlen + 1, .block_len = block_len, .want = want };
	const char *ma = NULL, *mb = NULL;
	char n[160];

	if (!a.got || !b.got)
		abort();
	int sa = run(in, len, 1, &a, &ma), sb = run(in, len, 0, &b, &mb);
	snprintf(n, sizeof n, "unit/lz4/%s/lent-same-bytes", name);
	T_CHECK(n, sa == DEC_END && a.n == wlen && !memcmp(a.got, want, wlen), "status %d (%s), %zu bytes of %zu%s", sa,
		ma ? ma : "-", a.n, wlen, a.n == wlen ? ", other bytes" : "");
	snprintf(n, sizeof n, "unit/lz4/%s/unlent-same-bytes", name);
	T_CHECK(n, sb == DEC_END && b.n == wlen && !memcmp(b.got, want, wlen), "status %d (%s), %zu bytes of %zu", sb,
		mb ? mb : "-", b.n, wlen);
	snprintf(n, sizeof n, "unit/lz4/%s/%s", name, early ? "first-piece-before-block-decoded" : "decoded-whole-first");
	T_CHECK(n, a.first_piece_early == early && (!early || a.pieces_lent > 1),
		"first piece with the block's last byte %s, %zu pieces from lent blocks",
		a.first_piece_early < 0 ? "(no piece)" : a.first_piece_early ? "not decoded yet" : "decoded", a.pieces_lent);
	if (a.blocks > 1) {
		/* only the first block goes in pieces: the writer has it to
		 * write while liblz4 decodes the next, faster on a real CPU */
		snprintf(n, sizeof n, "unit/lz4/%s/later-blocks-decoded-whole-first", name);
		T_CHECK(n, !a.later_early, "a later block's first piece came before the block was decoded (%d blocks)",
			a.blocks);
	}
	free(a.got);
	free(b.got);
}

/* put_len: a length's 255-bytes and the last, for what is over 15 */
static size_t
put_len(uint8_t *p, size_t v)
{
	size_t at = 0;

	for (; v >= 255; v -= 255)
		p[at++] = 255;
	p[at++] = (uint8_t)v;
	return at;
}

/* seq: one sequence of LIT literals (made up) and a match OFF back, M
 * long (M 0: the last sequence, literals only) at B and its bytes at
 * WANT; the new ends */
static void
seq(uint8_t *b, size_t *at, uint8_t *want, size_t *o, size_t lit, size_t off, size_t m)
{
	size_t ml = m ? m - 4 : 0;

	b[(*at)++] = (uint8_t)((lit < 15 ? lit : 15) << 4 | (ml < 15 ? ml : 15));
	if (lit >= 15)
		*at += put_len(b + *at, lit - 15);
	for (size_t i = 0; i < lit; i++, (*o)++)
		b[(*at)++] = want[*o] = (uint8_t)('A' + (*o + i) % 23);
	if (!m)
		return;
	b[(*at)++] = (uint8_t)off;
	b[(*at)++] = (uint8_t)(off >> 8);
	if (ml >= 15)
		*at += put_len(b + *at, ml - 15);
	for (size_t i = 0; i < m; i++, (*o)++)
		want[*o] = want[*o - off];
}

/* hand: LIT literals, a match OFF back M long, then TAIL literals */
static size_t
hand(uint8_t *b, size_t lit, size_t off, size_t m, size_t tail, uint8_t *want, size_t *wlen)
{
	size_t at = 0;

	*wlen = 0;
	seq(b, &at, want, wlen, lit, off, m);
	seq(b, &at, want, wlen, tail, 0, 0);
	return at;
}

void
test_lz4_lent(void)
{
	size_t total = 20u << 20, cap = (size_t)LZ4_compressBound(DEC_BLOCK);
	uint8_t *data = malloc(total), *z[3], *in = malloc(3 * (cap + 4) + 4), *want = malloc(DEC_BLOCK + 64);
	size_t zs[3];
	const uint8_t *zb[3];

	if (!data || !in || !want)
		abort();
	/* liblz4's blocks: 8, 8 and 4 MiB */
	text(data, total, 7);
	for (int i = 0; i < 3; i++) {
		size_t from = (size_t)i * DEC_BLOCK, n = total - from < DEC_BLOCK ? total - from : DEC_BLOCK;
		if (!(z[i] = malloc(cap)))
			abort();
		int r = LZ4_compress_default((const char *)data + from, (char *)z[i], (int)n, (int)cap);
		zs[i] = r > 0 ? (size_t)r : 0;
		zb[i] = z[i];
	}
	size_t len = frame(in, zb, zs, 3);
	check("liblz4-blocks", in, len, data, total, DEC_BLOCK, 1);

	/* pushed 256 KiB at a time (image.c's blocks) with the rest there to
	 * read ahead: each block decoded where it lies, at the push it starts
	 * in; one byte short of the first block's end, it is gathered (no
	 * read past what the caller allows): the same bytes either way */
	{
		struct lender l = { .got = malloc(total + 1), .cap = total + 1 };
		const char *msg = NULL;
		size_t first, piece = 256u << 10;
		if (!l.got)
			abort();
		int st = ahead(in, len, piece, 0, &l, &first, &msg);
		T_CHECK("unit/lz4/read-ahead-in-place", st == DEC_END && l.n == total && !memcmp(l.got, data, total) &&
			first == DEC_BLOCK, "status %d (%s), %zu bytes of %zu, %zu out at the first push (want %u)", st,
			msg ? msg : "-", l.n, total, first, DEC_BLOCK);
		st = ahead(in, len, piece, len - (8 + zs[0]) + 1, &l, &first, &msg);
		T_CHECK("unit/lz4/read-ahead-never-past-ahead", st == DEC_END && l.n == total &&
			!memcmp(l.got, data, total) && first == 0, "status %d (%s), %zu bytes of %zu, %zu out at the first push (want 0)",
			st, msg ? msg : "-", l.n, total, first);
		free(l.got);
	}

	/* the second block cut by a byte: the first block's bytes and none
	 * of the second's, as the kernel's decoder fails a block whole */
	zs[1]--;
	len = frame(in, zb, zs, 2);
	{
		struct lender l = { .got = malloc(total), .cap = total, .block_len = DEC_BLOCK, .want = data };
		const char *msg = NULL;
		if (!l.got)
			abort();
		int st = run(in, len, 1, &l, &msg);
		T_CHECK("unit/lz4/broken-block-none-of-it-out", st == DEC_FAIL && l.n == DEC_BLOCK &&
			msg && !strcmp(msg, "Decoding failed") && !memcmp(l.got, data, DEC_BLOCK),
			"status %d (%s), %zu bytes out, want the first block's %u", st, msg ? msg : "-", l.n, DEC_BLOCK);
		size_t first;
		st = ahead(in, len, 256u << 10, 0, &l, &first, &msg);
		T_CHECK("unit/lz4/read-ahead-broken-block-none-of-it-out", st == DEC_FAIL && l.n == DEC_BLOCK &&
			msg && !strcmp(msg, "Decoding failed") && !memcmp(l.got, data, DEC_BLOCK),
			"status %d (%s), %zu bytes out, want the first block's %u", st, msg ? msg : "-", l.n, DEC_BLOCK);
		free(l.got);
	}
	zs[1]++;

	/* by hand: every short offset, the 8-byte steps and the byte loop,
	 * as liblz4 decodes them */
	uint8_t *b = malloc(DEC_BLOCK + 64);
	if (!b)
		abort();
	int bad = 0;
	char why[200] = "";
	for (size_t off = 1; off <= 20 && !bad; off++)
		for (size_t m = 4; m <= 70 && !bad; m += (m < 40 ? 1 : 29)) {
			size_t wl, bl = hand(b, 20, off, m, 12, want, &wl);
			len = frame(in, (const uint8_t *const[]){ b }, &bl, 1);
			struct lender l = { .got = malloc(wl + 1), .cap = wl + 1, .block_len = wl, .want = want };
			const char *msg = NULL;
			if (!l.got)
				abort();
			int st = run(in, len, 1, &l, &msg);
			if (st != DEC_END || l.n != wl || memcmp(l.got, want, wl) || l.first_piece_early != 0) {
				bad = 1;
				snprintf(why, sizeof why, "offset %zu, match %zu: status %d, %zu of %zu bytes, early %d", off, m,
					 st, l.n, wl, l.first_piece_early);
			}
			free(l.got);
		}
	T_CHECK("unit/lz4/short-offsets-as-liblz4", !bad, "%s", why);

	/* a block of 8 MiB exactly whose match ends 6 bytes before it (the
	 * byte loop at the end of the lent block) */
	size_t wl, bl = hand(b, 16, 16, DEC_BLOCK - 16 - 6, 6, want, &wl);
	len = frame(in, (const uint8_t *const[]){ b }, &bl, 1);
	check("full-block-match-to-its-end", in, len, want, wl, wl, 1);

	/* 4 literals last (the format wants 5; liblz4 and the kernel take
	 * it): decoded whole, by liblz4, to the same bytes */
	bl = hand(b, 5, 5, 300000, 4, want, &wl);
	len = frame(in, (const uint8_t *const[]){ b }, &bl, 1);
	check("four-literals-last", in, len, want, wl, wl, 0);

	/* the last match starting 11 bytes before the end: the same */
	bl = 0;
	wl = 0;
	seq(b, &bl, want, &wl, 5, 5, 300000);
	seq(b, &bl, want, &wl, 0, 1, 4);
	seq(b, &bl, want, &wl, 7, 0, 0);
	len = frame(in, (const uint8_t *const[]){ b }, &bl, 1);
	check("last-match-11-from-end", in, len, want, wl, wl, 0);

	/* offset 0 (no byte to copy from): not the format's; whatever the
	 * decoder makes of it, not a piece before the block is decoded */
	bl = 0;
	wl = 0;
	seq(b, &bl, want, &wl, 5, 5, 300000);
	size_t ext = (300000 - 4 - 15) / 255 + 1;	/* the match length's bytes */
	b[bl - ext - 2] = b[bl - ext - 1] = 0;
	seq(b, &bl, want, &wl, 20, 0, 0);
	len = frame(in, (const uint8_t *const[]){ b }, &bl, 1);
	{
		struct lender l = { .got = malloc(wl + 1), .cap = wl + 1, .block_len = wl, .want = want };
		const char *msg = NULL;
		if (!l.got)
			abort();
		(void)run(in, len, 1, &l, &msg);
		T_CHECK("unit/lz4/offset-0-decoded-whole-first", l.first_piece_early != 1,
			"a piece before the block was decoded, %zu pieces from lent blocks", l.pieces_lent);
		free(l.got);
	}

	for (int i = 0; i < 3; i++)
		free(z[i]);
	free(b);
	free(data);
	free(in);
	free(want);
}
