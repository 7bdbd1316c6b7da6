/* timeline.h: a boot's timeline, read from popinit's timings file or from
 * a console or kernel log, and drawn as an SVG chart (popinit timeline).
 *
 * The timings file (init/timings.c writes /run/popinit/timings):
 *
 *   popinit-timings 1                  the first line, exactly
 *   KIND START END LANE NAME           one row a line
 *
 *   KIND   1 to 15 of a-z, 0-9, '-'     kernel setup image modules module
 *                                      root init run fatal (others drawn too)
 *   START  decimal microseconds of CLOCK_MONOTONIC (from the kernel's start)
 *   END    the same, END >= START (START = END: an instant, such as init)
 *   LANE   0 popinit's main thread, 1..999 the module loader's threads
 *   NAME   the rest of the line, "-" for none
 *
 * Blank lines and lines starting with '#' are skipped; a malformed line is
 * counted and skipped.
 *
 * A log: the kernel's console as a serial line records it, dmesg's output
 * ("[    1.523412] message"), or /dev/kmsg's records ("6,339,1523412,-;
 * message").  Lines without a time stamp are skipped.  Read from it: the
 * kernel's "Run /init as init process" (the kernel's row ends there), its
 * initramfs unpacking, and popinit's lines that end a phase with its
 * duration ("unpacked ... in N ms", "loaded ... in N ms", "root device
 * ... after N ms"), the hand-over ("switching root to R, init I, after N
 * ms", "handing over to I after N ms") and "fatal:" lines.  The log shows
 * the phases; the timings file also each module load.
 */
#ifndef POPINIT_TIMELINE_H
#define POPINIT_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TL_ROWS 1024		/* rows kept; later ones are counted only */
#define TL_KIND 16
#define TL_NAME 96		/* a longer name is cut */
#define TL_MAX_US 86400000000000ull	/* 1000 days: a larger time is malformed */

struct tl_row {
	char kind[TL_KIND];	/* printable ASCII */
	char name[TL_NAME];	/* printable ASCII: other bytes became '?' */
	uint64_t start, end;	/* microseconds from the kernel's start */
	int lane;
};

struct timeline {
	struct tl_row row[TL_ROWS];
	int n;
	int dropped;		/* rows past TL_ROWS */
	int bad;		/* malformed lines of a timings file, rows of a
				 * log that end before they start */
	bool from_log;
};

/* timeline_parse: TEXT (LEN bytes, any bytes) into T: a timings file if it
 * starts with "popinit-timings 1\n", else a log.  0, or -EINVAL when no
 * row could be read. */
int timeline_parse(struct timeline *t, const char *text, size_t len);

/* timeline_svg: T's rows (sorted here by start) drawn against time, from
 * the kernel's start to the last row's end, TITLE above them: a malloc'd,
 * NUL-terminated SVG document in *OUT, its length in *LEN.  0 or -ENOMEM. */
int timeline_svg(struct timeline *t, const char *title, char **out, size_t *len);

#endif
