/* vmtime.c: the kernel's /init for timing commands inside QEMU (a
 * benchmark's helper, not a test).
 *
 * Mounts proc, sysfs and devtmpfs, reads /etc/vmtime (one command a line:
 * NAME, then optionally >OUT, %DIR and =SRC:DST, then the program and
 * its arguments), and runs every line in turn, ROUNDS times (vmtime.rounds=N
 * on the kernel command line, default 3), so that the commands' figures
 * are interleaved.  Before each run DIR is emptied, OUT truncated and SRC
 * copied to DST (a fresh input for a command that consumes it), none of it
 * timed; stdout goes to OUT (default /dev/null).  Prints one line a run,
 * then powers off:
 *
 *   @@T NAME MS STATUS
 *   @@END
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LINES 64

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* copy: SRC to DST, whole; 0 or -1 */
static int
copy(const char *src, const char *dst)
{
	static char buf[1 << 20];
	int in = open(src, O_RDONLY), out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644), r = -1;
	ssize_t n;

	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) >= 0) {
		if (n == 0) {
			r = 0;
			break;
		}
		if (write(out, buf, (size_t)n) != n)
			break;
	}
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) < 0)
		r = -1;
	return r;
}

static int
rm1(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	if (f->level > 0)
		remove(path);
	return 0;
}

int
main(void)
{
	static char text[LINES][512];
	char line[1024];
	int rounds = 3, n = 0;

	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	FILE *f = fopen("/proc/cmdline", "r");
	if (f && fgets(line, sizeof line, f)) {
		char *r = strstr(line, "vmtime.rounds=");
		if (r)
			rounds = atoi(r + 14);
	}
	if (f)
		fclose(f);
	f = fopen("/etc/vmtime", "r");
	while (f && n < LINES && fgets(text[n], sizeof text[n], f))
		if (text[n][0] != '#' && text[n][0] != '\n')
			n++;
	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < n; i++) {
			char words[512], *argv[32], *out = "/dev/null", *dir = NULL, *src = NULL, *dst = NULL;
			int k = 0;
			strcpy(words, text[i]);
			char *name = strtok(words, " \n");
			for (char *t = strtok(NULL, " \n"); t && k < 31; t = strtok(NULL, " \n")) {
				if (!k && t[0] == '>')
					out = t + 1;
				else if (!k && t[0] == '%')
					dir = t + 1;
				else if (!k && t[0] == '=' && (dst = strchr(t, ':'))) {
					*dst++ = '\0';
					src = t + 1;
				}
				else
					argv[k++] = t;
			}
			argv[k] = NULL;
			if (!k)
				continue;
			if (dir) {
				mkdir(dir, 0755);
				nftw(dir, rm1, 16, FTW_DEPTH | FTW_PHYS);
			}
			if (src && copy(src, dst) < 0) {
				printf("@@T %s 0 126\n", name);	/* no input: not run */
				continue;
			}
			sync();
			double t0 = now_ms();
			pid_t p = fork();
			if (p == 0) {
				int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
				if (fd >= 0)
					dup2(fd, 1);
				char *envp[] = { "PATH=/sbin:/bin", NULL };
				execve(argv[0], argv, envp);
				_exit(127);
			}
			int st;
			waitpid(p, &st, 0);
			printf("@@T %s %.1f %d\n", name, now_ms() - t0, WIFEXITED(st) ? WEXITSTATUS(st) : 128);
			fflush(stdout);
		}
	}
	printf("@@END\n");
	fflush(stdout);
	reboot(RB_POWER_OFF);
	return 0;
}
