/* decomp_bzip2.c: one bzip2 stream ("BZh1".."BZh9", blocks, end marker with
 * the combined CRC), as lib/decompress_bunzip2.c takes it.
 *
 * The kernel names only CRC failures ("Data integrity error when
 * decompressing."); its other failures leave the generic "decompressor
 * failed" to initramfs.c.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <bzlib.h>

#include "decomp.h"

struct bz {
	bz_stream s;
	bool ready;
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

static int
bz_push(struct dec *d, const uint8_t *in, size_t len, size_t *used)
{
	struct bz *b = d->priv;

	b->s.next_in = (char *)in;
	b->s.avail_in = (unsigned)len;
	for (;;) {
		b->s.next_out = (char *)b->out;
		b->s.avail_out = sizeof b->out;
		int r = BZ2_bzDecompress(&b->s);
		if (r == BZ_OK || r == BZ_STREAM_END) {
			if (dec_out(d, b->out, sizeof b->out - b->s.avail_out) < 0)
				return DEC_FAIL;
		}
		if (r == BZ_STREAM_END) {
			*used = len - b->s.avail_in;
			return DEC_END;
		}
		if (r == BZ_DATA_ERROR) {
			/* libbz2 says the same for bad CRCs and bad data */
			d->msg = "Data integrity error when decompressing.";
			return DEC_FAIL;
		}
		if (r != BZ_OK) {
			d->msg = NULL;	/* initramfs.c: "decompressor failed" */
			d->why = r == BZ_DATA_ERROR_MAGIC ? "not bzip2 data" : "bzip2 decoder error";
			return DEC_FAIL;
		}
		if (!b->s.avail_in && b->s.avail_out) {
			*used = len;
			return DEC_MORE;
		}
	}
}

static int
bz_finish(struct dec *d)
{
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

const struct dec_codec dec_bzip2 = { "bzip2", { 0x42, 0x5a }, bz_init, bz_push, bz_finish, bz_fini };
