/* mounts.c: early-boot paranoia about fds 0-2, and the pseudo-filesystems. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
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

/* The room of rootfs.  Without root= on its command line the kernel makes
 * rootfs a tmpfs with tmpfs's default size limit: half the RAM it manages
 * when it mounts it, the initrd still reserved.  A tree above that and
 * below the RAM fails "write error" in the kernel's own unpack, and "No
 * space left on device" in popinit's, with memory to spare (bench/
 * history.md 2l).  For the unpack popinit raises the limit to what rootfs
 * holds plus the RAM free less a reserve (an eighth of the RAM, 32 MiB at
 * least: the kernel's own needs, popinit's queue and codecs, lz4's 24 MiB
 * the largest but xz's dictionary), and after it puts the old limit back,
 * or what the tree holds if that is more.  Never lowered, so a tree that
 * fits the old limit meets the same memory as before; one above it, with
 * a codec that needs more than the reserve, may meet the OOM killer
 * instead of "No space left on device".  A ramfs (root= given) has no
 * limit, a target other than rootfs (root=tmpfs) the size its rootflags
 * give, a / that is not the kernel's rootfs (a container's) the size
 * someone chose. */
#define ROOM_RESERVE_MIN (32ull << 20)

/* the raised limit in bytes, 0: none above LIMIT */
static uint64_t
room_size(uint64_t used, uint64_t limit, uint64_t freeram, uint64_t totalram)
{
	uint64_t reserve = totalram / 8 > ROOM_RESERVE_MIN ? totalram / 8 : ROOM_RESERVE_MIN;

	if (freeram <= reserve)
		return 0;
	uint64_t want = used + (freeram - reserve);
	return want > limit ? want : 0;
}

/* rootfs's limit and use, in bytes; 0: / is no tmpfs with a limit */
static int
room_get(uint64_t *limit, uint64_t *used)
{
	struct statfs sf;

	if (statfs("/", &sf) < 0 || (unsigned long)sf.f_type != TMPFS_MAGIC || !sf.f_blocks)
		return -1;
	*limit = (uint64_t)sf.f_blocks * (uint64_t)sf.f_bsize;
	*used = (uint64_t)(sf.f_blocks - sf.f_bfree) * (uint64_t)sf.f_bsize;
	return 0;
}

/* / is the kernel's rootfs (type "rootfs" in /proc/self/mounts), not a
 * tmpfs someone chose the size of (a container's root) */
static bool
is_rootfs(void)
{
	char *buf, *type = NULL;
	size_t len;

	if (io_slurp("/proc/self/mounts", 1u << 20, &buf, &len) < 0)
		return false;
	for (char *line = buf, *next; line < buf + len; line = next) {
		next = memchr(line, '\n', (size_t)(buf + len - line));
		next = next ? next + 1 : buf + len;
		char *sp = memchr(line, ' ', (size_t)(next - line));	/* SOURCE DIR TYPE ... */
		if (sp && next - sp > 3 && sp[1] == '/' && sp[2] == ' ')
			type = sp + 3;	/* the last one on / is what is seen there */
	}
	bool r = type && !strncmp(type, "rootfs ", 7);
	free(buf);
	return r;
}

static int
room_set(uint64_t bytes)
{
	char opt[40];

	(void)snprintf(opt, sizeof opt, "size=%lluk", (unsigned long long)((bytes + 1023) / 1024));
	return mount("rootfs", "/", NULL, MS_REMOUNT, opt);
}

void
boot_room_raise(struct boot *b)
{
	struct sysinfo si;
	uint64_t limit, used;

	if (b->room_tried)
		return;
	b->room_tried = true;
	if (strcmp(b->target, "/") || room_get(&limit, &used) < 0 || !is_rootfs() || sysinfo(&si) < 0)
		return;
	uint64_t unit = si.mem_unit ? si.mem_unit : 1;
	uint64_t want = room_size(used, limit, (uint64_t)si.freeram * unit, (uint64_t)si.totalram * unit);
	if (!want)
		return;
	if (room_set(want) < 0) {
		log_warn("unable to raise the size limit of rootfs for the images: %s", strerror(errno));
		return;
	}
	b->room_was = limit;
	b->room_raised = want;
}

void
boot_room_restore(struct boot *b)
{
	uint64_t limit, used;

	if (!b->room_was || room_get(&limit, &used) < 0)
		return;
	uint64_t back = used > b->room_was ? used : b->room_was;
	if (room_set(back) < 0) {
		log_warn("unable to put back the size limit of rootfs: %s", strerror(errno));
		return;
	}
	if (used > b->room_was)
		log_info("rootfs: size limit %llu KB, what the images left in it (the kernel's: %llu KB)",
			 (unsigned long long)((back + 1023) / 1024), (unsigned long long)(b->room_was / 1024));
	else
		log_info("rootfs: size limit back to %llu KB (%llu KB for the unpack)",
			 (unsigned long long)((back + 1023) / 1024), (unsigned long long)((b->room_raised + 1023) / 1024));
	b->room_was = 0;
}
