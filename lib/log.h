/* log.h: the one logging API of popinit.
 *
 * Lines look like "popinit: fatal: unable to mount /proc: Operation not permitted".
 * As PID 1 they go to /dev/kmsg with a priority prefix ("<3>popinit: ..."),
 * mirrored to the console unless quiet; otherwise to stderr.
 * Formats are always string literals: data from archives or the command line
 * is passed as arguments, never as a format.
 */
#ifndef POPINIT_LOG_H
#define POPINIT_LOG_H

enum {
	LOG_FATAL = 2,	/* kmsg crit */
	LOG_ERR = 3,
	LOG_WARN = 4,
	LOG_INFO = 6,
	LOG_DEBUG = 7,
};

/* Exit codes of the command-line tools (skarnet convention). */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 100,	/* permanent: usage or bad input */
	EXIT_TEMP = 111,	/* temporary: a system call failed */
};

/* log_init: name the program; kmsg_fd >= 0 makes kmsg the destination,
 * console_fd >= 0 mirrors there (both may be -1: stderr only). */
void log_init(const char *prog, int kmsg_fd, int console_fd);
/* log_set_level: messages above LEVEL are dropped (default LOG_INFO). */
void log_set_level(int level);
/* log_set_mirror: with kmsg, mirror to the console only the messages of
 * level MIN or above (numerically): the kernel prints the others itself */
void log_set_mirror(int min);
void log_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_fatal(...) log_msg(LOG_FATAL, __VA_ARGS__)
#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
