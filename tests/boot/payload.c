/* payload.c: the tiny static init the boot tests hand over to.  It prints
 * what it was given and what it sees, as "@@" lines on the console, then
 * powers the machine off.
 *
 *   @@PAYLOAD pid=1 argv0=/sbin/init
 *   @@ARG 1=foo                      every argument
 *   @@ENV bar=baz                    every environment variable
 *   @@PROC already-mounted=no        whether /proc was there before it
 *   @@MOUNT / tmpfs                  /proc/self/mounts
 *   @@MOUNTOPT / rw,relatime         and its options
 *   @@MODULE ext4                    /proc/modules
 *   @@WROTE /x=0                     each "PATH VALUE" line of /etc/payload.write
 *                                    written first (0, or the errno; not with
 *                                    PAYLOAD_NOWRITE=1 in the environment)
 *   @@RUN /bin/popinit bless=0       each line of /etc/payload.run run (a path
 *                                    and its arguments, split at spaces), its
 *                                    output on the console; then its exit
 *                                    status (or 128 + the signal)
 *   @@FILE /etc/x=second             the first line of each file given by
 *                                    the environment variable PAYLOAD_FILES
 *                                    or the files in /etc/payload.files
 *   @@FILE /etc/x ERROR Input/...    ... or the error reading it
 *   @@CAT /run/popinit/timings: L    every line L of each file in
 *                                    /etc/payload.cat
 *   @@ABSENT /initramfs.d            paths in /etc/payload.absent that are gone
 *   @@PRESENT /x                     ... or still there
 *   @@STAT /x size=3 mtime=7         size and mtime of each path in
 *                                    /etc/payload.stat (or MISSING)
 *   @@KILL TERM=0                    not PID 1: each signal named in
 *                                    /etc/payload.kill sent to PID 1 (0, or
 *                                    the errno)
 *   @@ZOMBIES 0                      not PID 1, with /etc/payload.orphan: an
 *                                    orphan is made that exits at once; 300
 *                                    ms later, the zombies there are (PID 1
 *                                    must reap them)
 *   @@PAYLOAD-END
 *   @@CRASH                          with /etc/payload.crash: it exits
 *                                    instead of powering off (the kernel
 *                                    panics: an init that crashed)
 *
 * Not PID 1 (an emergency shell of popinit.break=), it exits instead of
 * powering off.
 *
 * BALLAST makes it a large binary, to show that a file just unpacked can
 * be executed at once (no ETXTBSY).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef BALLAST
#define BALLAST 1
#endif
/* initialised, so it lands in the file, not in .bss */
volatile const unsigned char ballast[BALLAST] = { 1 };

static void
lines(const char *list, const char *tag, int mode)
{
	char path[512];
	FILE *f = fopen(list, "r");

	if (!f)
		return;
	while (fgets(path, sizeof path, f)) {
		path[strcspn(path, "\n")] = '\0';
		if (!path[0])
			continue;
		if (mode == 3) {
			char line[512];
			FILE *g = fopen(path, "r");
			while (g && fgets(line, sizeof line, g)) {
				line[strcspn(line, "\n")] = '\0';
				printf("@@%s %s: %s\n", tag, path, line);
			}
			if (g)
				fclose(g);
			else
				printf("@@%s %s MISSING\n", tag, path);
		} else if (mode == 0) {
			char line[256] = "";
			FILE *g = fopen(path, "r");
			if (g) {
				if (!fgets(line, sizeof line, g))
					line[0] = '\0';
				line[strcspn(line, "\n")] = '\0';
				if (ferror(g))
					printf("@@%s %s ERROR %s\n", tag, path, strerror(errno));
				else
					printf("@@%s %s=%s\n", tag, path, line);
				fclose(g);
			} else {
				printf("@@%s %s MISSING\n", tag, path);
			}
		} else if (mode == 1) {
			struct stat st;
			printf("@@%s %s\n", lstat(path, &st) == 0 ? "PRESENT" : "ABSENT", path);
		} else {
			struct stat st;
			if (lstat(path, &st) == 0)
				printf("@@%s %s size=%lld mtime=%lld\n", tag, path, (long long)st.st_size,
				       (long long)st.st_mtime);
			else
				printf("@@%s %s MISSING\n", tag, path);
		}
	}
	fclose(f);
}

/* each line of /etc/payload.run, run and waited for */
static void
run_lines(void)
{
	char line[512];
	FILE *f = fopen("/etc/payload.run", "r");

	while (f && fgets(line, sizeof line, f)) {
		char copy[512], *argv[16];
		int n = 0;
		line[strcspn(line, "\n")] = '\0';
		strcpy(copy, line);
		for (char *t = strtok(copy, " "); t && n < 15; t = strtok(NULL, " "))
			argv[n++] = t;
		argv[n] = NULL;
		if (!n)
			continue;
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			execv(argv[0], argv);
			_exit(127);
		}
		int status = 0;
		if (pid < 0 || waitpid(pid, &status, 0) < 0)
			status = 255 << 8;
		printf("@@RUN %s=%d\n", line, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	if (f)
		fclose(f);
}

static void
kill_one(void)
{
	static const struct { const char *name; int sig; } sigs[] = {
		{ "TERM", SIGTERM }, { "INT", SIGINT }, { "KILL", SIGKILL }, { "HUP", SIGHUP },
	};
	char line[64];
	FILE *f = fopen("/etc/payload.kill", "r");

	while (f && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
			if (!strcmp(line, sigs[i].name)) {
				int e = kill(1, sigs[i].sig) < 0 ? errno : 0;
				struct timespec ts = { 0, 100000000 };
				nanosleep(&ts, NULL);
				printf("@@KILL %s=%d\n", line, e);
			}
	}
	if (f)
		fclose(f);
}

/* a child that leaves a grandchild behind; the grandchild, reparented to
 * PID 1, exits at once: only PID 1 can reap it */
static void
orphan(void)
{
	struct stat st;

	if (stat("/etc/payload.orphan", &st) < 0)
		return;
	pid_t c = fork();
	if (c == 0) {
		if (fork() == 0) {
			struct timespec ts = { 0, 50000000 };
			nanosleep(&ts, NULL);
			_exit(0);
		}
		_exit(0);
	}
	if (c > 0)
		waitpid(c, NULL, 0);
	struct timespec ts = { 0, 300000000 };
	nanosleep(&ts, NULL);
	int z = 0;
	DIR *d = opendir("/proc");
	struct dirent *de;
	while (d && (de = readdir(d))) {
		char path[300], buf[512];
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		FILE *f = fopen(path, "r");
		if (f && fgets(buf, sizeof buf, f)) {
			char *p = strrchr(buf, ')');
			if (p && p[1] == ' ' && p[2] == 'Z')
				z++;
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	printf("@@ZOMBIES %d\n", z);
}

int
main(int argc, char **argv, char **envp)
{
	struct stat st;
	char buf[8192];

	printf("\n@@PAYLOAD pid=%d argv0=%s ballast=%d\n", (int)getpid(), argv[0], (int)ballast[0]);
	for (int i = 1; i < argc; i++)
		printf("@@ARG %d=%s\n", i, argv[i]);
	for (char **e = envp; *e; e++)
		printf("@@ENV %s\n", *e);
	int had_proc = stat("/proc/self", &st) == 0;
	printf("@@PROC already-mounted=%s\n", had_proc ? "yes" : "no");
	if (!had_proc) {
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", 0, NULL);
	}
	int fd = open("/proc/self/mounts", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
			char dev[128], dir[256], type[64], opts[256];
			int k = sscanf(l, "%127s %255s %63s %255s", dev, dir, type, opts);
			if (k >= 3)
				printf("@@MOUNT %s %s\n", dir, type);
			if (k == 4)
				printf("@@MOUNTOPT %s %s\n", dir, opts);
		}
	}
	fd = open("/proc/modules", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
			l[strcspn(l, " ")] = '\0';
			printf("@@MODULE %s\n", l);
		}
	}
	FILE *w = getenv("PAYLOAD_NOWRITE") ? NULL : fopen("/etc/payload.write", "r");
	while (w && fgets(buf, sizeof buf, w)) {
		char path[512], value[256];
		if (sscanf(buf, "%511s %255s", path, value) != 2)
			continue;
		int e = 0, wfd = open(path, O_WRONLY);
		if (wfd < 0 || write(wfd, value, strlen(value)) < 0)
			e = errno;
		if (wfd >= 0)
			close(wfd);
		printf("@@WROTE %s=%d\n", path, e);
	}
	if (w)
		fclose(w);
	run_lines();
	lines("/etc/payload.files", "FILE", 0);
	lines("/etc/payload.cat", "CAT", 3);
	lines("/etc/payload.absent", "ABSENT", 1);
	lines("/etc/payload.stat", "STAT", 2);
	if (getpid() != 1) {	/* a shell of popinit's: PID 1 is popinit */
		kill_one();
		orphan();
	}
	printf("@@PAYLOAD-END\n");
	fflush(stdout);
	if (getpid() != 1)
		return 0;
	if (stat("/etc/payload.crash", &st) == 0) {
		printf("@@CRASH\n");
		fflush(stdout);
		return 1;
	}
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
