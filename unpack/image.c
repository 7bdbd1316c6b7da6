/* image.c: the kernel's unpack_to_rootfs() top loop, streaming.  See image.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

void
image_init(struct image *im, const struct cpio_sink *sink)
{
	uint8_t *stage = im->stage;	/* kept from an earlier image */

	memset(im, 0, offsetof(struct image, cpio));
	im->stage = stage;
	cpio_init(&im->cpio, sink, &im->err);
	/* unpack_to_rootfs() starts each buffer in Start, not Reset */
	im->cpio.state = CPIO_START;
}

static int
emit(void *ctx, const uint8_t *buf, size_t len)
{
	struct image *im = ctx;
	enum tm_phase was = tm_enter(im->tm, TM_PARSE);
	int r = cpio_flush(&im->cpio, buf, len);

	if (im->lent_done)
		im->lent_done(im->lend->ctx, buf);
	tm_leave(im->tm, was);
	return r;
}

/* place: remember which segment the first error was in */
static void
place(struct image *im)
{
	if (!im->err.msg || im->err_placed)
		return;
	im->err_placed = true;
	im->err_codec = im->decoding ? im->seg_codec : NULL;
	im->err_seg_raw = im->seg_raw;
}

/* the end of a compressed segment: back to the top loop */
static void
segment_done(struct image *im, int r)
{
	struct dec *d = &im->d;

	if (r == DEC_FAIL && !im->err.msg) {
		error_set(&im->err, d->msg ? d->msg : "decompressor failed", d->why, 0, NULL, 0);
		im->err_in_decoder = true;
	}
	place(im);
	if (im->cpio.state != CPIO_RESET)
		error_set(&im->err, "junk at the end of compressed archive",
			  "the archive in the compressed data is incomplete", 0, NULL, im->cpio.this_header);
	place(im);
	if (d->late)
		error_set(&im->late, d->late, NULL, 0, im->seg_codec, im->seg_raw);
	im->cpio.this_header = im->saved + d->in_total;
	dec_end(d);
	im->decoding = false;
	im->mode = IMG_TOP;
}

/* start a compressed segment at IN[0..1] */
static void
segment_start(struct image *im, const uint8_t magic[2])
{
	const struct dec_codec *codec = dec_detect(magic, 2);

	im->saved = im->cpio.this_header;
	im->seg_raw = im->raw;
	im->cpio.this_header = 0;
	if (!codec) {
		error_set(&im->err, "invalid magic at start of compressed archive", NULL, 0, NULL, im->saved);
		return;
	}
	im->seg_codec = codec->name;
	im->in_plain = false;
	if (im->segment)
		im->segment(im->segment_ctx, codec->name, im->raw);
	if (!codec->ops) {
		static char msg[64];
		snprintf(msg, sizeof msg, "compression method %s not configured", codec->name);
		error_set(&im->err, msg, "popinit was built without it", 0, NULL, im->saved);
		return;
	}
	if (dec_start(&im->d, codec, emit, im) == DEC_FAIL) {
		im->decoding = true;
		segment_done(im, DEC_FAIL);
		return;
	}
	im->d.lend = im->lend;
	im->decoding = true;
	im->mode = IMG_DECODE;
}

static size_t
decode(struct image *im, const uint8_t *buf, size_t len)
{
	size_t used;
	enum tm_phase was = tm_enter(im->tm, TM_DECODE);

	/* what follows BUF in the caller's buffer (not a copy of its bytes,
	 * as the tail image_finish pushes again is: addresses compared as
	 * numbers, the two may be unrelated objects) */
	uintptr_t at = (uintptr_t)buf, lo = (uintptr_t)im->map, hi = (uintptr_t)im->map_end;
	im->d.ahead = im->mapped && im->map && at >= lo && at + len <= hi ? (size_t)(hi - (at + len)) : 0;
	int r = dec_push(&im->d, buf, len, &used);

	tm_leave(im->tm, was);
	if (r != DEC_MORE)
		segment_done(im, r);
	return r == DEC_MORE ? len : used;
}

/* the staged block to the decoder; what follows its stream goes back to
 * the top loop */
static void
feed_stage(struct image *im)
{
	const uint8_t *block = im->mapped ? im->stage_at : im->stage;
	size_t n = im->stage_len, used = decode(im, block, n);

	im->stage_len = 0;
	if (used < n && !im->err.msg && im->mapped) {
		/* the bytes after the stream are just before the piece being
		 * pushed, in the same buffer: the top loop reads them there */
		im->raw -= n - used;
		(void)image_push(im, block + used, n - used);
	} else if (used < n && !im->err.msg) {
		/* rare (once per compressed member): a copy, as the top loop
		 * may start another member into the staging block */
		size_t rest = n - used;
		uint8_t *copy = malloc(rest);
		if (!copy) {
			error_set(&im->err, "decompressor failed", "out of memory", -ENOMEM, NULL, 0);
			return;
		}
		memcpy(copy, im->stage + used, rest);
		im->raw -= rest;
		(void)image_push(im, copy, rest);
		free(copy);
	}
}

/* IMG_DECODE: take bytes into the staging block */
static size_t
stage(struct image *im, const uint8_t *buf, size_t len)
{
	if (im->mapped) {
		size_t n = IMAGE_STAGE - im->stage_len < len ? IMAGE_STAGE - im->stage_len : len;
		if (!im->stage_len)
			im->stage_at = buf;
		im->stage_len += n;
		return n;
	}
	if (!im->stage && !(im->stage = malloc(IMAGE_STAGE))) {
		error_set(&im->err, "decompressor failed", "out of memory", -ENOMEM, NULL, 0);
		return len;
	}
	size_t n = IMAGE_STAGE - im->stage_len < len ? IMAGE_STAGE - im->stage_len : len;
	memcpy(im->stage + im->stage_len, buf, n);
	im->stage_len += n;
	return n;
}

int
image_push(struct image *im, const uint8_t *buf, size_t len)
{
	while (len && !im->err.msg) {
		size_t n = 0;
		switch (im->mode) {
		case IMG_TOP:
			if (im->pending) {
				uint8_t magic[2] = { im->pending_byte, buf[0] };
				im->pending = false;
				im->raw--;	/* the segment starts at the held byte */
				segment_start(im, magic);
				im->raw++;
				/* mapped: the held byte is the one before BUF */
				if (im->mode == IMG_DECODE)
					(void)stage(im, im->mapped ? buf - 1 : magic, 1);
				break;
			}
			if (buf[0] == '0' && !(im->cpio.this_header & 3)) {
				if (im->segment && !im->in_plain)
					im->segment(im->segment_ctx, NULL, im->raw);
				im->in_plain = true;
				im->cpio.state = CPIO_START;
				im->mode = IMG_PLAIN;
				break;
			}
			if (buf[0] == 0) {
				/* the kernel skips them one by one: the same */
				n = cpio_nuls(buf, len);
				im->cpio.this_header += n;
				break;
			}
			if (len < 2) {
				im->pending = true;
				im->pending_byte = buf[0];
				n = 1;
				break;
			}
			segment_start(im, buf);
			break;
		case IMG_PLAIN: {
			enum tm_phase was = tm_enter(im->tm, TM_PARSE);
			n = cpio_write(&im->cpio, buf, len);
			tm_leave(im->tm, was);
			if (n < len)
				im->mode = IMG_TOP;
			break;
		}
		case IMG_DECODE:
			n = stage(im, buf, len);
			break;
		}
		buf += n;
		len -= n;
		im->raw += n;
		if (im->mode == IMG_DECODE && im->stage_len == IMAGE_STAGE)
			feed_stage(im);
		place(im);
	}
	return im->err.msg ? -1 : 0;
}

int
image_finish(struct image *im)
{
	if (!im->err.msg) {
		if (im->pending) {
			im->pending = false;
			error_set(&im->err, "invalid magic at start of compressed archive",
				  "one byte left", 0, NULL, im->cpio.this_header);
		} else if (im->mode == IMG_DECODE && im->stage_len) {
			/* the last, partial block: then what is left of it */
			feed_stage(im);
			return image_finish(im);
		} else if (im->mode == IMG_DECODE) {
			int r = dec_finish(&im->d);
			/* bytes the decoder took but left to the top loop */
			uint8_t tail[8];
			size_t tail_len = im->d.tail_len < sizeof tail ? im->d.tail_len : sizeof tail;
			if (r == DEC_END && tail_len)
				memcpy(tail, im->d.tail, tail_len);
			segment_done(im, r);
			if (r == DEC_END && tail_len) {
				im->cpio.this_header -= tail_len;
				im->raw -= tail_len;
				image_push(im, tail, tail_len);
				return image_finish(im);
			}
		}
		if (!im->err.msg && im->mode == IMG_PLAIN && cpio_mid_entry(&im->cpio))
			error_set(&im->late, "truncated archive", NULL, 0,
				  im->cpio.state == CPIO_COPY ? im->cpio.e.name : NULL, im->cpio.entry_start);
	}
	place(im);
	if (im->decoding) {
		dec_end(&im->d);
		im->decoding = false;
	}
	free(im->stage);
	im->stage = NULL;
	im->stage_len = 0;
	if (im->err.msg)
		image_where(im, im->err.where, sizeof im->err.where);
	return im->err.msg ? -1 : 0;
}

uint64_t
image_kept(const struct image *im)
{
	return im->raw - im->stage_len - im->pending;
}

void
image_where(const struct image *im, char *buf, size_t size)
{
	if (im->err_codec && im->err_in_decoder)
		snprintf(buf, size, "the %s data at offset %llu", im->err_codec,
			 (unsigned long long)im->err_seg_raw);
	else if (im->err_codec)
		snprintf(buf, size, "offset %llu of the %s data at offset %llu",
			 (unsigned long long)im->err.offset, im->err_codec,
			 (unsigned long long)im->err_seg_raw);
	else
		snprintf(buf, size, "offset %llu", (unsigned long long)im->err.offset);
}
