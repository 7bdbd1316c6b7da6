/* sys.h: system calls musl does not wrap, returning 0/fd or a negative errno. */
#ifndef POPINIT_SYS_H
#define POPINIT_SYS_H

#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
/* the kernel's uevent netlink (musl ships no linux/ headers) */
#define SYS_NETLINK_KOBJECT_UEVENT 15
struct sys_sockaddr_nl {
	unsigned short nl_family;
	unsigned short nl_pad;
	uint32_t nl_pid;
	uint32_t nl_groups;
};

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

#endif

struct sys_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};

#define SYS_RESOLVE_NO_XDEV 0x01
#define SYS_RESOLVE_NO_MAGICLINKS 0x02
#define SYS_RESOLVE_NO_SYMLINKS 0x04
#define SYS_RESOLVE_BENEATH 0x08
#define SYS_RESOLVE_IN_ROOT 0x10

static inline long
sys_ret(long r)
{
	return r < 0 ? -errno : r;
}

/* sys_openat2: open PATH under DIRFD with the given resolve flags. */
static inline int
sys_openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve)
{
	struct sys_open_how how = { flags, mode, resolve };
	long r;

	do
		r = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
	while (r < 0 && (errno == EINTR || errno == EAGAIN));
	return (int)sys_ret(r);
}

/* the kernel's uevent netlink (musl ships no linux/ headers) */
#define SYS_NETLINK_KOBJECT_UEVENT 15
struct sys_sockaddr_nl {
	unsigned short nl_family;
	unsigned short nl_pad;
	uint32_t nl_pid;
	uint32_t nl_groups;
};

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

#endif
