/* image.h: one initramfs image, as the kernel's unpack_to_rootfs() reads it.
 *
 *   image := ( NUL | cpio_archive | compressed_cpio )*
 *
 * A '0' at an offset that is a multiple of 4 starts a plain archive; NULs
 * are skipped; any other byte starts a compressed segment whose codec its
 * first two bytes name (decomp.h).  Plain archives and decompressed data
 * both go through one cpio parser (cpio.h), whose entries go to a sink.
 *
 * Push the image's bytes in pieces of any size with image_push(), then
 * call image_finish() once.  Compressed data goes to the decoders in fixed
 * IMAGE_STAGE blocks whatever the pieces, so that what a decoder does with
 * broken data (where it stops, what it wrote first) depends on the bytes
 * alone, never on how they arrived.  The blocks are assembled in a
 * staging copy, unless the caller sets im->mapped: its pieces are then
 * consecutive parts of one buffer that stays valid (a mapped image), and
 * the blocks are read where they are, with no copy; with im->map set, a
 * decoder may read further ahead in that buffer (lz4's whole blocks) and
 * skip those bytes when they come, the same bytes either way.  The first
 * error stops everything, and its message is the kernel's.  Problems the
 * kernel does not report (a truncated archive, a bad gzip CRC) do not stop
 * the unpack: they are kept in im->late and reported at the end, so the
 * tree stays the kernel's.
 */
#ifndef POPINIT_IMAGE_H
#define POPINIT_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "../codec/decomp.h"
#include "cpio.h"
#include "timing.h"

enum image_mode { IMG_TOP, IMG_PLAIN, IMG_DECODE };

/* Called at the start of each segment: CODEC NULL for a plain archive */
typedef void (*image_segment_fn)(void *ctx, const char *codec, uint64_t offset);

#define IMAGE_STAGE (256u << 10)

struct image {
	enum image_mode mode;
	bool mapped;		/* the pieces are one buffer: no staging copy */
	uint8_t *stage;		/* compressed bytes waiting for a full block */
	const uint8_t *stage_at;	/* mapped: where those bytes are */
	/* mapped: the buffer the pieces are part of, as far as its bytes
	 * are there (the caller's; NULL: none), which the decoders may read
	 * ahead in (struct dec's ahead) */
	const uint8_t *map, *map_end;
	size_t stage_len;
	uint64_t raw;		/* bytes of the image taken so far */
	uint64_t saved;		/* the kernel's saved_offset at a segment start */
	uint64_t seg_raw;	/* raw offset of the current compressed segment */
	const char *seg_codec;
	bool pending;		/* one byte held to read a two-byte magic */
	uint8_t pending_byte;
	bool decoding;		/* d holds a decoder */
	bool in_plain;		/* the last segment reported was a plain one */
	bool err_placed;	/* err_codec and err_seg_raw are set */
	bool err_in_decoder;	/* the codec failed, not the archive in it */
	const char *err_codec;	/* the error was in this codec's data, or NULL */
	uint64_t err_seg_raw;
	image_segment_fn segment;
	void *segment_ctx;
	struct timing *tm;	/* decode and parse time, or NULL */
	/* the sink's buffers lent to the decoders (NULL: none), and what is
	 * called once an emitted buffer's entries are handed to the sink */
	const struct dec_lend *lend;
	void (*lent_done)(void *ctx, const uint8_t *buf);
	struct error err;	/* the first error; its where said at the end */
	struct error late;	/* the first problem the kernel does not report */
	struct dec d;
	struct cpio_parser cpio;
};

/* image_init: ready to read an image whose entries go to SINK */
void image_init(struct image *im, const struct cpio_sink *sink);
/* image_push: returns 0, or -1 once im->err holds an error */
int image_push(struct image *im, const uint8_t *buf, size_t len);
/* image_finish: the image ended; 0 or -1 (im->err.where then says where);
 * frees the decoder and the staging block either way */
int image_finish(struct image *im);
/* image_kept: with im->mapped, the offset in the image of the first byte
 * the image may still read from the caller's buffer (a block not yet
 * decoded); the bytes before it can be given back */
uint64_t image_kept(const struct image *im);
/* image_where: the error's place, "offset N" or "offset N of the gzip data at M" */
void image_where(const struct image *im, char *buf, size_t size);

#endif
