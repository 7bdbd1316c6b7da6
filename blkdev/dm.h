/* dm.h: a device-mapper device, made the way libdevmapper makes one but
 * with three ioctls on /dev/mapper/control and no library:
 *
 *   DM_DEV_CREATE    the device NAME: /dev/dm-N, N its minor
 *   DM_TABLE_LOAD    one target, TYPE PARAMS over SECTORS, read-only
 *   DM_DEV_SUSPEND   without DM_SUSPEND_FLAG: resume, the table goes live
 *
 * struct dm_ioctl is 312 bytes on every architecture (its one u64 at
 * offset 40, the data after it at 312, 8-aligned); the ioctl numbers are
 * _IOWR(0xfd, CMD, struct dm_ioctl) as the target's <sys/ioctl.h>
 * computes them (0xc138fd03 for DM_DEV_CREATE on x86_64, another value
 * on the architectures whose _IOC layout differs).
 */
#ifndef POPINIT_DM_H
#define POPINIT_DM_H

#include <stdint.h>
#include <sys/types.h>

/* dm_create: the device NAME (NAME and TYPE short: the caller's
 * constants; PARAMS under 1024 bytes), its table loaded and live; *DEV its
 * number.
 * 0, or -errno with *WHY the step that failed (the device is removed
 * again when a later step fails). */
int dm_create(const char *name, const char *type, uint64_t sectors, const char *params, dev_t *dev,
	      const char **why);

#endif
