/* run.c: run CMD as the child of a PID 1 that reaps every zombie,
 * forwards SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGQUIT and SIGWINCH
 * to it, and exits with its status (128 + signal if a signal killed it),
 * as tini does.  Not as PID 1, popinit makes itself the subreaper of CMD's
 * descendants, so the same holds.  For popinit.run= and popinit run
 * (cli/cmd_run.c).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/log.h"
#include "boot.h"

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGQUIT, SIGWINCH };

int
run_supervise(char *const argv[], char *const envp[])
{
	sigset_t all, old;

	if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		log_warn("unable to become a subreaper: %s", strerror(errno));
	sigemptyset(&all);
	sigaddset(&all, SIGCHLD);
	for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++)
		sigaddset(&all, forwarded[i]);
	sigprocmask(SIG_BLOCK, &all, &old);

	pid_t child = fork();
	if (child < 0) {
		log_fatal("unable to fork: %s", strerror(errno));
		return EXIT_TEMP;
	}
	if (child == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		/* a PATH search here is for the user's command, as tini does */
		if (strchr(argv[0], '/'))
			execve(argv[0], argv, envp);
		else
			execvp(argv[0], argv);
		log_fatal("unable to run %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	for (;;) {
		int sig = sigwaitinfo(&all, NULL);
		if (sig < 0) {
			if (errno == EINTR)
				continue;
			log_fatal("sigwaitinfo: %s", strerror(errno));
			return EXIT_TEMP;
		}
		if (sig != SIGCHLD) {
			if (kill(child, sig) < 0 && errno != ESRCH)
				log_warn("unable to forward signal %d: %s", sig, strerror(errno));
			continue;
		}
		/* reap all that is dead; one SIGCHLD may stand for many */
		for (;;) {
			int status;
			pid_t r = waitpid(-1, &status, WNOHANG);
			if (r <= 0)
				break;
			if (r == child)
				return WIFEXITED(status) ? WEXITSTATUS(status) :
				       WIFSIGNALED(status) ? 128 + WTERMSIG(status) : EXIT_TEMP;
		}
	}
}
