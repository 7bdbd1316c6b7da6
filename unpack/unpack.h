/* unpack.h: unpack initramfs images into a tree, as the kernel would.
 *
 *	struct unpacker *u = unpacker_new(root, flags, &error);
 *	for each image: unpacker_run(u, fd, &result);
 *	unpacker_free(u);	(joins the writer: every file is closed)
 *
 * Images are unpacked one after the other into the same tree, each as the
 * kernel unpacks one buffer (its own directory-mtime pass).  With two
 * CPUs or more, decoding and parsing run in the calling thread and the
 * writing in the writer's (pipe.h); with one, everything in the writer's.
 */
#ifndef POPINIT_UNPACK_H
#define POPINIT_UNPACK_H

#include "cpio.h"
#include "image.h"
#include "sink.h"

struct unpack_result {
	struct error err;		/* the kernel's message, if any, and where */
	struct error late;		/* what the kernel would not report */
	int read_err;			/* reading the image failed: -errno */
	uint64_t bytes_in;		/* image bytes read */
	/* with UNPACK_TIMING: this image's figures */
	uint64_t ns;			/* wall time */
	struct timing reader, writer;	/* by phase (timing.h) */
	struct sink_stats stats;	/* what was made, and the calls made */
	uint32_t reads;			/* read(2) calls */
	uint32_t rwaits, wwaits;	/* the reader's and the writer's waits */
	uint64_t mem_start, mem_peak;	/* RAM in use (sysinfo), bytes */
	bool mapped;			/* the image was mapped, not read */
	bool filled;			/* a block device's, read into memory as mapped */
	bool direct;			/* that with O_DIRECT */
	uint64_t released;		/* bytes of it punched out as it was consumed */
};

/* unpacker_new's FLAGS */
#define UNPACK_TIMING 1		/* time the phases (popinit.timing, unpack -t) */
#define UNPACK_RELEASE 2	/* the images are consumed: punch out of each
				 * file what is unpacked (boot; unpack --consume);
				 * the descriptors must be open for writing */
#define UNPACK_THREADS1 4	/* one thread whatever the CPUs (unpack -j1) */
#define UNPACK_THREADS2 8	/* two threads whatever the CPUs (unpack -j2) */

struct unpacker;

/* unpacker_new: unpack into ROOT; NULL on failure, E's msg saying the
 * step that failed and its err the negative errno */
struct unpacker *unpacker_new(const char *root, int flags, struct error *e);
/* unpacker_run: unpack the image read from FD to its end.  0 when the
 * kernel would report no error and nothing late was found, else -1 with
 * RES saying what (RES is always filled). */
int unpacker_run(struct unpacker *u, int fd, struct unpack_result *res);
/* unpacker_run_part: the same, for an image that is the first SIZE bytes
 * read from FD (0: all of it): a signed image's payload verified in place */
int unpacker_run_part(struct unpacker *u, int fd, uint64_t size, struct unpack_result *res);
const struct sink_stats *unpacker_stats(struct unpacker *u);
void unpacker_free(struct unpacker *u);

/* unpack_read_image: read FD to the end into IM (used by list too):
 * 0, or a negative errno if reading failed; *bytes gets the count */
int unpack_read_image(struct image *im, int fd, uint64_t *bytes);

#endif
