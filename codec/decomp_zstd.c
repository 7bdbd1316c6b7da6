/* decomp_zstd.c: one zstd frame, as lib/decompress_unzstd.c takes it.
 *
 * The kernel reads the frame header first (an incomplete one is its own
 * error), accepts windows up to 2^ZSTD_WINDOWLOG_MAX, and stops at the end
 * of the first frame.  Skippable frames have another magic and are never
 * seen here.  With all its input at hand, each of the kernel's decoding
 * calls fills its 128 KiB output buffer, which it hands out only if the
 * call succeeds: when the frame turns out bad (a wrong checksum, corrupt
 * data) the data since the last full buffer is lost.  popinit hands out
 * whole 128 KiB pieces the same way, the rest at the end of the frame.
 */
#include <stdbool.h>
#include <stdlib.h>
#define ZSTD_STATIC_LINKING_ONLY	/* ZSTD_getFrameHeader */
#include <string.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "decomp.h"

#define ZSTD_PIECE (128 * 1024)	/* the kernel's ZSTD_IOBUF_SIZE */
_Static_assert(ZSTD_PIECE == DEC_CHUNK, "a lent buffer holds a piece");

struct zs {
	ZSTD_DCtx *dctx;
	size_t held;			/* output in the piece (out[], or a lent
					 * buffer), not handed out yet */
	size_t head_len;	/* the first bytes, for the frame header */
	uint8_t head[ZSTD_FRAMEHEADERSIZE_MAX];
	uint8_t out[ZSTD_PIECE];
};

static int
zs_init(struct dec *d)
{
	struct zs *z = calloc(1, sizeof *z);

	if (!z || !(z->dctx = ZSTD_createDCtx())) {
		free(z);
		d->msg = "ZSTD decompressor ran out of memory";
		return DEC_FAIL;
	}
	d->priv = z;
	/* the kernel's limit: ZSTD_WINDOWLOG_MAX (31 on 64-bit, 30 on 32-bit) */
	ZSTD_DCtx_setParameter(z->dctx, ZSTD_d_windowLogMax, sizeof(void *) == 8 ? 31 : 30);
	return 0;
}

/* the kernel parses the frame header first: a window log over its
 * maximum fails there ("probably corrupt"); a window over 2^WINDOWLOG_MAX
 * that parses (log 31 and a mantissa) is its own check */
static const char *
zs_window(const struct zs *z)
{
	ZSTD_frameHeader fh;

	if (ZSTD_getFrameHeader(&fh, z->head, z->head_len) == 0 &&
	    fh.windowSize > ((unsigned long long)1 << (sizeof(void *) == 8 ? 31 : 30)))
		return "ZSTD-compressed data has too large a window size";
	return "ZSTD-compressed data is probably corrupt";
}

static const char *
zs_message(const struct zs *z, size_t r)
{
	switch (ZSTD_getErrorCode(r)) {
	case ZSTD_error_frameParameter_windowTooLarge:
		return zs_window(z);
	case ZSTD_error_memory_allocation:
		return "ZSTD decompressor ran out of memory";
	case ZSTD_error_prefix_unknown:
		return "Input is not in the ZSTD format (wrong magic bytes)";
	case ZSTD_error_dstSize_tooSmall:
	case ZSTD_error_corruption_detected:
	case ZSTD_error_checksum_wrong:
		return "ZSTD-compressed data is corrupt";
	default:
		return "ZSTD-compressed data is probably corrupt";
	}
}

static int
zs_push(struct dec *d, const uint8_t *in, size_t len, size_t *used)
{
	struct zs *z = d->priv;
	ZSTD_inBuffer ib = { in, len, 0 };

	/* the kernel reads the frame header from all its input first: an
	 * incomplete one is not judged on its first bytes (libzstd would) */
	if (z->head_len < 4) {
		size_t n = 4 - z->head_len < len ? 4 - z->head_len : len;
		memcpy(z->head + z->head_len, in, n);
		z->head_len += n;
		if (z->head_len < 4) {
			*used = len;
			return DEC_MORE;
		}
		/* the magic, then the rest of this input */
		ZSTD_inBuffer hb = { z->head, 4, 0 };
		ZSTD_outBuffer ob = { dec_outbuf(d, z->out), sizeof z->out, z->held };
		size_t r = ZSTD_decompressStream(z->dctx, &ob, &hb);
		if (ZSTD_isError(r)) {
			d->msg = zs_message(z, r);
			d->why = ZSTD_getErrorName(r);
			return DEC_FAIL;
		}
		z->held = ob.pos;
		in += n;
		len -= n;
		size_t u = 0;
		int rr = len ? zs_push(d, in, len, &u) : DEC_MORE;
		*used = n + (rr == DEC_MORE ? len : u);
		return rr;
	}
	if (z->head_len < sizeof z->head) {
		size_t n = sizeof z->head - z->head_len < len ? sizeof z->head - z->head_len : len;
		memcpy(z->head + z->head_len, in, n);
		z->head_len += n;
	}
	for (;;) {
		/* the piece being filled: a lent buffer stays lent until emitted */
		uint8_t *out = dec_outbuf(d, z->out);
		ZSTD_outBuffer ob = { out, sizeof z->out, z->held };
		size_t r = ZSTD_decompressStream(z->dctx, &ob, &ib);
		if (ZSTD_isError(r)) {
			d->msg = zs_message(z, r);
			d->why = ZSTD_getErrorName(r);
			return DEC_FAIL;	/* the held piece is lost */
		}
		z->held = ob.pos;
		if (r == 0 || z->held == sizeof z->out) {
			if (dec_out(d, out, z->held) < 0)
				return DEC_FAIL;
			z->held = 0;
		}
		if (r == 0) {
			*used = ib.pos;
			return DEC_END;
		}
		if (ib.pos == ib.size && ob.pos < ob.size) {
			*used = len;
			return DEC_MORE;
		}
	}
}

static int
zs_finish(struct dec *d)
{
	struct zs *z = d->priv;

	ZSTD_frameHeader fh;

	/* the kernel parses the frame header from all the input there is */
	if (z->head_len < 4 || ZSTD_getFrameHeader(&fh, z->head, z->head_len) > 0)
		d->msg = "ZSTD-compressed data has an incomplete frame header";
	else
		d->msg = "ZSTD-compressed data is truncated";
	d->why = "the compressed data is truncated";
	return DEC_FAIL;
}

static void
zs_fini(struct dec *d)
{
	struct zs *z = d->priv;

	if (z)
		ZSTD_freeDCtx(z->dctx);
	free(z);
	d->priv = NULL;
}

const struct dec_ops dec_zstd_ops = { zs_init, zs_push, zs_finish, zs_fini };
