/* root.c: mount the root device root= names, as the kernel's
 * prepare_namespace() does: rootdelay=, then wait (rootwait[=N]), then
 * the types of rootfstype= in turn, or the probed type, or every block
 * filesystem of /proc/filesystems; ro/rw, rootflags= as data.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/io.h"
#include "../lib/log.h"
#include "../lib/str.h"
#include "../blkdev/blockdev.h"
#include "boot.h"
#include "../blkdev/probe.h"

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
boot_mount_root(const struct boot_opts *o, const char *dir)
{
	unsigned long flags = o->ro ? MS_RDONLY : 0;
	struct blockdev bd;

	(void)mkdir(dir, 0700);
	if (!strcmp(o->root, "tmpfs")) {
		if (mount("tmpfs", dir, "tmpfs", 0, o->rootflags ? o->rootflags : "mode=0755") < 0) {
			log_fatal("unable to mount a tmpfs on %s: %s", dir, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (o->rootdelay > 0) {
		log_info("rootdelay: waiting %d s", o->rootdelay);
		struct timespec ts = { o->rootdelay, 0 };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	int timeout = !o->rootwait ? ROOT_SETTLE_MS : o->rootwait_secs < 0 ? -1 : o->rootwait_secs * 1000;
	uint64_t t0 = boot_time_ms();
	int r = blockdev_wait(o->root, timeout, &bd);
	if (r == -EINVAL) {
		log_fatal("root=%s: not a device popinit can look for", o->root);
		return -1;
	}
	if (r < 0) {
		log_fatal("root device %s not found after %llu ms%s", o->root,
			  (unsigned long long)(boot_time_ms() - t0),
			  o->rootwait ? "" : " (add rootwait to wait longer)");
		return -1;
	}
	log_info("root device %s is %s, after %llu ms", o->root, bd.path,
		 (unsigned long long)(boot_time_ms() - t0));

	char types[512];
	const char *probed = bd.fstype;
	if (!o->rootfstype && !probed) {
		struct probe_fs pf;
		int fd = open(bd.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0) {
			if (probe_fs(fd, &pf) == 0)
				probed = pf.type;
			(void)io_close(fd);
		}
	}
	if (o->rootfstype) {
		snprintf(types, sizeof types, "%s", o->rootfstype);
	} else if (probed) {
		snprintf(types, sizeof types, "%s", probed);
	} else {
		/* every block filesystem the kernel has, as the kernel does */
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
			n += (size_t)snprintf(types + n, sizeof types - n, "%s%s", n ? "," : "", t);
			if (n >= sizeof types)
				break;
		}
		if (f)
			fclose(f);
	}
	int last = -ENODEV;
	char *save = NULL;
	for (char *t = strtok_r(types, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		/* the filesystem is a module, as everything is on Debian */
		char alias[64];
		if (str_printf(alias, sizeof alias, "fs-%s", t) > 0 && boot_module(alias) == -ENOENT &&
		    (!strcmp(t, "ext2") || !strcmp(t, "ext3")))
			(void)boot_module("fs-ext4");
		last = try_mount(bd.path, dir, t, flags, o->rootflags);
		if (!last)
			return 0;
		/* ext4 also mounts ext2 and ext3 (Debian's kernel has no ext2) */
		if (last == -ENODEV && (!strcmp(t, "ext2") || !strcmp(t, "ext3")) &&
		    !try_mount(bd.path, dir, "ext4", flags, o->rootflags))
			return 0;
	}
	log_fatal("unable to mount root %s (%s) as %s: %s", o->root, bd.path,
		  o->rootfstype ? o->rootfstype : "any known type", strerror(-last));
	return -1;
}
