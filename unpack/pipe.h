/* pipe.h: the writer thread.
 *
 * The reading thread decompresses and parses; everything that touches the
 * target tree happens in one writer thread, confined to the target with
 * chroot (see sink.h), fed through a bounded queue.  So decompression and
 * writing overlap on two cores, and memory stays bounded by the queue.
 * Data that stays where it is until the image ends (a mapped image's, see
 * pipe_stable) is queued by reference, not copied.
 *
 * Direct mode (PIPE_DIRECT, for one CPU, where a second thread only adds
 * wake-ups): the reader's whole work runs in the writer's thread
 * (pipe_call), and the parser's entries go to the filesystem sink with no
 * queue.  Where the target is the caller's own root and working directory
 * (sink_fs_here: the boot's rootfs), there is nothing to confine, and
 * no thread is started: the caller is the writer, with the writer's umask.
 *
 * pipe_sink() gives the cpio_sink the parser reports to; its callbacks
 * return -1 once the writer has failed, copying the writer's error.
 */
#ifndef POPINIT_PIPE_H
#define POPINIT_PIPE_H

#include "../codec/decomp.h"
#include "cpio.h"
#include "sink.h"
#include "timing.h"

struct pipe;

#define PIPE_TIMING 1	/* the writer times itself */
#define PIPE_DIRECT 2	/* direct mode */

/* pipe_start: a writer thread confined to ROOT.  NULL on failure, with
 * E's msg the step that failed and its err the negative errno. */
struct pipe *pipe_start(const char *root, int flags, struct error *e);
bool pipe_direct(const struct pipe *p);
/* pipe_sink: the sink of one image's entries; its error goes to ERR, the
 * time the reader waits for the writer to RTM (direct: all its time) */
const struct cpio_sink *pipe_sink(struct pipe *p, struct error *err, struct timing *rtm);
/* pipe_lend: two threads: buffers lent to the decoders (decomp.h), whose
 * output is then queued by reference; pipe_lent_done(P, BUF) once BUF's
 * entries are handed to the sink (any BUF: the others are ignored);
 * direct mode: NULL (the output is written where it is anyway) */
const struct dec_lend *pipe_lend(struct pipe *p);
void pipe_lent_done(void *p, const uint8_t *buf);
/* pipe_stable: data handed to the sink within [LO, HI) stays valid until
 * the image ends: it is queued by reference (NULL, NULL: none).  FD >= 0:
 * the range maps that file from its start, and the sink copies from the
 * file until the image ends (sink_fs_source).  Called at an image's start
 * (before anything of it is queued), and with NULL at its end. */
void pipe_stable(struct pipe *p, const void *lo, const void *hi, int fd);
/* pipe_release: FN(CTX, ARG) in the writer once everything queued before
 * is written (direct mode: at once) */
void pipe_release(struct pipe *p, void (*fn)(void *ctx, uint64_t arg), void *ctx, uint64_t arg);
/* pipe_call: direct mode: FN(CTX, 0) in the writer's thread (it reads,
 * decodes, parses and writes one image through pipe_sink), then the
 * image's end as pipe_image_end() does, with its return */
int pipe_call(struct pipe *p, void (*fn)(void *ctx, uint64_t arg), void *ctx, struct error *err,
	      struct error *late);
/* pipe_image_end: wait until the writer has applied everything queued and
 * ended the image (dir mtimes); a writer error, if any, replaces ERR (it
 * comes first in archive order) and 1 is returned, else 0.  What the
 * writer could not do the kernel's way goes to LATE unless LATE holds a
 * problem already. */
int pipe_image_end(struct pipe *p, struct error *err, struct error *late);
const struct sink_stats *pipe_stats(struct pipe *p);
/* pipe_timing: the writer's time on the last image ended; the waits of
 * the reader and of the writer so far */
void pipe_timing(struct pipe *p, struct timing *writer, uint32_t *rwaits, uint32_t *wwaits);
/* pipe_stop: end the thread; every file it opened is closed by then */
void pipe_stop(struct pipe *p);

#endif
