/* decomp_bzip2.c: one bzip2 stream ("BZh1".."BZh9", blocks, end marker with
 * the combined CRC), as lib/decompress_bunzip2.c takes it.
 *
 * The kernel hands out its output in 4096-byte pieces: when a block fails
 * (bad data, bad block CRC, input cut short) the piece being filled is
 * lost, and only CRC failures are named ("Data integrity error when
 * decompressing."); its other failures leave the generic "decompressor
 * failed" to initramfs.c.  A bad combined CRC comes after all the data.
 * popinit does the same: output goes out in whole 4096-byte pieces, the
 * rest when the stream ends well.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bzlib_private.h>

#include "decomp.h"

#define BZ_PIECE 4096

struct bz {
	bz_stream s;
	bool ready;
	size_t carried;		/* output held back, less than a piece */
	uint8_t out[DEC_CHUNK];
};

/* libbz2 built with BZ_NO_STDIO calls this on an internal inconsistency */
void bz_internal_error(int errcode);
void
bz_internal_error(int errcode)
{
	(void)errcode;
	abort();
}

static int
bz_init(struct dec *d)
{
	struct bz *b = calloc(1, sizeof *b);

	if (!b || BZ2_bzDecompressInit(&b->s, 0, 0) != BZ_OK) {
		free(b);
		d->msg = "Could not allocate output buffer";
		return DEC_FAIL;
	}
	b->ready = true;
	d->priv = b;
	return 0;
}

/* emit the whole pieces of the N bytes at the front of b->out (all of
 * them when ALL), keeping the rest there */
static int
bz_emit(struct dec *d, struct bz *b, size_t n, bool all)
{
	size_t k = all ? n : n / BZ_PIECE * BZ_PIECE;

	if (dec_out(d, b->out, k) < 0)
		return -1;
	memmove(b->out, b->out + k, n - k);
	b->carried = n - k;
	return 0;
}

static int
bz_push(struct dec *d, const uint8_t *in, size_t len, size_t *used)
{
	struct bz *b = d->priv;

	b->s.next_in = (char *)in;
	b->s.avail_in = (unsigned)len;
	for (;;) {
		b->s.next_out = (char *)b->out + b->carried;
		b->s.avail_out = (unsigned)(sizeof b->out - b->carried);
		int r = BZ2_bzDecompress(&b->s);
		size_t n = sizeof b->out - b->s.avail_out;
		if (r == BZ_STREAM_END) {
			if (bz_emit(d, b, n, true) < 0)
				return DEC_FAIL;
			*used = len - b->s.avail_in;
			return DEC_END;
		}
		if (r == BZ_DATA_ERROR) {
			int state = ((DState *)b->s.state)->state;
			/* all data out, then a bad combined CRC: the kernel had
			 * flushed it all; else the piece being filled is lost */
			if (bz_emit(d, b, n, state == BZ_X_IDLE) < 0)
				return DEC_FAIL;
			if (state == BZ_X_IDLE || state == BZ_X_OUTPUT) {
				d->msg = "Data integrity error when decompressing.";
			} else {
				d->msg = NULL;	/* initramfs.c: "decompressor failed" */
				d->why = "corrupt bzip2 data";
			}
			return DEC_FAIL;
		}
		if (r != BZ_OK) {
			d->msg = NULL;
			d->why = r == BZ_DATA_ERROR_MAGIC ? "not bzip2 data" : "bzip2 decoder error";
			return DEC_FAIL;
		}
		if (bz_emit(d, b, n, false) < 0)
			return DEC_FAIL;
		if (!b->s.avail_in && b->s.avail_out) {
			*used = len;
			return DEC_MORE;
		}
	}
}

static int
bz_finish(struct dec *d)
{
	/* cut short: the held-back piece is lost, as in the kernel */
	d->msg = NULL;
	d->why = "the compressed data is truncated";
	return DEC_FAIL;
}

static void
bz_fini(struct dec *d)
{
	struct bz *b = d->priv;

	if (b && b->ready)
		BZ2_bzDecompressEnd(&b->s);
	free(b);
	d->priv = NULL;
}

const struct dec_ops dec_bzip2_ops = { bz_init, bz_push, bz_finish, bz_fini };
