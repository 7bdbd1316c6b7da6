/* sys.h: system calls and kernel interfaces musl does not wrap or declare,
 * returning a value or a negative errno. */
#ifndef POPINIT_SYS_H
#define POPINIT_SYS_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline long
sys_ret(long r)
{
	return r < 0 ? -errno : r;
}

/* sys_open: open(2) without musl's extra fcntl(F_SETFD) after O_CLOEXEC,
 * which every kernel popinit supports honours at open time */
static inline int
sys_open(const char *path, int flags, unsigned mode)
{
	long r;

	do
		r = syscall(SYS_openat, -100 /* AT_FDCWD */, path, flags, mode);
	while (r < 0 && errno == EINTR);
	return (int)sys_ret(r);
}

/* block device ioctls (linux/fs.h) */
#define SYS_BLKRRPART _IO(0x12, 95)		/* re-read the partition table */
#define SYS_BLKSSZGET _IO(0x12, 104)		/* logical sector size, an int */

/* the kernel's uevent netlink (musl ships no linux/ headers) */
#define SYS_NETLINK_KOBJECT_UEVENT 15
struct sys_sockaddr_nl {
	unsigned short nl_family;
	unsigned short nl_pad;
	uint32_t nl_pid;
	uint32_t nl_groups;
};

#endif
