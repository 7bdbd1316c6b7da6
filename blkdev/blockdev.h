/* blockdev.h: find a block device by a root=-style spec, from sysfs and
 * the devices' own contents, and wait for it to appear.
 *
 *   /dev/NAME             the kernel's name of the device (sysfs name)
 *   MAJ:MIN               decimal
 *   HHHH                  the kernel's hex form (new_decode_dev)
 *   UUID=, LABEL=         the filesystem's (probe.h)
 *   PARTUUID=             GPT unique GUID or MBR SSSSSSSS-PP, optionally
 *                         followed by /PARTNROFF=N (the kernel's form)
 *   PARTLABEL=            GPT partition name
 *
 * Waiting is event-driven: a kernel uevent netlink socket is opened
 * before the first scan, and each block device event triggers a rescan.
 */
#ifndef POPINIT_BLOCKDEV_H
#define POPINIT_BLOCKDEV_H

#include <stdbool.h>
#include <sys/types.h>

struct blockdev {
	char name[256];		/* sysfs name, e.g. "vda1" */
	char path[300];		/* its node, e.g. "/dev/vda1" */
	dev_t dev;
	const char *fstype;	/* probed, or NULL */
};

/* blockdev_find: look once.  0 found, -ENOENT not (yet) there, -EINVAL
 * a spec popinit cannot read, other -errno. */
int blockdev_find(const char *spec, struct blockdev *out);

/* blockdev_wait: look until found or TIMEOUT_MS passes (-1: forever).
 * Same returns; -ETIMEDOUT when the time ran out. */
int blockdev_wait(const char *spec, int timeout_ms, struct blockdev *out);

/* blockdev_wait_for: the same wait for LOOK(CTX): again at each block
 * event while it returns -ENOENT; its other returns, or -ETIMEDOUT. */
int blockdev_wait_for(int timeout_ms, int (*look)(void *ctx), void *ctx);

/* blockdev_disks: EACH(CTX, DISK) for every whole disk there is now that
 * holds something (sysfs size not 0), until one returns non-zero: that
 * return, or 0. */
int blockdev_disks(int (*each)(void *ctx, const struct blockdev *disk), void *ctx);

/* blockdev_partition: partition PART (its number) of DISK (a sysfs name)
 * into OUT; 0 or -ENOENT */
int blockdev_partition(const char *disk, unsigned part, struct blockdev *out);

/* blockdev_is_spec: true if SPEC names a block device rather than a path
 * in rootfs ("/dev/..." counts as a device) */
bool blockdev_is_spec(const char *spec);

#endif
