/* decomp_gzip.c: gzip as the kernel's gunzip (lib/decompress_inflate.c) reads it.
 *
 *   1f 8b 08 FLG MTIME(4) XFL OS      10 bytes; needs all 10, and 08 (deflate)
 *   [name NUL]                        only if FLG & 0x08 (FNAME); the kernel
 *                                     skips no other optional field, so FEXTRA,
 *                                     FCOMMENT and FHCRC bytes go to inflate
 *   raw deflate data
 *   CRC32(4) ISIZE(4)                 consumed, never checked by the kernel
 *
 * popinit checks CRC32 and ISIZE, but as a "late" problem: the tree is the
 * kernel's, and the unpack fails at the end.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "decomp.h"

enum gz_phase { GZ_HEADER, GZ_NAME, GZ_DATA, GZ_TRAILER };

struct gz {
	enum gz_phase phase;
	size_t have;
	uint8_t head[10];
	uint8_t trailer[8];
	uLong crc;
	z_stream z;
	bool z_ready;
	uint8_t out[DEC_CHUNK];
};

static int
gz_init(struct dec *d)
{
	struct gz *g = calloc(1, sizeof *g);

	if (!g) {
		d->msg = "Out of memory while allocating z_stream";
		return DEC_FAIL;
	}
	g->crc = crc32(0, NULL, 0);
	d->priv = g;
	return 0;
}

static int
gz_inflate(struct dec *d, struct gz *g, const uint8_t *in, size_t len, size_t *used)
{
	g->z.next_in = (Bytef *)in;
	g->z.avail_in = (uInt)len;
	for (;;) {
		uint8_t *out = dec_outbuf(d, g->out);
		g->z.next_out = out;
		g->z.avail_out = sizeof g->out;
		int r = inflate(&g->z, Z_NO_FLUSH);
		size_t n = sizeof g->out - g->z.avail_out;
		g->crc = crc32(g->crc, out, (uInt)n);
		if (dec_out(d, out, n) < 0)
			return DEC_FAIL;
		if (r == Z_STREAM_END) {
			g->phase = GZ_TRAILER;
			g->have = 0;
			*used = len - g->z.avail_in;
			return DEC_END;
		}
		if (r == Z_BUF_ERROR || (r == Z_OK && !g->z.avail_in && g->z.avail_out)) {
			*used = len;
			return DEC_MORE;
		}
		if (r != Z_OK) {
			d->msg = "uncompression error";
			d->why = g->z.msg;
			return DEC_FAIL;
		}
	}
}

static int
gz_push(struct dec *d, const uint8_t *in, size_t len, size_t *used)
{
	struct gz *g = d->priv;
	size_t i = 0;

	while (i < len) {
		switch (g->phase) {
		case GZ_HEADER:
			g->head[g->have++] = in[i++];
			if (g->have < sizeof g->head)
				break;
			if (g->head[0] != 0x1f || g->head[1] != 0x8b || g->head[2] != 0x08) {
				d->msg = "Not a gzip file";
				return DEC_FAIL;
			}
			g->phase = (g->head[3] & 0x08) ? GZ_NAME : GZ_DATA;
			break;
		case GZ_NAME:
			if (in[i++] == 0)
				g->phase = GZ_DATA;
			break;
		case GZ_DATA: {
			if (!g->z_ready) {
				if (inflateInit2(&g->z, -MAX_WBITS) != Z_OK) {
					d->msg = "Out of memory while allocating workspace";
					return DEC_FAIL;
				}
				g->z_ready = true;
			}
			size_t u = 0;
			int r = gz_inflate(d, g, in + i, len - i, &u);
			i += u;
			if (r == DEC_FAIL)
				return r;
			break;
		}
		case GZ_TRAILER: {
			size_t n = len - i < 8 - g->have ? len - i : 8 - g->have;
			memcpy(g->trailer + g->have, in + i, n);
			g->have += n;
			i += n;
			if (g->have < 8)
				break;
			uint32_t crc = g->trailer[0] | g->trailer[1] << 8 | g->trailer[2] << 16 |
				(uint32_t)g->trailer[3] << 24;
			uint32_t isize = g->trailer[4] | g->trailer[5] << 8 | g->trailer[6] << 16 |
				(uint32_t)g->trailer[7] << 24;
			if (crc != (uint32_t)g->crc)
				d->late = "gzip CRC32 mismatch (the kernel does not check it)";
			else if (isize != (uint32_t)d->out_total)
				d->late = "gzip length mismatch (the kernel does not check it)";
			*used = i;
			return DEC_END;
		}
		}
	}
	*used = len;
	return DEC_MORE;
}

static int
gz_finish(struct dec *d)
{
	struct gz *g = d->priv;

	switch (g->phase) {
	case GZ_HEADER:
		d->msg = "Not a gzip file";
		break;
	case GZ_NAME:
		d->msg = "header error";
		break;
	case GZ_DATA:
		d->msg = "read error";
		d->why = "the compressed data is truncated";
		break;
	case GZ_TRAILER:
		/* the kernel steps 8 bytes past the deflate data regardless */
		d->late = "gzip trailer truncated";
		return DEC_END;
	}
	return DEC_FAIL;
}

static void
gz_fini(struct dec *d)
{
	struct gz *g = d->priv;

	if (g && g->z_ready)
		inflateEnd(&g->z);
	free(g);
	d->priv = NULL;
}

const struct dec_ops dec_gzip_ops = { gz_init, gz_push, gz_finish, gz_fini };
