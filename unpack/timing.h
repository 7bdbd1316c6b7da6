/* timing.h: where an unpack's time goes, when asked (popinit.timing on the
 * kernel command line, popinit unpack -t).
 *
 * Each thread of the unpack keeps one struct timing; tm_enter() charges
 * the time since the last switch to the phase it was in and enters
 * another, tm_leave() goes back.  Off, it costs one test.
 *
 *   read    read(2) of the image, or its mmap
 *   decode  in the decoder (its output's parsing and writing excluded)
 *   parse   the cpio machine, and handing entries to the writer
 *   queue   the reader waiting for room in the writer's queue
 *   write   writing file data (write(2))
 *   meta    every other call on the tree: lstat, open, chown, chmod,
 *           truncate, utimes, close, mkdir, mknod, symlink, link
 *   idle    the writer waiting for work
 *   give    giving a mapped image back as it is consumed (madvise, and
 *           fallocate's hole punching, which frees its pages)
 */
#ifndef POPINIT_TIMING_H
#define POPINIT_TIMING_H

#include <stdbool.h>
#include <stdint.h>

enum tm_phase { TM_OTHER, TM_READ, TM_DECODE, TM_PARSE, TM_QUEUE, TM_WRITE, TM_META, TM_IDLE, TM_GIVE, TM_PHASES };

struct timing {
	bool on;
	enum tm_phase at;
	uint64_t since;		/* ns, when AT was entered */
	uint64_t ns[TM_PHASES];
};

extern const char *const tm_names[TM_PHASES];

/* tm_start: zero T and start it in TM_OTHER (when ON) */
void tm_start(struct timing *t, bool on);
/* tm_enter: enter P; returns the phase T was in, for tm_leave (T may be
 * NULL: nothing is timed) */
enum tm_phase tm_enter(struct timing *t, enum tm_phase p);
static inline void tm_leave(struct timing *t, enum tm_phase was) { (void)tm_enter(t, was); }
/* tm_stop: charge the current phase up to now */
void tm_stop(struct timing *t);

#endif
