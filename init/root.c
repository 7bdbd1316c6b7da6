/* root.c: mount the root root= names, as the kernel's prepare_namespace()
 * does: rootdelay=, then wait (rootwait[=N]), then the types of
 * rootfstype= in turn, or the probed type, or every block filesystem of
 * /proc/filesystems; ro/rw, rootflags= as data.  root=tmpfs: a fresh tmpfs.
 * root=TAG with rootfstype=9p or virtiofs: no block device, the tag is the
 * source.  The device itself may be one popinit builds (rootdev.c: a
 * root image file on a loop device, dm-verity).
 *
 * systemd.volatile=overlay or popinit.overlay=SPEC: the root is mounted
 * read-only on BOOT_LOWER and an overlay is the new root, its upper and
 * work directories on a tmpfs (volatile) or on SPEC's file system, mounted
 * on BOOT_UPPER; both stay under the new root's /run.
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

int
boot_wait(const struct boot *b, const char *what, const char *spec, struct blockdev *bd)
{
	const struct boot_opts *o = &b->o;
	int timeout = !o->rootwait ? ROOT_SETTLE_MS : o->rootwait_secs < 0 ? -1 : o->rootwait_secs * 1000;
	uint64_t t0 = clock_ms();
	int r = blockdev_wait(spec, timeout, bd);
	if (r == -EINVAL) {
		root_fail(b, "%s %s: not a device popinit can look for", what, spec);
		return -1;
	}
	if (r < 0) {
		root_fail(b, "%s %s not found after %llu ms%s", what, spec, (unsigned long long)(clock_ms() - t0),
			  o->rootwait ? "" : " (add rootwait to wait longer)");
		return -1;
	}
	log_info("%s %s is %s, after %llu ms", what, spec, bd->path, (unsigned long long)(clock_ms() - t0));
	return 0;
}

/* the types to try, a comma list in TYPES: rootfstype=, else the one the
 * device's superblock names, else every block filesystem the kernel has */
static void
root_types(const char *fstype, const struct blockdev *bd, char *types, size_t size)
{
	const char *probed = bd->fstype;

	if (!fstype && !probed) {
		struct probe_fs pf;
		int fd = open(bd->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0) {
			if (probe_fs(fd, &pf) == 0)
				probed = pf.type;
			(void)io_close(fd);
		}
	}
	if (fstype || probed) {
		snprintf(types, size, "%s", fstype ? fstype : probed);
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

/* the module of file system TYPE (a filesystem is a module, as
 * everything is on Debian), or of its fallback when TYPE has none */
static void
fs_module(struct boot *b, const char *type)
{
	const char *alt = fallback_type(type);
	char alias[64];

	if (str_printf(alias, sizeof alias, "fs-%s", type) > 0 && boot_module(b, alias) == -ENOENT && alt &&
	    str_printf(alias, sizeof alias, "fs-%s", alt) > 0)
		(void)boot_module(b, alias);
}

int
boot_mount_dev(struct boot *b, const char *what, const char *spec, const struct blockdev *bd, const char *dir,
	       const char *fstype, unsigned long flags, const char *data)
{
	char types[512];
	int last = -ENODEV;

	(void)mkdir(dir, 0700);
	root_types(fstype, bd, types, sizeof types);
	for (char *s = types, *t; (t = str_item(&s, ','));) {
		const char *alt = fallback_type(t);
		fs_module(b, t);
		last = try_mount(bd->path, dir, t, flags, data);
		if (last == -ENODEV && alt && !try_mount(bd->path, dir, alt, flags, data))
			last = 0;
		if (!last)
			return 0;
	}
	root_fail(b, "unable to mount %s %s (%s) as %s: %s", what, spec, bd->path, fstype ? fstype : "any known type",
		  strerror(-last));
	return -1;
}

/* a tmpfs on DIR; 0 or -1 (logged) */
static int
tmpfs(const char *dir, const char *data)
{
	if (mount("tmpfs", dir, "tmpfs", 0, data) == 0)
		return 0;
	log_fatal("unable to mount a tmpfs on %s: %s", dir, strerror(errno));
	return -1;
}

/* the overlay: the root, read-only on BOOT_LOWER, under an upper layer
 * on BOOT_UPPER (a tmpfs, or popinit.overlay='s file system, read-write) */
static int
mount_overlay(struct boot *b)
{
	const struct boot_opts *o = &b->o;
	struct blockdev bd;

	(void)mkdir(BOOT_UPPER, 0755);
	if (o->overlay ? boot_wait(b, "overlay device", o->overlay, &bd) < 0 ||
			 boot_mount_dev(b, "overlay", o->overlay, &bd, BOOT_UPPER, NULL, 0, NULL) < 0
		       : tmpfs(BOOT_UPPER, "mode=0755") < 0)
		return -1;
	(void)mkdir(BOOT_UPPER "/upper", 0755);
	(void)mkdir(BOOT_UPPER "/work", 0755);
	fs_module(b, "overlay");
	int r = try_mount("overlay", BOOT_NEWROOT, "overlay", 0,
			  "lowerdir=" BOOT_LOWER ",upperdir=" BOOT_UPPER "/upper,workdir=" BOOT_UPPER "/work");
	if (r < 0)
		root_fail(b, "unable to mount the overlay on %s: %s", BOOT_NEWROOT, strerror(-r));
	return r;
}

int
boot_mount_root(struct boot *b)
{
	const struct boot_opts *o = &b->o;
	unsigned long flags = o->ro ? MS_RDONLY : 0;
	bool overlay = o->overlay || (o->volatile_mode && !strcmp(o->volatile_mode, "overlay"));
	struct blockdev bd = { .path = "" };
	int r;

	(void)mkdir(BOOT_NEWROOT, 0700);
	(void)mkdir(BOOT_LAYERS, 0755);
	if (o->root_tmpfs) {
		if (tmpfs(BOOT_NEWROOT, o->rootflags ? o->rootflags : "mode=0755") < 0)
			return -1;
		b->root_mounted = true;
		return 0;
	}
	if (o->rootdelay > 0) {
		log_info("rootdelay: waiting %d s", o->rootdelay);
		struct timespec ts = { o->rootdelay, 0 };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	/* root=TAG rootfstype=9p or virtiofs: the tag is the source, no
	 * block device; coldplug loaded the transport (the virtio device).
	 * Not with a root hash: boot_root_device() refuses that */
	if (o->rootfstype && !o->roothash && !b->roothash[0] &&
	    (!strcmp(o->rootfstype, "9p") || !strcmp(o->rootfstype, "virtiofs"))) {
		snprintf(bd.path, sizeof bd.path, "%s", o->root);
		r = 0;
	} else {
		r = boot_root_device(b, &bd);
	}
	if (!r)
		r = boot_mount_dev(b, "root", o->root, &bd, overlay ? BOOT_LOWER : BOOT_NEWROOT, o->rootfstype,
				   overlay ? MS_RDONLY : flags, o->rootflags);
	if (r < 0 || (overlay && mount_overlay(b) < 0))
		return -1;
	b->root_mounted = true;
	return 0;
}
