/* decomp_lzo.c: the lzop file of `lzop -9`, as lib/decompress_unlzo.c reads it:
 *
 *   89 4c 5a 4f 00 0d 0a 1a 0a      magic (9)
 *   be16 version, be16 lib version, be16 version needed, u8 method
 *   [u8 level]                      if version >= 0x0940
 *   be32 flags, [be32 filter]       filter if flags & 0x800
 *   be32 mode, be32 mtime_low, [be32 mtime_high if version >= 0x0940]
 *   u8 name length, name, be32 header checksum
 *   { be32 dst_len (0: end), be32 src_len, be32 checksum, src_len bytes }...
 *
 * The kernel checks the header against all the input it has, reads one
 * checksum word per block and never verifies it; blocks are at most
 * 256 KiB, stored as is when src_len == dst_len.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <minilzo.h>

#include "decomp.h"

#define LZO_BLOCK (256u * 1024)

enum lzo_phase { LZO_MAGIC, LZO_LEVEL, LZO_FLAGS, LZO_FILTER, LZO_MODE, LZO_NAMELEN, LZO_NAME,
		 LZO_DST, LZO_SRC, LZO_DATA };

struct lzo {
	enum lzo_phase phase;
	unsigned version;
	uint32_t dst_len, src_len;
	struct dec_gather g;
	uint8_t in[LZO_BLOCK + 8];
	uint8_t out[LZO_BLOCK];
};

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static int
lzop_init(struct dec *d)
{
	struct lzo *z = calloc(1, sizeof *z);

	if (!z) {
		d->msg = "Could not allocate output buffer";
		return DEC_FAIL;
	}
	z->g.buf = z->in;
	d->priv = z;
	return 0;
}

/* how many bytes the current phase reads */
static size_t
lzo_need(const struct lzo *z)
{
	switch (z->phase) {
	case LZO_MAGIC: return 9 + 7;
	case LZO_LEVEL: return 1;
	case LZO_FLAGS: return 4;
	case LZO_FILTER: return 4;
	case LZO_MODE: return z->version >= 0x0940 ? 12 : 8;
	case LZO_NAMELEN: return 1;
	case LZO_NAME: return z->src_len + 4;	/* name length, then checksum */
	case LZO_DST: return 4;
	case LZO_SRC: return 8;			/* size, then one checksum word */
	case LZO_DATA: return z->src_len;
	}
	return 0;
}

static int
lzo_step(struct dec *d, struct lzo *z, const uint8_t *p)
{
	static const uint8_t magic[9] = { 0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a };

	switch (z->phase) {
	case LZO_MAGIC:
		if (memcmp(p, magic, 9)) {
			d->msg = "invalid header";
			return DEC_FAIL;
		}
		z->version = (unsigned)p[9] << 8 | p[10];
		z->phase = z->version >= 0x0940 ? LZO_LEVEL : LZO_FLAGS;
		break;
	case LZO_LEVEL:
		z->phase = LZO_FLAGS;
		break;
	case LZO_FLAGS:
		z->phase = (be32(p) & 0x800) ? LZO_FILTER : LZO_MODE;
		break;
	case LZO_FILTER:
		z->phase = LZO_MODE;
		break;
	case LZO_MODE:
		z->phase = LZO_NAMELEN;
		break;
	case LZO_NAMELEN:
		z->src_len = p[0];
		z->phase = LZO_NAME;
		break;
	case LZO_NAME:
		z->phase = LZO_DST;
		break;
	case LZO_DST:
		z->dst_len = be32(p);
		if (!z->dst_len)
			return DEC_END;
		if (z->dst_len > LZO_BLOCK) {
			d->msg = "dest len longer than block size";
			return DEC_FAIL;
		}
		z->phase = LZO_SRC;
		break;
	case LZO_SRC:
		z->src_len = be32(p);
		if (!z->src_len || z->src_len > z->dst_len) {
			d->msg = "file corrupted";
			return DEC_FAIL;
		}
		z->phase = LZO_DATA;
		break;
	case LZO_DATA: {
		const uint8_t *out = p;
		if (z->dst_len != z->src_len) {
			lzo_uint n = z->dst_len;
			int r = lzo1x_decompress_safe(p, z->src_len, z->out, &n, NULL);
			if (r != LZO_E_OK || n != z->dst_len) {
				d->msg = "Compressed data violation";
				return DEC_FAIL;
			}
			out = z->out;
		}
		if (dec_out(d, out, z->dst_len) < 0)
			return DEC_FAIL;
		z->phase = LZO_DST;
		break;
	}
	}
	return DEC_MORE;
}

static int
lzop_push(struct dec *d, const uint8_t *in, size_t len, size_t *used)
{
	struct lzo *z = d->priv;
	size_t pos = 0;

	while (pos < len) {
		const uint8_t *p = dec_gather(&z->g, lzo_need(z), in, len, &pos);
		if (!p)
			break;
		int r = lzo_step(d, z, p);
		if (r != DEC_MORE) {
			*used = pos;
			return r;
		}
	}
	*used = len;
	return DEC_MORE;
}

static int
lzop_finish(struct dec *d)
{
	struct lzo *z = d->priv;

	d->msg = z->phase < LZO_DST ? "invalid header" : "file corrupted";
	d->why = "the compressed data is truncated";
	return DEC_FAIL;
}

static void
lzop_fini(struct dec *d)
{
	free(d->priv);
	d->priv = NULL;
}

const struct dec_ops dec_lzo_ops = { lzop_init, lzop_push, lzop_finish, lzop_fini };
