/* loop.h: a file as a block device, without losetup.
 *
 * A free loop device from /dev/loop-control (LOOP_CTL_GET_FREE), then
 * LOOP_CONFIGURE (Linux 5.8+) or, where the kernel does not know it,
 * LOOP_SET_FD and LOOP_SET_STATUS64.  The numbers are the kernel's plain
 * 0x4Cxx (no _IOC encoding) and the structures have the same layout on
 * every architecture (every u64 8-aligned), so nothing here depends on
 * the target.  The device stays bound (no LO_FLAGS_AUTOCLEAR, which would
 * detach it when popinit closes it, before its user opens it), as a root
 * file system's does until shutdown.
 */
#ifndef POPINIT_LOOP_H
#define POPINIT_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* loop_attach: FILE on a free loop device, read-only unless RW; its node
 * in PATH, its number in *DEV.  0 or -errno. */
int loop_attach(const char *file, bool rw, char *path, size_t size, dev_t *dev);

#endif
