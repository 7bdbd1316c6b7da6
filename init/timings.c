/* timings.c: the boot's phases, for the booted system and for
 * `popinit timeline` (boot/timeline.h reads them): /run/popinit/timings,
 * one line a phase, written when it ends:
 *
 *   popinit-timings 1
 *   KIND START END LANE NAME
 *
 * START and END are microseconds of CLOCK_MONOTONIC, which starts with
 * the kernel; LANE is 0 for popinit's main thread, 1..N for the module
 * loader's threads; NAME is the rest of the line ("-": none).  KIND:
 * kernel (0 to popinit's start, NAME the release), setup, image, modules,
 * module, root, init (START = END: the exec), run, fatal.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "../lib/clock.h"
#include "../lib/io.h"
#include "boot.h"

void
boot_timings_open(struct boot *b)
{
	struct utsname u;

	(void)mkdir(BOOT_RUN_DIR, 0755);
	b->timings = open(BOOT_RUN_DIR "/timings", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (b->timings >= 0)
		(void)io_write_full(b->timings, "popinit-timings 1\n", 18);
	boot_time(b, "kernel", uname(&u) == 0 ? u.release : NULL, 0, b->t0_us, 0);
}

void
boot_time(const struct boot *b, const char *kind, const char *name, uint64_t start, uint64_t end, int lane)
{
	char line[320];

	if (b->timings <= 0)
		return;
	int n = snprintf(line, sizeof line, "%s %llu %llu %d %.256s", kind, (unsigned long long)start,
			 (unsigned long long)end, lane, name && *name ? name : "-");
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	/* one line whatever the name holds (a spec, a path) */
	for (int i = 0; i < n; i++)
		if ((unsigned char)line[i] < ' ' || line[i] == 127)
			line[i] = '?';
	line[n] = '\n';
	(void)io_write_full(b->timings, line, (size_t)n + 1);
}

void
boot_mark(const struct boot *b, const char *kind, const char *name)
{
	uint64_t now = clock_us();

	boot_time(b, kind, name, now, now, 0);
}
