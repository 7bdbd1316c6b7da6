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
 *                                    written first (0, or the errno)
 *   @@FILE /etc/x=second             the first line of each file given by
 *                                    the environment variable PAYLOAD_FILES
 *                                    or the files in /etc/payload.files
 *   @@ABSENT /initramfs.d            paths in /etc/payload.absent that are gone
 *   @@PRESENT /x                     ... or still there
 *   @@PAYLOAD-END
 *
 * Not PID 1 (an emergency shell of popinit.break=), it exits instead of
 * powering off.
 *
 * BALLAST makes it a large binary, to show that a file just unpacked can
 * be executed at once (no ETXTBSY).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
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
		if (mode == 0) {
			char line[256] = "";
			FILE *g = fopen(path, "r");
			if (g) {
				if (!fgets(line, sizeof line, g))
					line[0] = '\0';
				line[strcspn(line, "\n")] = '\0';
				fclose(g);
				printf("@@%s %s=%s\n", tag, path, line);
			} else {
				printf("@@%s %s MISSING\n", tag, path);
			}
		} else {
			struct stat st;
			printf("@@%s %s\n", lstat(path, &st) == 0 ? "PRESENT" : "ABSENT", path);
		}
	}
	fclose(f);
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
	FILE *w = fopen("/etc/payload.write", "r");
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
	lines("/etc/payload.files", "FILE", 0);
	lines("/etc/payload.absent", "ABSENT", 1);
	printf("@@PAYLOAD-END\n");
	fflush(stdout);
	if (getpid() != 1)
		return 0;
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
