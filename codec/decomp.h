/* decomp.h: the kernel's initramfs decompressors, as streaming push decoders.
 *
 * A compressed segment starts where the kernel's unpack_to_rootfs() finds a
 * byte that is neither NUL nor the '0' of an aligned cpio header; its first
 * two bytes choose the codec (lib/decompress.c, first match wins):
 *
 *   1f 8b gzip   1f 9e gzip (rejected)   42 5a bzip2   5d 00 lzma
 *   fd 37 xz     89 4c lzo (lzop)         02 21 lz4 (legacy frame)   28 b5 zstd
 *
 * Each decoder consumes exactly one stream, as the kernel's does, and says
 * where it ended, so that what follows (NUL padding, a plain archive,
 * another compressed one) is handled by the caller.  Errors carry the
 * kernel's message for the same failure.
 *
 * The codec table (decomp.c, dec_codecs) is the one place a codec is
 * described: its name, magic, file suffixes, whether the kernel compresses
 * modules with it, the compressor the kernel's build runs, its decoder.
 * Everything in C reads it: image.c (detection), modload/modfile.c and
 * scan.c (compressed modules), init/trust.c (an image's role drops the
 * suffix), cli/cmd_mkimage.c (-c CODEC).  Adding a codec also takes:
 *   - codec/decomp_NAME.c, its dec_ops (dec_NAME_ops);
 *   - Makefile: lib_NAME, dep_NAME, src_NAME, and NAME in CODECS;
 *   - boot/deps.sh: how to build its library, if it is a new one;
 *   - tests/unit.sh, tests/port.sh, tests/fuzz/kernel/run.sh: the source
 *     lists they compile; tests/fuzz/fuzz_decomp.c: its list.
 */
#ifndef POPINIT_DECOMP_H
#define POPINIT_DECOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* decompressed output goes here; a negative return stops the decoder */
typedef int (*dec_emit_fn)(void *ctx, const uint8_t *buf, size_t len);

/* A consumer may lend a decoder the buffers it writes its output into
 * (d->lend, set after dec_start), so that the output can be kept where it
 * is (queued by reference) instead of copied: get() gives one of
 * DEC_CHUNK bytes (it may wait), put() takes back one that was not
 * emitted; an emitted one is the consumer's from the emit call on.
 * Decoders that write in DEC_CHUNK pieces (gzip, xz, zstd) take them.
 * A decoder that must decode a whole block at once (lz4's legacy frame)
 * may take a block of DEC_BLOCK bytes instead, when get_block is not NULL
 * (get_block() may wait; NULL: out of memory):
 * it emits pieces from anywhere in it, then gives it back by block_done()
 * (emitted or not, after an error too), which the consumer takes as
 * "once what was emitted from it is consumed".  The others keep their
 * own buffers. */
struct dec_lend {
	uint8_t *(*get)(void *ctx);
	void (*put)(void *ctx, uint8_t *buf);
	void *ctx;
	uint8_t *(*get_block)(void *ctx);
	void (*block_done)(void *ctx, const uint8_t *block);
};

enum {
	DEC_MORE = 0,	/* all input taken, the stream goes on */
	DEC_END = 1,	/* the stream ended: *used bytes of this input were its own */
	DEC_FAIL = -1,	/* d->msg says why (NULL: the emit callback refused) */
};

struct dec {
	const struct dec_codec *codec;
	dec_emit_fn emit;
	void *emit_ctx;
	const char *msg;	/* the kernel's message for this failure */
	const char *why;	/* popinit's detail, or NULL */
	const char *late;	/* a problem the kernel does not see (bad CRC...) */
	const uint8_t *tail;	/* after finish: input taken but not the stream's */
	size_t tail_len;
	uint64_t in_total;	/* compressed bytes consumed so far */
	uint64_t out_total;	/* decompressed bytes emitted so far */
	const struct dec_lend *lend;	/* the consumer's buffers, or NULL */
	uint8_t *lent;		/* the buffer lent and not emitted yet */
	/* set by the caller before each push: how many bytes after the
	 * input's end may be read there, being what the next pushes bring,
	 * unchanged (a mapped image); 0: none.  A decoder that must have a
	 * whole block (lz4) reads it in place then, instead of gathering a
	 * copy, and skips those bytes when they are pushed. */
	size_t ahead;
	void *priv;
};

/* a decoder front (decomp_NAME.c) */
struct dec_ops {
	int (*init)(struct dec *d);
	/* push: take input; DEC_MORE (all taken), DEC_END or DEC_FAIL */
	int (*push)(struct dec *d, const uint8_t *in, size_t len, size_t *used);
	/* finish: the input ended: DEC_END if the stream may end here */
	int (*finish)(struct dec *d);
	void (*fini)(struct dec *d);
};

struct dec_codec {
	const char *name;		/* as the kernel names it */
	uint8_t magic[2];
	const char *suffix[2];		/* of its files (".gz"), NULL after the last */
	bool module;			/* the kernel compresses modules with it: .ko + suffix[0] */
	const char *tool[6];		/* the compressor of the kernel's build, or NULL */
	/* NULL when popinit was built without this codec (make CODECS=...) */
	const struct dec_ops *ops;
};

/* the table, in the kernel's detection order (first match wins); NULL
 * after the last */
extern const struct dec_codec *const dec_codecs[];
/* the codecs, by name */
extern const struct dec_codec dec_gzip, dec_bzip2, dec_lzma, dec_xz, dec_lzo, dec_lz4, dec_zstd;

/* dec_detect: the codec for the two bytes at IN (LEN >= 2), or NULL */
const struct dec_codec *dec_detect(const uint8_t *in, size_t len);
/* dec_by_suffix: the codec of the file NAME by its suffix (with MODULE,
 * only the kernel's module compressions, by suffix[0]), or NULL; *LEN
 * (when LEN is not NULL) gets the suffix's length */
const struct dec_codec *dec_by_suffix(const char *name, bool module, size_t *len);
/* dec_by_name: the codec named NAME that has a compressor, or NULL */
const struct dec_codec *dec_by_name(const char *name);

/* dec_start: set up D for CODEC (which must have ops); 0 or DEC_FAIL */
int dec_start(struct dec *d, const struct dec_codec *codec, dec_emit_fn emit, void *ctx);
int dec_push(struct dec *d, const uint8_t *in, size_t len, size_t *used);
int dec_finish(struct dec *d);
void dec_end(struct dec *d);

/* dec_out: emit LEN bytes from the decoder (used by the codecs); BUF may
 * be the lent buffer, which is the consumer's then */
int dec_out(struct dec *d, const uint8_t *buf, size_t len);
/* dec_outbuf: the buffer for the decoder's next DEC_CHUNK bytes of output:
 * a lent one (the one still held, if any), else OWN */
uint8_t *dec_outbuf(struct dec *d, uint8_t *own);

/* the decoder fronts, in decomp_*.c */
extern const struct dec_ops dec_gzip_ops, dec_bzip2_ops, dec_lzma_ops, dec_xz_ops, dec_lzo_ops, dec_lz4_ops,
	dec_zstd_ops;

/* DEC_CHUNK: size of the output pieces handed to the emit callback */
#define DEC_CHUNK (128 * 1024)
/* DEC_BLOCK: a lent block (struct dec_lend), lz4's legacy block */
#define DEC_BLOCK (8u << 20)

/* dec_gather: N contiguous bytes of input, straight from IN when they are
 * all there, else assembled in BUF (capacity >= N) over several pushes.
 * Returns them and advances *POS, or NULL when IN ran out first. */
struct dec_gather {
	uint8_t *buf;
	size_t have;
};
const uint8_t *dec_gather(struct dec_gather *g, size_t n, const uint8_t *in, size_t len, size_t *pos);

#endif
