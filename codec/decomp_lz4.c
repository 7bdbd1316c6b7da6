/* decomp_lz4.c: the LZ4 "legacy" frame of `lz4 -l`, as lib/decompress_unlz4.c
 * reads it:
 *
 *   02 21 4c 18                     magic
 *   { le32 size, size bytes }...    blocks of at most 8 MiB decompressed
 *
 * There is no end marker: the stream ends with the input, or at fewer than
 * 4 bytes left, or at a zero size (which is left to the caller, as the
 * kernel does); a repeated magic is skipped.
 *
 * A block is a run of sequences (lz4_Block_format.md):
 *
 *   token  (literals << 4 | match - 4, each 15: more in 255-bytes after)
 *   [255]...[<255]   literals   le16 offset   [255]...[<255]
 *
 * the last one its literals only.  Into a block lent by the writer's queue
 * (two threads), the stream's first block, if it keeps the format's end
 * rules (the last 5
 * bytes literals, the last match starting 12 or more before the end, every
 * offset 1 to what is decoded) is decoded here a piece at a time and each
 * piece handed on at once, so the writer starts after the first piece,
 * not after 8 MiB (each later block is decoded while the writer writes
 * the one before, by liblz4): such a block decodes to the same bytes in every
 * decoder (the kernel's, liblz4's).  It is checked whole first, as the
 * kernel's decoder fails a block before a byte of it is written; any
 * other block goes to liblz4, as the kernel's to its own decoder.
 *
 * A block is decoded from the input where it lies when it is all there:
 * in this push, or beyond it as far as the caller allows (d->ahead, a
 * mapped image); its bytes are skipped when they are pushed.  Only a
 * block that is not is gathered, into a copy.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <lz4.h>

#include "decomp.h"

#define LZ4_LEGACY_MAGIC 0x184c2102u
#define LZ4_LEGACY_BLOCK DEC_BLOCK

struct lz4 {
	bool have_magic;
	uint32_t size;			/* of the block being gathered, 0: none */
	struct dec_gather word, block;
	uint8_t word_buf[4];
	uint8_t *out;			/* our own block, when none is lent */
	bool started;			/* a block was decoded: the writer has work */
	size_t skip;			/* bytes still to come that were read ahead */
};

static int
lz4_init(struct dec *d)
{
	struct lz4 *z = calloc(1, sizeof *z);

	if (!z) {
		d->msg = "Could not allocate output buffer";
		return DEC_FAIL;
	}
	z->word.buf = z->word_buf;
	d->priv = z;
	return 0;
}

static uint32_t
le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* a block's sequences, walked from IP (see the top) */
struct walk {
	const uint8_t *ip, *end;
	uint8_t *out;		/* DEC_BLOCK bytes, or NULL: only checked */
	size_t op;		/* bytes out so far */
	size_t least;		/* the least length the block may end at: the
				 * last match's start + 12 (0: no match) */
};

/* more: a length's 255-bytes and the byte after, added to *N; NULL when
 * the block ends within them */
static const uint8_t *
more(const uint8_t *ip, const uint8_t *end, size_t *n)
{
	unsigned s;

	do {
		if (ip == end)
			return NULL;
		s = *ip++;
		*n += s;
	} while (s == 255);
	return ip;
}

/* copy: a match of N bytes from OFF bytes back, at D (N + 8 bytes of room,
 * when FAST): 8 bytes at a time from a distance of 8 or more, a multiple
 * of a shorter offset's pattern */
static void
copy(uint8_t *d, size_t off, size_t n, bool fast)
{
	const uint8_t *s = d - off;
	size_t i = 0, dist = off;

	if (!fast) {
		for (; i < n; i++)
			d[i] = s[i];
		return;
	}
	while (dist < 8)
		dist += off;
	for (; i < n && i < dist - off; i++)
		d[i] = s[i];
	for (s = d - dist; i < n; i += 8)
		memcpy(d + i, s + i, 8);
}

/* the room, in and out, for a short sequence (literals 0 to 14, a match
 * of 4 to 18) copied 16 and 18 bytes at a time, with no other check */
#define FAST_IN 32
#define FAST_OUT 64

/* walk: decode (W->out) or check the sequences until UNTIL bytes or more
 * are out: 1 at the block's end, all rules kept; 0 at UNTIL first; -1 at a
 * rule broken (W is then where it was) */
static int
walk(struct walk *w, size_t until)
{
	const uint8_t *ip = w->ip, *const end = w->end;
	const uint8_t *const fast = end - ip > FAST_IN ? end - FAST_IN : ip;
	uint8_t *out = w->out;
	size_t op = w->op, least = w->least;

	while (op < until) {
		unsigned t;
		size_t n, m, off;
		if ((ip < fast) & (op < DEC_BLOCK - FAST_OUT) && (t = *ip) < 0xf0 && (t & 15) < 15) {
			n = t >> 4;
			m = (t & 15) + 4;
			off = ip[1 + n] | (size_t)ip[2 + n] << 8;
			if (off - 1 >= op + n)	/* 0, or before the block */
				return -1;
			if (out) {
				uint8_t *d = out + op + n;
				memcpy(out + op, ip + 1, 16);
				if (off >= 8) {
					memcpy(d, d - off, 8);
					memcpy(d + 8, d + 8 - off, 8);
					memcpy(d + 16, d + 16 - off, 2);
				} else {
					copy(d, off, m, true);
				}
			}
			ip += 3 + n;
			op += n;
			least = op + 12;
			op += m;
			continue;
		}
		if (ip == end)
			return -1;
		t = *ip++;
		n = t >> 4;
		if (n == 15 && !(ip = more(ip, end, &n)))
			return -1;
		if (n > (size_t)(end - ip) || n > DEC_BLOCK - op)
			return -1;
		if (out)
			memcpy(out + op, ip, n);
		ip += n;
		op += n;
		if (ip == end) {
			if (n < 5 || op < least)
				return -1;
			w->ip = ip;
			w->op = op;
			return 1;
		}
		if (end - ip < 2)
			return -1;
		off = ip[0] | (size_t)ip[1] << 8;
		m = t & 15;
		ip += 2;
		if (m == 15 && !(ip = more(ip, end, &m)))
			return -1;
		m += 4;
		if (off - 1 >= op || m > DEC_BLOCK - op)
			return -1;
		least = op + 12;
		if (out)
			copy(out + op, off, m, DEC_BLOCK - op - m >= 8);
		op += m;
	}
	w->ip = ip;
	w->op = op;
	w->least = least;
	return 0;
}

/* pieces: OUT's bytes FROM to TO emitted, DEC_CHUNK at most each; the
 * first negative return of dec_out, else 0 */
static int
pieces(struct dec *d, const uint8_t *out, size_t from, size_t to)
{
	int r = 0;

	for (; from < to && r >= 0; from += DEC_CHUNK)
		r = dec_out(d, out + from, to - from < DEC_CHUNK ? to - from : DEC_CHUNK);
	return r;
}

/* streamed: the block B of LEN bytes into OUT, each piece emitted as it
 * is decoded, if the whole keeps the rules; else 0, nothing emitted */
static int
streamed(struct dec *d, const uint8_t *b, size_t len, uint8_t *out)
{
	struct walk w = { b, b + len, NULL, 0, 0 };

	if (walk(&w, SIZE_MAX) <= 0)
		return 0;
	size_t total = w.op, done = 0;
	int st = 0, r = 0;
	w = (struct walk){ b, b + len, out, 0, 0 };
	while (!st && r >= 0) {
		st = walk(&w, done + DEC_CHUNK);
		/* whole pieces, the rest at the end */
		size_t upto = st ? w.op : done + (w.op - done) / DEC_CHUNK * DEC_CHUNK;
		if (st >= 0) {
			r = pieces(d, out, done, upto);
			done = upto;
		}
	}
	if (r < 0)
		return -1;
	if (st < 0 || w.op != total) {
		/* checked, then not the same: the input changed under us */
		d->msg = "Decoding failed";
		d->why = "the block changed while it was decoded";
		return -1;
	}
	return 1;
}

static int
lz4_push(struct dec *d, const uint8_t *in, size_t len, size_t *used)
{
	struct lz4 *z = d->priv;
	size_t i = 0;

	while (i < len) {
		if (z->skip) {
			size_t k = z->skip < len - i ? z->skip : len - i;
			z->skip -= k;
			i += k;
			continue;
		}
		if (!z->size) {
			const uint8_t *w = dec_gather(&z->word, 4, in, len, &i);
			if (!w)
				break;
			uint32_t v = le32(w);
			if (!z->have_magic) {
				if (v != LZ4_LEGACY_MAGIC) {
					d->msg = "invalid header";
					return DEC_FAIL;
				}
				z->have_magic = true;
				continue;
			}
			if (v == LZ4_LEGACY_MAGIC)
				continue;
			if (v == 0) {
				/* the kernel leaves these 4 NULs to its caller, which
				 * skips them: the same offsets either way */
				*used = i;
				return DEC_END;
			}
			if (v > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK)) {
				/* the kernel checks no bound on a whole buffer: it
				 * decodes, and fails there */
				d->msg = "Decoding failed";
				d->why = "block longer than LZ4_compressBound(8 MiB)";
				return DEC_FAIL;
			}
			z->size = v;
			continue;
		}
		const uint8_t *b;
		if (!z->block.have && z->size > len - i && z->size - (len - i) <= d->ahead) {
			/* all there, past this input: read in place, and its
			 * bytes skipped as they come (no copy, no 8 MiB) */
			b = in + i;
			z->skip = z->size - (len - i);
			i = len;
		} else {
			if (!z->block.buf && !(z->block.buf = malloc((size_t)LZ4_compressBound(LZ4_LEGACY_BLOCK)))) {
				d->msg = "Could not allocate output buffer";
				return DEC_FAIL;
			}
			if (!(b = dec_gather(&z->block, z->size, in, len, &i)))
				break;
		}
		/* a lent block: the pieces go out by reference, not copied */
		const struct dec_lend *l = d->lend && d->lend->get_block ? d->lend : NULL;
		if (!l && !z->out)
			z->out = malloc(LZ4_LEGACY_BLOCK);
		uint8_t *out = l ? l->get_block(l->ctx) : z->out;
		if (!out) {
			d->msg = "Could not allocate output buffer";
			return DEC_FAIL;
		}
		/* only the first: after it the writer has a block to write while
		 * the next is decoded, and liblz4 decodes faster than the check
		 * and this loop on a real CPU (all blocks so: x1.33 the unpack
		 * of the module tree on this host, bench/history.md 2j) */
		int r = l && !z->started ? streamed(d, b, z->size, out) : 0;
		z->started = true;
		int n = r ? 0 : LZ4_decompress_safe((const char *)b, (char *)out, (int)z->size, LZ4_LEGACY_BLOCK);
		if (n < 0)
			d->msg = "Decoding failed";
		if (n > 0)
			r = pieces(d, out, 0, (size_t)n);
		if (l)
			l->block_done(l->ctx, out);
		if (n < 0 || r < 0)
			return DEC_FAIL;
		z->size = 0;
	}
	*used = len;
	return DEC_MORE;
}

static int
lz4_finish(struct dec *d)
{
	struct lz4 *z = d->priv;

	if (!z->have_magic) {
		d->msg = "invalid header";
		return DEC_FAIL;
	}
	if (z->size || z->skip) {
		/* the kernel decodes a block that runs past the end of its
		 * buffer, into what follows (page padding): that fails (a
		 * skip left: the caller's ahead was more than it pushed) */
		d->msg = "Decoding failed";
		d->why = "the compressed data is truncated";
		return DEC_FAIL;
	}
	/* fewer than 4 bytes left: the end, for the kernel, which leaves
	 * them to its caller */
	d->tail = z->word_buf;
	d->tail_len = z->word.have;
	return DEC_END;
}

static void
lz4_fini(struct dec *d)
{
	struct lz4 *z = d->priv;

	if (z) {
		free(z->out);
		free(z->block.buf);
	}
	free(z);
	d->priv = NULL;
}

const struct dec_ops dec_lz4_ops = { lz4_init, lz4_push, lz4_finish, lz4_fini };
