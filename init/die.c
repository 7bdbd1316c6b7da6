/* die.c: the failure policy of PID 1, which never exits by accident.
 *
 * The reason goes to the console and kmsg first.  Then an emergency shell
 * on the console, if /bin/sh exists and popinit.shell asked for it; then
 * panic=: N > 0 reboot after N seconds, N < 0 reboot at once, 0 (the
 * kernel's default) stay with the message on screen.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/log.h"
#include "boot.h"

int
boot_exec(const char *path, char *const argv[], char *const envp[])
{
	execve(path, argv, envp);
	return -errno;
}

static void
shell(int level, const char *why)
{
	struct stat st;

	if (stat("/bin/sh", &st) < 0 || !(st.st_mode & 0111)) {
		log_msg(level, "no /bin/sh for a shell (%s)", why);
		return;
	}
	log_msg(level, "starting /bin/sh (%s); exit it to go on", why);
	pid_t pid = fork();
	if (pid < 0) {
		log_err("unable to fork the shell: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		char *const argv[] = { "sh", NULL };
		char *const envp[] = { "HOME=/", "TERM=linux", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", NULL };
		(void)setsid();
		(void)ioctl(0, TIOCSCTTY, 1);
		execve("/bin/sh", argv, envp);
		_exit(127);
	}
	/* reap everything until the shell itself is gone */
	for (;;) {
		int status;
		pid_t r = wait(&status);
		if (r == pid || (r < 0 && errno == ECHILD))
			break;
	}
}

void
boot_break(const struct boot *b, const char *stage)
{
	const struct boot_opts *o = &b->o;

	if (o->break_at && (!*o->break_at || !strcmp(o->break_at, stage)))
		shell(LOG_WARN, stage);
}

static void
sleep_s(int s)
{
	struct timespec ts = { s, 0 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void
boot_fail(const struct boot *b, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_fatal("%s", msg);
	boot_mark(b, "fatal", msg);
	if (b->o.shell)
		shell(LOG_ERR, "the boot failed");
	sync();
	int panic = b->o.panic;
	if (panic < 0) {
		log_fatal("rebooting now (panic=%d)", panic);
		reboot(RB_AUTOBOOT);
	} else if (panic > 0) {
		log_fatal("rebooting in %d s (panic=%d)", panic, panic);
		sleep_s(panic);
		reboot(RB_AUTOBOOT);
	} else {
		log_fatal("stopped here: set panic=N to reboot");
	}
	/* stay: reap whatever is left, forever */
	for (;;) {
		if (wait(NULL) < 0 && errno == ECHILD)
			pause();
	}
}
