/* decomp.c: codec detection and the common decoder plumbing. */
#include <string.h>

#include "decomp.h"

/* lib/decompress.c's table, in its order; 1f 9e is the "old gzip" magic,
 * which the kernel matches and its gunzip then refuses */
#ifdef HAVE_GZIP
static int
gzip_old_init(struct dec *d)
{
	d->msg = "Not a gzip file";
	return DEC_FAIL;
}
#endif

#ifdef HAVE_GZIP
static const struct dec_codec dec_gzip_old = { "gzip", { 0x1f, 0x9e }, gzip_old_init, NULL, NULL, NULL };
#else
static const struct dec_codec dec_gzip_old = { "gzip", { 0x1f, 0x9e }, NULL, NULL, NULL, NULL };
#endif

static const struct dec_codec *const dec_table[] = {
	&dec_gzip, &dec_gzip_old, &dec_bzip2, &dec_lzma, &dec_xz, &dec_lzo, &dec_lz4, &dec_zstd,
};

const struct dec_codec *
dec_detect(const uint8_t *in, size_t len)
{
	if (len < 2)
		return NULL;
	for (size_t i = 0; i < sizeof dec_table / sizeof *dec_table; i++)
		if (!memcmp(in, dec_table[i]->magic, 2))
			return dec_table[i];
	return NULL;
}

int
dec_start(struct dec *d, const struct dec_codec *codec, dec_emit_fn emit, void *ctx)
{
	memset(d, 0, sizeof *d);
	d->codec = codec;
	d->emit = emit;
	d->emit_ctx = ctx;
	return codec->init(d);
}

int
dec_push(struct dec *d, const uint8_t *in, size_t len, size_t *used)
{
	*used = 0;
	int r = d->codec->push(d, in, len, used);
	d->in_total += *used;
	return r;
}

int
dec_finish(struct dec *d)
{
	return d->codec->finish(d);
}

void
dec_end(struct dec *d)
{
	if (d->codec && d->codec->fini)
		d->codec->fini(d);
	d->codec = NULL;
}

int
dec_out(struct dec *d, const uint8_t *buf, size_t len)
{
	if (!len)
		return 0;
	d->out_total += len;
	return d->emit(d->emit_ctx, buf, len) < 0 ? -1 : 0;
}

/* codecs left out of the build (make CODECS=...): detected, not decoded,
 * which the kernel reports as "compression method NAME not configured" */
#define DEC_ABSENT(var, nm, m0, m1) \
	const struct dec_codec var = { nm, { m0, m1 }, NULL, NULL, NULL, NULL };
#ifndef HAVE_GZIP
DEC_ABSENT(dec_gzip, "gzip", 0x1f, 0x8b)
#endif
#ifndef HAVE_BZIP2
DEC_ABSENT(dec_bzip2, "bzip2", 0x42, 0x5a)
#endif
#ifndef HAVE_LZMA
DEC_ABSENT(dec_lzma, "lzma", 0x5d, 0x00)
#endif
#ifndef HAVE_XZ
DEC_ABSENT(dec_xz, "xz", 0xfd, 0x37)
#endif
#ifndef HAVE_LZO
DEC_ABSENT(dec_lzo, "lzo", 0x89, 0x4c)
#endif
#ifndef HAVE_LZ4
DEC_ABSENT(dec_lz4, "lz4", 0x02, 0x21)
#endif
#ifndef HAVE_ZSTD
DEC_ABSENT(dec_zstd, "zstd", 0x28, 0xb5)
#endif

const uint8_t *
dec_gather(struct dec_gather *g, size_t n, const uint8_t *in, size_t len, size_t *pos)
{
	size_t avail = len - *pos;

	if (!g->have && avail >= n) {
		const uint8_t *p = in + *pos;
		*pos += n;
		return p;
	}
	size_t take = n - g->have < avail ? n - g->have : avail;
	memcpy(g->buf + g->have, in + *pos, take);
	g->have += take;
	*pos += take;
	if (g->have < n)
		return NULL;
	g->have = 0;
	return g->buf;
}
