/* pipe.h: the writer thread.
 *
 * The reading thread decompresses and parses; everything that touches the
 * target tree happens in one writer thread, confined to the target with
 * chroot (see sink.h), fed through a bounded queue.  So decompression and
 * writing overlap on two cores, and memory stays bounded by the queue.
 *
 * pipe_sink() gives the cpio_sink the parser reports to; its callbacks
 * return -1 once the writer has failed, copying the writer's error.
 */
#ifndef POPINIT_PIPE_H
#define POPINIT_PIPE_H

#include "cpio.h"
#include "sink.h"
#include "timing.h"

struct pipe;

/* pipe_start: a writer thread confined to ROOT, timing itself when
 * TIMING.  NULL on failure, with E's msg the step that failed and its err
 * the negative errno. */
struct pipe *pipe_start(const char *root, bool timing, struct error *e);
/* pipe_sink: the sink that queues to the writer; its error goes to ERR,
 * the time the reader waits for the writer to RTM */
const struct cpio_sink *pipe_sink(struct pipe *p, struct error *err, struct timing *rtm);
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
