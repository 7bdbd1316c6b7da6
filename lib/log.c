/* log.c: one line per message, written with a single write(2). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "log.h"

static const char *log_prog = "popinit";
static int log_kmsg = -1;
static int log_console = -1;
static int log_level = LOG_INFO;
static int log_mirror = 0;
static unsigned log_kmsg_records;

/* The kernel keeps at most 10 records in 5 s of each open /dev/kmsg (its
 * devkmsg ratelimit, unless printk.devkmsg=on) and drops the rest without
 * an error: a boot's eleventh line, a fatal one as well, would be lost.
 * Every 8 records (two spare for other threads) the descriptor is opened
 * anew, with a fresh allowance, on the same number; when that fails the
 * old one stays. */
enum { KMSG_BURST = 8 };

static void
log_kmsg_fresh(void)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return;
	if (fd != log_kmsg) {
		(void)dup3(fd, log_kmsg, O_CLOEXEC);
		(void)close(fd);
	}
}

void
log_init(const char *prog, int kmsg_fd, int console_fd)
{
	log_prog = prog;
	log_kmsg = kmsg_fd;
	log_console = console_fd;
}

void
log_set_level(int level)
{
	log_level = level;
}

void
log_set_mirror(int min)
{
	log_mirror = min;
}

static const char *
log_tag(int level)
{
	switch (level) {
	case LOG_FATAL: return "fatal: ";
	case LOG_ERR: return "error: ";
	case LOG_WARN: return "warning: ";
	default: return "";
	}
}

void
log_msg(int level, const char *fmt, ...)
{
	/* kmsg takes at most ~1 KiB a record; longer lines are cut, not split */
	char line[1024];
	int saved = errno, n, head;
	va_list ap;

	if (level > log_level)
		return;
	head = snprintf(line, sizeof line, "<%d>%s: %s", level, log_prog, log_tag(level));
	if (head < 0 || (size_t)head >= sizeof line)
		head = 0;
	va_start(ap, fmt);
	n = vsnprintf(line + head, sizeof line - head, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	n += head;
	if ((size_t)n >= sizeof line - 1)
		n = sizeof line - 2;
	line[n++] = '\n';

	/* the "<N>" prefix is for kmsg only */
	const char *plain = strchr(line, '>') + 1;
	size_t plen = (size_t)n - (size_t)(plain - line);
	if (log_kmsg >= 0) {
		if (__atomic_add_fetch(&log_kmsg_records, 1, __ATOMIC_RELAXED) % KMSG_BURST == 0)
			log_kmsg_fresh();
		(void)io_write_full(log_kmsg, line, (size_t)n);
		if (log_console >= 0 && level >= log_mirror)
			(void)io_write_full(log_console, plain, plen);
	} else {
		(void)io_write_full(log_console >= 0 ? log_console : 2, plain, plen);
	}
	errno = saved;
}
