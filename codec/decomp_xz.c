/* decomp_xz.c: .xz (one stream) and .lzma ("alone" format) through liblzma.
 *
 * The kernel's xz decoder (lib/decompress_unxz.c) takes one stream and
 * refuses integrity checks other than none and CRC32; popinit also takes
 * CRC64 and SHA-256, which change nothing in what is unpacked.
 * Built with XZ_KERNEL (make XZDEC=kernel, or1k's default), a stream whose
 * header names the check none or CRC32 goes through the kernel's own
 * decoder instead (lib/xz, libkxz.a: boot/deps.sh), run as
 * decompress_unxz.c runs it; the others still go through liblzma, so that
 * both builds take and refuse the same streams.
 * Its lzma decoder (lib/decompress_unlzma.c) reads the 13-byte header
 * (properties, dictionary size, uncompressed size or -1) and LZMA data up
 * to the end marker or the size, whichever comes first; liblzma's raw
 * LZMA1 decoder is told the size the same way (LZMA1EXT), after popinit
 * reads the header itself.  One case it cannot follow: an end marker
 * before a stated size (xz-utils always states -1).  It writes into a buffer of
 * min(dictionary, size) bytes and hands that out only when it is full and
 * at a clean end: data decoded before an error, since the last full
 * buffer, is lost.  popinit buffers the same way.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <lzma.h>
#ifdef XZ_KERNEL
#include <xz.h>
#endif

#include "decomp.h"

/* the kernel vmallocs the whole window at once; past this, popinit
 * assumes the kernel's allocation fails */
#define LZMA_WINDOW_MAX (256u << 20)

struct xz {
	lzma_stream s;
	bool alone;
#ifdef XZ_KERNEL
	struct xz_dec *k;	/* the kernel's decoder, or NULL: liblzma's */
	size_t fill;		/* its output in the buffer held */
#endif
	/* the header popinit reads first (head_need bytes): alone's, or
	 * with XZ_KERNEL the stream header, to choose the decoder by */
	uint8_t head[13];
	size_t head_len, head_need;
	/* alone: the window size, what the window holds */
	lzma_options_lzma opt;
	uint64_t window;
	uint8_t *win;
	size_t win_len, win_cap;
	uint8_t out[DEC_CHUNK];
};

static int
xz_setup(struct dec *d, bool alone)
{
	struct xz *x = calloc(1, sizeof *x);
	lzma_ret r;

	if (!x) {
		d->msg = alone ? "Could not allocate input buffer" : "XZ decompressor ran out of memory";
		return DEC_FAIL;
	}
	x->s = (lzma_stream)LZMA_STREAM_INIT;
	x->alone = alone;
	d->priv = x;
	if (alone) {
		x->head_need = 13;
		return 0;	/* the decoder once the header is read */
	}
#ifdef XZ_KERNEL
	x->head_need = 12;
	return 0;
#endif
	r = lzma_stream_decoder(&x->s, UINT64_MAX, 0);
	if (r != LZMA_OK) {
		d->msg = "XZ decompressor ran out of memory";
		return DEC_FAIL;
	}
	return 0;
}


static const char *
xz_message(const struct xz *x, lzma_ret r)
{
	if (x->alone) {
		switch (r) {
		case LZMA_FORMAT_ERROR:
		case LZMA_OPTIONS_ERROR:
			return "bad header";
		case LZMA_MEM_ERROR:
			return "Could not allocate input buffer";
		default:
			return "LZMA data is corrupt";
		}
	}
	switch (r) {
	case LZMA_MEM_ERROR:
		return "XZ decompressor ran out of memory";
	case LZMA_FORMAT_ERROR:
		return "Input is not in the XZ format (wrong magic bytes)";
	case LZMA_OPTIONS_ERROR:
		return "Input was encoded with settings that are not supported by this XZ decoder";
	case LZMA_DATA_ERROR:
	case LZMA_BUF_ERROR:
		return "XZ-compressed data is corrupt";
	default:
		return "Bug in the XZ decompressor";
	}
}

static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int xz_code(struct dec *d, struct xz *x, const uint8_t *in, size_t len, size_t *used);

/* alone: output goes through the window, out when it is full */
static int
window_out(struct dec *d, struct xz *x, const uint8_t *buf, size_t n)
{
	if (!x->window) {
		if (x->head_len < 13)
			return 0;	/* no output can come before the header */
		uint64_t dict = le64(x->head + 1) & 0xffffffffu, size = le64(x->head + 5);
		x->window = dict ? dict : 1;
		if (size < x->window)
			x->window = size ? size : 1;
		if (x->window > LZMA_WINDOW_MAX) {
			d->msg = NULL;	/* initramfs.c: "decompressor failed" */
			d->why = "LZMA dictionary too large";
			return -1;
		}
	}
	while (n) {
		size_t room = (size_t)x->window - x->win_len, k = n < room ? n : room;
		if (x->win_len + k > x->win_cap) {
			size_t cap = x->win_cap ? x->win_cap : 64 * 1024;
			while (cap < x->win_len + k)
				cap *= 2;
			if (cap > x->window)
				cap = (size_t)x->window;
			uint8_t *w = realloc(x->win, cap);
			if (!w) {
				d->msg = NULL;
				d->why = "out of memory for the LZMA window";
				return -1;
			}
			x->win = w;
			x->win_cap = cap;
		}
		memcpy(x->win + x->win_len, buf, k);
		x->win_len += k;
		buf += k;
		n -= k;
		if (x->win_len == x->window) {
			if (dec_out(d, x->win, x->win_len) < 0)
				return -1;
			x->win_len = 0;
		}
	}
	return 0;
}

/* the .lzma header: properties (lc, lp, pb), dictionary, size or -1 */
static int
lzma_start(struct dec *d, struct xz *x)
{
	unsigned props = x->head[0];
	uint64_t size = le64(x->head + 5);

	if (props >= 9 * 5 * 5) {
		d->msg = "bad header";
		return DEC_FAIL;
	}
	memset(&x->opt, 0, sizeof x->opt);
	x->opt.lc = props % 9;
	x->opt.lp = props / 9 % 5;
	x->opt.pb = props / 45;
	x->opt.dict_size = (uint32_t)le64(x->head + 1);
	/* the kernel allocates its window (min of the dictionary and the
	 * stated size) before decoding; refuse here what window_out() would
	 * refuse, before liblzma allocates a dictionary of up to 4 GiB */
	uint64_t window = x->opt.dict_size ? x->opt.dict_size : 1;
	if (size < window)
		window = size ? size : 1;
	if (window > LZMA_WINDOW_MAX) {
		d->msg = NULL;	/* initramfs.c: "decompressor failed" */
		d->why = "LZMA dictionary too large";
		return DEC_FAIL;
	}
	/* and liblzma's dictionary is that window: no match reaches further
	 * back than the stated size (a 13-byte header asking for a 4 GiB
	 * dictionary and 0 bytes made liblzma allocate 4 GiB) */
	x->opt.dict_size = (uint32_t)window;
	lzma_set_ext_size(x->opt, size);
	lzma_filter filters[] = { { LZMA_FILTER_LZMA1EXT, &x->opt }, { LZMA_VLI_UNKNOWN, NULL } };
	lzma_ret r = lzma_raw_decoder(&x->s, filters);
	if (r != LZMA_OK) {
		d->msg = r == LZMA_MEM_ERROR ? "Could not allocate input buffer" : "bad header";
		return DEC_FAIL;
	}
	return 0;
}

#ifdef XZ_KERNEL
/* lib/xz's answer as liblzma's, whose messages (xz_message) are
 * decompress_unxz.c's for the same failure */
static lzma_ret
as_lzma(enum xz_ret r)
{
	switch (r) {
	case XZ_MEM_ERROR:
		return LZMA_MEM_ERROR;
	case XZ_FORMAT_ERROR:
		return LZMA_FORMAT_ERROR;
	case XZ_OPTIONS_ERROR:
		return LZMA_OPTIONS_ERROR;
	case XZ_DATA_ERROR:
	case XZ_BUF_ERROR:
		return LZMA_DATA_ERROR;
	default:
		return LZMA_PROG_ERROR;
	}
}

/* decompress_unxz.c's output buffer: lib/xz decodes at most this much
 * output per call, and what it decoded in a call that fails is lost */
#define XZ_IOBUF 4096

static int
kxz_code(struct dec *d, struct xz *x, const uint8_t *in, size_t len, size_t *used)
{
	struct xz_buf b = { .in = in, .in_pos = 0, .in_size = len };

	/* lib/xz answers a second call in a row that makes no progress with
	 * XZ_BUF_ERROR: never call it without input */
	if (!len) {
		*used = 0;
		return DEC_MORE;
	}
	for (;;) {
		/* the buffer is held across pushes and emitted only when full
		 * (a multiple of 4 KiB), at the end or with an error, so each
		 * call ends where the kernel's does: at its next 4 KiB */
		b.out = dec_outbuf(d, x->out);
		b.out_pos = x->fill;
		b.out_size = x->fill + XZ_IOBUF - x->fill % XZ_IOBUF;
		enum xz_ret r = xz_dec_run(x->k, &b);
		x->fill = b.out_pos;
		if (r == XZ_OK && x->fill < sizeof x->out) {
			if (b.in_pos < b.in_size)
				continue;
			*used = len;
			return DEC_MORE;
		}
		/* decompress_unxz.c flushes what came before an error too */
		x->fill = 0;
		if (dec_out(d, b.out, b.out_pos) < 0)
			return DEC_FAIL;
		if (r == XZ_STREAM_END) {
			*used = b.in_pos;
			return DEC_END;
		}
		if (r != XZ_OK) {
			d->msg = xz_message(x, as_lzma(r));
			return DEC_FAIL;
		}
	}
}
#endif

static int
code(struct dec *d, struct xz *x, const uint8_t *in, size_t len, size_t *used)
{
#ifdef XZ_KERNEL
	if (x->k)
		return kxz_code(d, x, in, len, used);
#endif
	return xz_code(d, x, in, len, used);
}

#ifdef XZ_KERNEL
/* the stream header's flags (bytes 6 and 7) name the check: none and
 * CRC32, all the kernel's lib/xz takes, go to it; the others (CRC64,
 * SHA-256, the reserved ones) to liblzma; then the header to the decoder */
static int
xz_choose(struct dec *d, struct xz *x)
{
	size_t u;

	if (x->head[6] == 0 && x->head[7] <= 1) {
		x->k = xz_dec_init(XZ_DYNALLOC, (uint32_t)-1);
		if (!x->k) {
			d->msg = "XZ decompressor ran out of memory";
			return DEC_FAIL;
		}
	} else if (lzma_stream_decoder(&x->s, UINT64_MAX, 0) != LZMA_OK) {
		d->msg = "XZ decompressor ran out of memory";
		return DEC_FAIL;
	}
	/* 12 bytes end no stream (a stream is at least 32) */
	return code(d, x, x->head, 12, &u) == DEC_MORE ? 0 : DEC_FAIL;
}
#endif

static int
xz_push(struct dec *d, const uint8_t *in, size_t len, size_t *used)
{
	struct xz *x = d->priv;
	size_t taken = 0;

	if (x->head_len < x->head_need) {
		taken = x->head_need - x->head_len < len ? x->head_need - x->head_len : len;
		memcpy(x->head + x->head_len, in, taken);
		x->head_len += taken;
		if (x->head_len < x->head_need) {
			*used = len;
			return DEC_MORE;
		}
#ifdef XZ_KERNEL
		if (!x->alone && xz_choose(d, x) < 0)
			return DEC_FAIL;
#endif
		if (x->alone && lzma_start(d, x) < 0)
			return DEC_FAIL;
		in += taken;
		len -= taken;
	}
	int r = code(d, x, in, len, used);
	*used += taken;
	return r;
}

static int
xz_code(struct dec *d, struct xz *x, const uint8_t *in, size_t len, size_t *used)
{
	x->s.next_in = in;
	x->s.avail_in = len;
	for (;;) {
		/* .lzma goes through its window: the buffer is ours */
		uint8_t *out = x->alone ? x->out : dec_outbuf(d, x->out);
		x->s.next_out = out;
		x->s.avail_out = sizeof x->out;
		lzma_ret r = lzma_code(&x->s, LZMA_RUN);
		size_t n = sizeof x->out - x->s.avail_out;
		if (x->alone ? window_out(d, x, out, n) < 0 : dec_out(d, out, n) < 0)
			return DEC_FAIL;
		if (r == LZMA_STREAM_END) {
			if (x->alone && dec_out(d, x->win, x->win_len) < 0)
				return DEC_FAIL;
			*used = len - x->s.avail_in;
			return DEC_END;
		}
		if (r != LZMA_OK && r != LZMA_BUF_ERROR) {
			d->msg = xz_message(x, r);
			return DEC_FAIL;
		}
		if (!x->s.avail_in && x->s.avail_out) {
			*used = len;
			return DEC_MORE;
		}
	}
}

static int
xz_finish(struct dec *d)
{
	struct xz *x = d->priv;

#ifdef XZ_KERNEL
	/* the kernel's decoder's output so far, as unxz() flushes it */
	if (x->k && x->fill) {
		size_t n = x->fill;
		x->fill = 0;
		if (dec_out(d, dec_outbuf(d, x->out), n) < 0)
			return DEC_FAIL;
	}
#endif
	/* the kernel's decoders run out of input here; an .lzma header cut
	 * short is the kernel's "bad header" only for the properties byte */
	d->msg = x->alone ? "unexpected EOF" : "XZ-compressed data is corrupt";
	d->why = "the compressed data is truncated";
	return DEC_FAIL;
}

static void
xz_fini(struct dec *d)
{
	struct xz *x = d->priv;

	if (x) {
#ifdef XZ_KERNEL
		if (x->k)
			xz_dec_end(x->k);
#endif
		lzma_end(&x->s);
		free(x->win);
	}
	free(x);
	d->priv = NULL;
}

#ifdef HAVE_XZ
static int xz_init(struct dec *d) { return xz_setup(d, false); }
const struct dec_ops dec_xz_ops = { xz_init, xz_push, xz_finish, xz_fini };
#endif
#ifdef HAVE_LZMA
static int lzma_init(struct dec *d) { return xz_setup(d, true); }
const struct dec_ops dec_lzma_ops = { lzma_init, xz_push, xz_finish, xz_fini };
#endif
