/* stamp.c: the payload init of the boot benchmark.
 *
 * Its first act is a line in the kernel log, so its exec time is read in
 * the kernel's own clock (the printk timestamp, 0 at kernel start); then
 * it prints the kernel log lines the benchmark reads, each with its
 * timestamp in microseconds, counts the entries under /bench (the
 * unpacked image) and under / (not crossing into other mounts), and powers
 * off:
 *
 *   @@KMSG 812345 popinit: unpacked 1 image, ... in 95 ms
 *   @@KMSG 901234 bench-stamp
 *   @@FILES 1234
 *   @@ROOTFILES 1300
 *   @@END
 *
 * It mounts devtmpfs on /dev first when /dev/kmsg is missing (the
 * kernel-only boot has just /dev/console).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const wanted[] = {
	"Trying to unpack rootfs", "Freeing initrd memory", "popinit:", "bench-stamp", "Run /init",
};

/* count: the entries under DIR, on the device DEV only */
static long
count(const char *dir, dev_t dev)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	long n = 0;
	char path[4096];

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		n++;
		if (e->d_type == DT_DIR) {
			snprintf(path, sizeof path, "%s/%s", dir[1] ? dir : "", e->d_name);
			if (stat(path, &st) == 0 && st.st_dev == dev)
				n += count(path, dev);
		}
	}
	closedir(d);
	return n;
}

int
main(void)
{
	char rec[2048];
	int fd = open("/dev/kmsg", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
		fd = open("/dev/kmsg", O_RDWR | O_CLOEXEC);
	}
	if (fd >= 0 && write(fd, "bench-stamp\n", 12) < 0)
		perror("stamp: kmsg");
	close(fd);
	/* each record: "PRI,SEQ,USEC,FLAGS;MESSAGE\n" */
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	for (ssize_t n; fd >= 0 && (n = read(fd, rec, sizeof rec - 1)) != 0;) {
		if (n < 0) {
			if (errno == EPIPE)
				continue;	/* overwritten records */
			break;
		}
		rec[n] = '\0';
		char *msg = strchr(rec, ';');
		unsigned long long usec;
		if (!msg || sscanf(rec, "%*u,%*u,%llu", &usec) != 1)
			continue;
		msg++;
		msg[strcspn(msg, "\n")] = '\0';
		for (size_t i = 0; i < sizeof wanted / sizeof *wanted; i++)
			if (strstr(msg, wanted[i]))
				printf("@@KMSG %llu %s\n", usec, msg);
	}
	struct stat root;
	if (stat("/", &root) < 0)
		root.st_dev = 0;
	printf("@@FILES %ld\n@@ROOTFILES %ld\n@@END\n", count("/bench", root.st_dev), count("/", root.st_dev));
	fflush(stdout);
	reboot(RB_POWER_OFF);
	return 0;
}
