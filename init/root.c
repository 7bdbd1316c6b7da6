/* root.c: mount the root root= names, as the kernel's prepare_namespace()
 * does: rootdelay=, then wait (rootwait[=N]), then the types of
 * rootfstype= in turn, or the probed type, or every block filesystem of
 * /proc/filesystems; ro/rw, rootflags= as data.  root=tmpfs: a fresh tmpfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>

#include "../blkdev/blockdev.h"
#include "../blkdev/probe.h"
#include "../lib/clock.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "../lib/str.h"
#include "boot.h"

/* without rootwait, the kernel gives up when probing is done; popinit
 * cannot see that from userspace and waits this long for the device */
#define ROOT_SETTLE_MS 5000

static int
try_mount(const char *dev, const char *dir, const char *type, unsigned long flags, const char *data)
{
	if (mount(dev, dir, type, flags, data) == 0) {
		log_info("mounted %s (%s%s) on %s", dev, type, flags & MS_RDONLY ? ", ro" : "", dir);
		return 0;
	}
	return -errno;
}

/* a failure of the root: fatal, unless another slot may follow */
#define root_fail(b, ...) log_msg((b)->root_may_fail ? LOG_WARN : LOG_FATAL, __VA_ARGS__)

/* the device root= names, after rootdelay=, waited for as rootwait says;
 * 0 or -1 (logged) */
static int
wait_root(const struct boot *b, struct blockdev *bd)
{
	const struct boot_opts *o = &b->o;

	if (o->rootdelay > 0) {
		log_info("rootdelay: waiting %d s", o->rootdelay);
		struct timespec ts = { o->rootdelay, 0 };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	int timeout = !o->rootwait ? ROOT_SETTLE_MS : o->rootwait_secs < 0 ? -1 : o->rootwait_secs * 1000;
	uint64_t t0 = clock_ms();
	int r = blockdev_wait(o->root, timeout, bd);
	if (r == -EINVAL) {
		log_fatal("root=%s: not a device popinit can look for", o->root);
		return -1;
	}
	if (r < 0) {
		root_fail(b, "root device %s not found after %llu ms%s", o->root, (unsigned long long)(clock_ms() - t0),
			  o->rootwait ? "" : " (add rootwait to wait longer)");
		return -1;
	}
	log_info("root device %s is %s, after %llu ms", o->root, bd->path, (unsigned long long)(clock_ms() - t0));
	return 0;
}

/* the types to try, a comma list in TYPES: rootfstype=, else the one the
 * device's superblock names, else every block filesystem the kernel has */
static void
root_types(const struct boot_opts *o, const struct blockdev *bd, char *types, size_t size)
{
	const char *probed = bd->fstype;

	if (!o->rootfstype && !probed) {
		struct probe_fs pf;
		int fd = open(bd->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0) {
			if (probe_fs(fd, &pf) == 0)
				probed = pf.type;
			(void)io_close(fd);
		}
	}
	if (o->rootfstype || probed) {
		snprintf(types, size, "%s", o->rootfstype ? o->rootfstype : probed);
		return;
	}
	/* as the kernel does */
	types[0] = '\0';
	char line[128];
	FILE *f = fopen("/proc/filesystems", "re");
	size_t n = 0;
	while (f && fgets(line, sizeof line, f)) {
		if (!strncmp(line, "nodev", 5))
			continue;
		char *t = line;
		while (*t == ' ' || *t == '\t')
			t++;
		t[strcspn(t, "\n")] = '\0';
		n += (size_t)snprintf(types + n, size - n, "%s%s", n ? "," : "", t);
		if (n >= size)
			break;
	}
	if (f)
		fclose(f);
}

/* ext4 also mounts ext2 and ext3, and Debian's kernel has no ext2 */
static const char *
fallback_type(const char *type)
{
	return !strcmp(type, "ext2") || !strcmp(type, "ext3") ? "ext4" : NULL;
}

/* mount BD as TYPE, its module loaded first (a filesystem is a module,
 * as everything is on Debian), or as its fallback type; 0 or -errno of
 * TYPE's mount */
static int
mount_as(struct boot *b, const struct blockdev *bd, const char *type, unsigned long flags)
{
	const char *alt = fallback_type(type);
	char alias[64];

	if (str_printf(alias, sizeof alias, "fs-%s", type) > 0 && boot_module(b, alias) == -ENOENT && alt &&
	    str_printf(alias, sizeof alias, "fs-%s", alt) > 0)
		(void)boot_module(b, alias);
	int r = try_mount(bd->path, BOOT_NEWROOT, type, flags, b->o.rootflags);
	if (r == -ENODEV && alt && !try_mount(bd->path, BOOT_NEWROOT, alt, flags, b->o.rootflags))
		return 0;
	return r;
}

int
boot_mount_root(struct boot *b)
{
	const struct boot_opts *o = &b->o;
	unsigned long flags = o->ro ? MS_RDONLY : 0;
	struct blockdev bd;
	char types[512];

	(void)mkdir(BOOT_NEWROOT, 0700);
	if (o->root_tmpfs) {
		if (mount("tmpfs", BOOT_NEWROOT, "tmpfs", 0, o->rootflags ? o->rootflags : "mode=0755") < 0) {
			log_fatal("unable to mount a tmpfs on %s: %s", BOOT_NEWROOT, strerror(errno));
			return -1;
		}
		b->root_mounted = true;
		return 0;
	}
	if (wait_root(b, &bd) < 0)
		return -1;
	root_types(o, &bd, types, sizeof types);
	int last = -ENODEV;
	for (char *s = types, *t; (t = str_item(&s, ','));) {
		last = mount_as(b, &bd, t, flags);
		if (!last) {
			b->root_mounted = true;
			return 0;
		}
	}
	root_fail(b, "unable to mount root %s (%s) as %s: %s", o->root, bd.path,
		  o->rootfstype ? o->rootfstype : "any known type", strerror(-last));
	return -1;
}
