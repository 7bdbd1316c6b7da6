/* rootdev.c: the root's block device when popinit makes it.
 *
 *   popinit.root-image=PATH   root= names the host file system: mounted
 *                             on BOOT_HOST (read-only unless rw), PATH in
 *                             it on a loop device is the root
 *   roothash=HEX, or a root   dm-verity: the device "root" (/dev/mapper/
 *   hash signed in an image   root) over systemd.verity_root_data= and
 *                             systemd.verity_root_hash= (device specs; with
 *                             a root image, the data defaults to the image
 *                             and the hash may be a file on the host), by
 *                             default the partitions whose PARTUUIDs are
 *                             the root hash's first and last 128 bits (as
 *                             systemd-veritysetup-generator derives them)
 *
 * The table comes from the hash device's superblock (blkdev/verity.h);
 * systemd.verity_root_options= adds the kernel's options.  A root hash
 * signed in an image's manifest binds the root: a roothash= that differs
 * is refused, as is a root= that is not the verity device, and the options
 * that let changed data through are left out.  Block 0 is read through
 * the new device before anything else: the kernel verifies it up to the
 * root hash, so a wrong hash or mismatched devices are refused with a
 * clear message; afterwards it verifies every block on every read (a
 * changed block reads as EIO, never as data).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../blkdev/blockdev.h"
#include "../blkdev/dm.h"
#include "../blkdev/loop.h"
#include "../blkdev/verity.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "../lib/str.h"
#include "boot.h"

/* FILE of the host file system on a loop device, into BD */
static int
loop_file(const struct boot *b, const char *file, struct blockdev *bd)
{
	char path[4096];

	int r = str_printf(path, sizeof path, BOOT_HOST "%s", file);
	if (r >= 0)
		r = loop_attach(path, !b->o.ro, bd->path, sizeof bd->path, &bd->dev);
	if (r < 0) {
		root_fail(b, "unable to put %s of %s on a loop device: %s", file, b->o.root, strerror(-r));
		return -1;
	}
	bd->fstype = NULL;
	log_info("%s is on %s", file, bd->path);
	return 0;
}

/* the verity data or hash device: SPEC, a file of the host with a root
 * image, or the partition whose PARTUUID is 16 bytes of the root hash
 * (HALF 0: its first, 1: its last), as systemd derives them */
static int
verity_dev(struct boot *b, const char *what, const char *spec, const char *root, int half, struct blockdev *bd)
{
	char uuid[48];
	size_t n = strlen(root);

	if (spec && b->o.root_image && !blockdev_is_spec(spec))
		return loop_file(b, spec, bd);
	if (!spec) {
		const char *h = root + (half && n > 32 ? n - 32 : 0);
		snprintf(uuid, sizeof uuid, "PARTUUID=%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
		spec = uuid;
	}
	return boot_wait(b, what, spec, bd);
}

/* LEN bytes at the start of the device PATH into BUF; 0 or -errno */
static int
read_start(const char *path, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int r = fd < 0 ? -errno : io_pread_full(fd, buf, len, 0);

	if (fd >= 0)
		(void)io_close(fd);
	return r;
}

/* the superblock of HASH, the table, the device; then its first block
 * read through it */
static int
verity_root(struct boot *b, const char *root, const struct blockdev *data, const struct blockdev *hash,
	    struct blockdev *bd)
{
	static uint8_t buf[65536];	/* a superblock, a data block */
	static char table[VERITY_TABLE_MAX];
	struct verity_sb sb;
	char opts[256];
	const char *why = "its superblock";
	uint64_t sectors;
	int r;

	if ((r = read_start(hash->path, buf, VERITY_SB_SIZE)) < 0 ||
	    (r = verity_sb_parse(buf, VERITY_SB_SIZE, &sb, &why)) < 0)
		goto refused;
	why = "systemd.verity_root_options: not a list of words";
	if ((r = verity_opts(b->o.verity_options ? b->o.verity_options : "", b->roothash[0], opts, sizeof opts)) < 0)
		goto refused;
	if (r)
		log_warn("systemd.verity_root_options: %d weakening option(s) left out: the root hash is signed", r);
	if ((r = verity_table(&sb, data->path, hash->path, root, opts, table, sizeof table, &sectors, &why)) < 0)
		goto refused;
	(void)boot_module(b, "dm-verity");
	if ((r = dm_create("root", "verity", sectors, table, &bd->dev, &why)) < 0)
		goto refused;
	snprintf(bd->path, sizeof bd->path, "/dev/dm-%u", minor(bd->dev));
	snprintf(opts, sizeof opts, "..%s", bd->path + 4);
	(void)symlink(opts, "/dev/mapper/root");	/* ../dm-0, as udev makes it */
	bd->fstype = NULL;
	why = "block 0 does not verify: a wrong root hash, or data and hash devices that do not match";
	if ((r = read_start(bd->path, buf, sb.data_block_size)) < 0)
		goto refused;
	log_info("/dev/mapper/root is %s: dm-verity, data %s, hash %s, %s root hash %.16s", bd->path, data->path,
		 hash->path, b->roothash[0] ? "signed" : "given", root);
	return 0;
refused:
	root_fail(b, "verity root (data %s, hash %s): refused: %s%s%s", data->path, hash->path, why,
		  r == -EINVAL ? "" : ": ", r == -EINVAL ? "" : strerror(-r));
	return -1;
}

int
boot_root_device(struct boot *b, struct blockdev *bd)
{
	const struct boot_opts *o = &b->o;
	const char *root = o->roothash;
	struct blockdev data, hash;

	if (b->roothash[0]) {
		if (root && strcasecmp(root, b->roothash)) {
			root_fail(b, "roothash=%s: refused: %s signs %s", root, b->roothash_from, b->roothash);
			return -1;
		}
		root = b->roothash;
	}
	if (!root && (o->verity_data || o->verity_hash)) {
		root_fail(b, "systemd.verity_root_data= or _hash= without roothash=");
		return -1;
	}
	if (root && !o->root_image && strcmp(o->root, "/dev/mapper/root")) {
		root_fail(b, "root=%s: refused: with a root hash the root is /dev/mapper/root", o->root);
		return -1;
	}
	if (o->root_image) {
		if (boot_wait(b, "root device", o->root, &data) < 0 ||
		    boot_mount_dev(b, "root image host", o->root, &data, BOOT_HOST, NULL, o->ro ? MS_RDONLY : 0,
				   NULL) < 0)
			return -1;
		(void)boot_module(b, "loop");
		if (loop_file(b, o->root_image, &data) < 0)
			return -1;
		*bd = data;
		if (!root)
			return 0;
	} else if (!root) {
		return boot_wait(b, "root device", o->root, bd);
	}
	if (((!o->root_image || o->verity_data) &&
	     verity_dev(b, "verity data device", o->verity_data, root, 0, &data) < 0) ||
	    verity_dev(b, "verity hash device", o->verity_hash, root, 1, &hash) < 0)
		return -1;
	return verity_root(b, root, &data, &hash, bd);
}
