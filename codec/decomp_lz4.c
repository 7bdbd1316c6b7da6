/* decomp_lz4.c: the LZ4 "legacy" frame of `lz4 -l`, as lib/decompress_unlz4.c
 * reads it:
 *
 *   02 21 4c 18                     magic
 *   { le32 size, size bytes }...    blocks of at most 8 MiB decompressed
 *
 * There is no end marker: the stream ends with the input, or at fewer than
 * 4 bytes left, or at a zero size (which is left to the caller, as the
 * kernel does); a repeated magic is skipped.
 */
#include <stdbool.h>
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

static int
lz4_push(struct dec *d, const uint8_t *in, size_t len, size_t *used)
{
	struct lz4 *z = d->priv;
	size_t i = 0;

	while (i < len) {
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
		if (!z->block.buf && !(z->block.buf = malloc((size_t)LZ4_compressBound(LZ4_LEGACY_BLOCK)))) {
			d->msg = "Could not allocate output buffer";
			return DEC_FAIL;
		}
		const uint8_t *b = dec_gather(&z->block, z->size, in, len, &i);
		if (!b)
			break;
		/* a lent block: the pieces go out by reference, not copied */
		const struct dec_lend *l = d->lend && d->lend->get_block ? d->lend : NULL;
		if (!l && !z->out)
			z->out = malloc(LZ4_LEGACY_BLOCK);
		uint8_t *out = l ? l->get_block(l->ctx) : z->out;
		if (!out) {
			d->msg = "Could not allocate output buffer";
			return DEC_FAIL;
		}
		int n = LZ4_decompress_safe((const char *)b, (char *)out, (int)z->size, LZ4_LEGACY_BLOCK);
		int r = 0;
		if (n < 0)
			d->msg = "Decoding failed";
		for (size_t off = 0; n > 0 && off < (size_t)n && r >= 0; off += DEC_CHUNK) {
			size_t k = (size_t)n - off < DEC_CHUNK ? (size_t)n - off : DEC_CHUNK;
			r = dec_out(d, out + off, k);
		}
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
	if (z->size) {
		/* the kernel decodes a block that runs past the end of its
		 * buffer, into what follows (page padding): that fails */
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
