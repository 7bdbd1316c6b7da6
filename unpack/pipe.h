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

struct pipe;

/* pipe_start: a writer thread confined to ROOT.  NULL on failure, with
 * *err the negative errno and *what the step that failed. */
struct pipe *pipe_start(const char *root, int *err, const char **what);
/* pipe_sink: the sink that queues to the writer; its error goes to ERR */
const struct cpio_sink *pipe_sink(struct pipe *p, struct cpio_error *err);
/* pipe_image_end: wait until the writer has applied everything queued and
 * ended the image (dir mtimes); a writer error, if any, is copied to ERR
 * (it comes first in archive order) and 1 returned, else 0.  LATE gets
 * what the writer could not do the kernel's way (msg NULL: nothing). */
int pipe_image_end(struct pipe *p, struct cpio_error *err, struct cpio_error *late);
const struct sink_stats *pipe_stats(struct pipe *p);
/* pipe_stop: end the thread; every file it opened is closed by then */
void pipe_stop(struct pipe *p);

#endif
