/* fuzz_probe.c: libFuzzer target for the superblock probes and the
 * partition-table readers (blkdev/probe.c), which read whatever a block
 * device holds, before anything is mounted.
 *
 *   input := ctl  device-bytes
 *
 * The device is a memfd holding the bytes (btrfs's superblock at 64 KiB
 * is within max_len).  probe_fs, then probe_part for entries 1 to 8 and
 * entry 5 + (ctl >> 1) (a deep logical partition), sector size 4096 when
 * ctl bit 0 is set, else 512.  Checked: returns are 0 or a negative
 * errno, every string is NUL-terminated within its field, a recognised
 * type is one of the known names.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../blkdev/probe.h"

/* fuzz-options: -max_len=69633 (btrfs's superblock is at 64 KiB) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fd = -1;

static void
terminated(const char *s, size_t size, const char *what)
{
	if (!memchr(s, 0, size)) {
		fprintf(stderr, "fuzz_probe: %s not terminated\n", what);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = { "ext2", "ext3", "ext4", "xfs", "btrfs", "vfat", "erofs", "squashfs" };

	if (size < 1)
		return 0;
	if (fd < 0 && (fd = memfd_create("fuzz_probe", MFD_CLOEXEC)) < 0)
		abort();
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data + 1, size - 1, 0) != (ssize_t)(size - 1))
		abort();
	unsigned ss = data[0] & 1 ? 4096 : 512;

	struct probe_fs f;
	memset(&f, 0xa5, sizeof f);
	int r = probe_fs(fd, &f);
	if (r > 0 || r < -4095)
		abort();
	if (r == 0 && f.type) {
		size_t i = 0;
		while (i < sizeof types / sizeof *types && strcmp(f.type, types[i]))
			i++;
		if (i == sizeof types / sizeof *types) {
			fprintf(stderr, "fuzz_probe: unknown type %s\n", f.type);
			abort();
		}
		terminated(f.uuid, sizeof f.uuid, "uuid");
		terminated(f.label, sizeof f.label, "label");
	}
	for (unsigned n = 1; n <= 9; n++) {
		struct probe_part p;
		unsigned number = n <= 8 ? n : 5 + (data[0] >> 1);
		memset(&p, 0xa5, sizeof p);
		r = probe_part(fd, number, ss, &p);
		if (r > 0 || r < -4095)
			abort();
		if (r == 0) {
			terminated(p.uuid, sizeof p.uuid, "partition uuid");
			terminated(p.label, sizeof p.label, "partition label");
		}
	}
	return 0;
}
