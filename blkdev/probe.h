/* probe.h: what a block device holds, read from its first bytes the way
 * blkid reads it, without udev or libblkid.
 *
 *   filesystem  where                magic           UUID / label
 *   ext2/3/4    1024                 ef53 at +56     +104 (16) / +120 (16)
 *   xfs         0                    "XFSB"          +32 (16) / +108 (12)
 *   btrfs       65536                "_BHRfS_M" +64  +32 (16) / +299 (256)
 *   vfat        0                    55 aa at 510    vol id +67|+39 (4) / +71|+43 (11)
 *   erofs       1024                 e2e1f5e0        +48 (16) / +64 (16)
 *   squashfs    0                    "hsqs"          none
 *
 * Partition tables: MBR (disk signature at 440, entries at 446, logical
 * partitions in extended ones) and GPT (header at LBA 1, "EFI PART").
 */
#ifndef POPINIT_PROBE_H
#define POPINIT_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct probe_fs {
	const char *type;	/* "ext4", ... or NULL: not recognised */
	char uuid[40];		/* as blkid prints it, "" if none */
	char label[260];
};

/* probe_fs: identify the filesystem on the open block device FD (or a
 * file holding an image).  0, or a negative errno if it cannot be read. */
int probe_fs(int fd, struct probe_fs *out);

struct probe_part {
	char uuid[40];		/* GPT unique GUID, or MBR "ssssssss-pp" */
	char label[80];		/* GPT name (UTF-8), "" for MBR */
	uint64_t start, sectors;	/* in 512-byte sectors */
};

/* probe_part: entry NUMBER (1-based) of the partition table of the open
 * disk FD.  0, -ENOENT if there is no such partition, -errno. */
int probe_part(int fd, unsigned number, unsigned sector_size, struct probe_part *out);

/* probe_utf16: a GPT name, UNITS UTF-16LE units (up to a NUL), as UTF-8
 * in OUT (SIZE bytes, always terminated) */
void probe_utf16(char *out, size_t size, const uint8_t *in, size_t units);

#endif
