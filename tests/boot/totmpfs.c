/* totmpfs.c: the boot suite's /init for boot/rootfs-room-not-rootfs: puts a
 * tmpfs (size=16m) over the kernel's rootfs the way switch_root does
 * (mount --move onto /, chroot), with /popinit as its /init and
 * /initramfs.d/10-payload.img, and execs that /init: popinit as PID 1 on
 * a / that is a tmpfs someone sized, not the kernel's rootfs.
 * Says "@@TOTMPFS" and what failed, if anything did. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int
fail(const char *what)
{
	printf("@@TOTMPFS failed: %s: %s\n", what, strerror(errno));
	return 1;
}

static int
copy(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	ssize_t n = 0;
	int in = open(from, O_RDONLY | O_CLOEXEC), out;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	return close(out) < 0 || n < 0 ? -1 : 0;
}

int
main(void)
{
	if (mkdir("/new", 0755) < 0)
		return fail("mkdir /new");
	if (mount("tmpfs", "/new", "tmpfs", 0, "size=16m,mode=0755") < 0)
		return fail("mount tmpfs /new");
	if (mkdir("/new/dev", 0755) < 0 || mkdir("/new/initramfs.d", 0755) < 0)
		return fail("mkdir /new/dev, /new/initramfs.d");
	if (mknod("/new/dev/console", S_IFCHR | 0600, makedev(5, 1)) < 0)
		return fail("mknod /new/dev/console");
	if (copy("/popinit", "/new/init", 0755) < 0)
		return fail("copy /popinit");
	if (copy("/initramfs.d/10-payload.img", "/new/initramfs.d/10-payload.img", 0644) < 0)
		return fail("copy the image");
	if (chdir("/new") < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 ||
	    chdir("/") < 0)
		return fail("move the tmpfs onto /");
	printf("@@TOTMPFS / is a tmpfs of 16m\n");
	fflush(stdout);
	execl("/init", "/init", (char *)NULL);
	return fail("exec /init");
}
