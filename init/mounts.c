/* mounts.c: early-boot paranoia about fds 0-2, and the pseudo-filesystems. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "boot.h"

static const struct {
	const char *src, *dst, *type;
	unsigned long flags;
	const char *data;
} mounts[] = {
	{ "devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755" },
	{ "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	{ "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	{ "tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755" },
};

_Static_assert(LEN(mounts) == BOOT_MOUNTS, "struct boot has a flag for each mount");

uint64_t
boot_ms(const struct boot *b)
{
	return clock_ms() - b->t0;
}

/* the kernel opens /dev/console as fds 0-2 when the builtin archive has
 * it; without it they are closed, and anything written would vanish or
 * land on a file popinit opens next */
void
boot_console(void)
{
	if (fcntl(0, F_GETFD) >= 0 && fcntl(1, F_GETFD) >= 0 && fcntl(2, F_GETFD) >= 0)
		return;
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return;	/* nothing to write to: keep going, log goes to kmsg */
	for (int i = 0; i < 3; i++)
		if (fcntl(i, F_GETFD) < 0 && fd != i)
			(void)dup2(fd, i);
	if (fd > 2)
		(void)io_close(fd);
}

int
boot_mounts(struct boot *b)
{
	int bad = 0;

	for (size_t i = 0; i < LEN(mounts); i++) {
		(void)mkdir(mounts[i].dst, 0755);
		if (mount(mounts[i].src, mounts[i].dst, mounts[i].type, mounts[i].flags, mounts[i].data) < 0) {
			if (errno == EBUSY) {
				continue;	/* already there (the kernel mounted devtmpfs) */
			}
			log_warn("unable to mount %s on %s: %s", mounts[i].type, mounts[i].dst, strerror(errno));
			bad++;
			continue;
		}
		b->mounted[i] = true;
	}
	return bad ? -1 : 0;
}

void
boot_umounts(struct boot *b)
{
	for (size_t i = LEN(mounts); i-- > 0;) {
		if (b->mounted[i] && umount2(mounts[i].dst, MNT_DETACH) < 0)
			log_warn("unable to unmount %s: %s", mounts[i].dst, strerror(errno));
		b->mounted[i] = false;
	}
}
