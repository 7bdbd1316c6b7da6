/* decomp.c: the codec table, detection, and the common decoder plumbing. */
#include <string.h>

#include "decomp.h"

/* a codec's decoder, or NULL when the build leaves it out (make CODECS=):
 * detected, not decoded, which the kernel reports as "compression method
 * NAME not configured" */
#ifdef HAVE_GZIP
/* 1f 9e, the "old gzip" magic: the kernel matches it, its gunzip refuses */
static int
gzip_old_init(struct dec *d)
{
	d->msg = "Not a gzip file";
	return DEC_FAIL;
}
static const struct dec_ops dec_gzip_old_ops = { gzip_old_init, NULL, NULL, NULL };
#define GZIP_OPS &dec_gzip_ops
#define GZIP_OLD_OPS &dec_gzip_old_ops
#else
#define GZIP_OPS NULL
#define GZIP_OLD_OPS NULL
#endif
#ifdef HAVE_BZIP2
#define BZIP2_OPS &dec_bzip2_ops
#else
#define BZIP2_OPS NULL
#endif
#ifdef HAVE_LZMA
#define LZMA_OPS &dec_lzma_ops
#else
#define LZMA_OPS NULL
#endif
#ifdef HAVE_XZ
#define XZ_OPS &dec_xz_ops
#else
#define XZ_OPS NULL
#endif
#ifdef HAVE_LZO
#define LZO_OPS &dec_lzo_ops
#else
#define LZO_OPS NULL
#endif
#ifdef HAVE_LZ4
#define LZ4_OPS &dec_lz4_ops
#else
#define LZ4_OPS NULL
#endif
#ifdef HAVE_ZSTD
#define ZSTD_OPS &dec_zstd_ops
#else
#define ZSTD_OPS NULL
#endif

/* name, magic, suffixes, a module compression, the kernel's compressor
 * (scripts/Makefile.lib, usr/Makefile), the decoder */
const struct dec_codec dec_gzip = { "gzip", { 0x1f, 0x8b }, { ".gz" }, true,
	{ "gzip", "-n", "-9", "-c" }, GZIP_OPS };
static const struct dec_codec dec_gzip_old = { "gzip", { 0x1f, 0x9e }, { NULL }, false, { NULL }, GZIP_OLD_OPS };
const struct dec_codec dec_bzip2 = { "bzip2", { 0x42, 0x5a }, { ".bz2" }, false,
	{ "bzip2", "-9", "-c" }, BZIP2_OPS };
const struct dec_codec dec_lzma = { "lzma", { 0x5d, 0x00 }, { ".lzma" }, false,
	{ "lzma", "-9", "-c" }, LZMA_OPS };
const struct dec_codec dec_xz = { "xz", { 0xfd, 0x37 }, { ".xz" }, true,
	{ "xz", "--check=crc32", "--lzma2=dict=1MiB", "-c" }, XZ_OPS };
const struct dec_codec dec_lzo = { "lzo", { 0x89, 0x4c }, { ".lzo" }, false,
	{ "lzop", "-9", "-c" }, LZO_OPS };
const struct dec_codec dec_lz4 = { "lz4", { 0x02, 0x21 }, { ".lz4" }, false,
	{ "lz4", "-l", "-9", "-c" }, LZ4_OPS };
const struct dec_codec dec_zstd = { "zstd", { 0x28, 0xb5 }, { ".zst", ".zstd" }, true,
	{ "zstd", "-q", "-19", "-c" }, ZSTD_OPS };

/* lib/decompress.c's table, in its order */
const struct dec_codec *const dec_codecs[] = {
	&dec_gzip, &dec_gzip_old, &dec_bzip2, &dec_lzma, &dec_xz, &dec_lzo, &dec_lz4, &dec_zstd, NULL,
};

const struct dec_codec *
dec_detect(const uint8_t *in, size_t len)
{
	if (len < 2)
		return NULL;
	for (const struct dec_codec *const *c = dec_codecs; *c; c++)
		if (!memcmp(in, (*c)->magic, 2))
			return *c;
	return NULL;
}

const struct dec_codec *
dec_by_suffix(const char *name, bool module, size_t *len)
{
	size_t n = strlen(name);

	for (const struct dec_codec *const *c = dec_codecs; *c; c++) {
		if (module && !(*c)->module)
			continue;
		for (size_t i = 0; i < (module ? 1 : sizeof (*c)->suffix / sizeof *(*c)->suffix) && (*c)->suffix[i]; i++) {
			size_t k = strlen((*c)->suffix[i]);
			if (n > k && !strcmp(name + n - k, (*c)->suffix[i])) {
				if (len)
					*len = k;
				return *c;
			}
		}
	}
	return NULL;
}

const struct dec_codec *
dec_by_name(const char *name)
{
	for (const struct dec_codec *const *c = dec_codecs; *c; c++)
		if (!strcmp((*c)->name, name) && (*c)->tool[0])
			return *c;
	return NULL;
}

int
dec_start(struct dec *d, const struct dec_codec *codec, dec_emit_fn emit, void *ctx)
{
	memset(d, 0, sizeof *d);
	d->codec = codec;
	d->emit = emit;
	d->emit_ctx = ctx;
	return codec->ops->init(d);
}

int
dec_push(struct dec *d, const uint8_t *in, size_t len, size_t *used)
{
	*used = 0;
	int r = d->codec->ops->push(d, in, len, used);
	d->in_total += *used;
	return r;
}

int
dec_finish(struct dec *d)
{
	return d->codec->ops->finish(d);
}

void
dec_end(struct dec *d)
{
	if (d->codec && d->codec->ops->fini)
		d->codec->ops->fini(d);
	d->codec = NULL;
	/* output lost with an error, or a buffer not used */
	if (d->lent)
		d->lend->put(d->lend->ctx, d->lent);
	d->lent = NULL;
}

uint8_t *
dec_outbuf(struct dec *d, uint8_t *own)
{
	if (!d->lent && d->lend)
		d->lent = d->lend->get(d->lend->ctx);
	return d->lent ? d->lent : own;
}

int
dec_out(struct dec *d, const uint8_t *buf, size_t len)
{
	if (!len)
		return 0;	/* a lent buffer not written stays lent */
	if (buf == d->lent)
		d->lent = NULL;	/* the consumer's now */
	d->out_total += len;
	return d->emit(d->emit_ctx, buf, len) < 0 ? -1 : 0;
}

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
