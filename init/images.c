/* images.c: find the additional images and unpack them.
 *
 * First every regular file in /initramfs.d/, in name order; then each
 * popinit.image= spec: a path in rootfs, or a block device (a raw
 * partition holding an image: the A/B-slot firmware case).  Each image is
 * unpacked as the kernel unpacks its initrd; an image file of rootfs is
 * removed once consumed, to give its RAM back, as the kernel frees its
 * initrd.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/io.h"
#include "../lib/log.h"
#include "../unpack/unpack.h"
#include "blockdev.h"
#include "boot.h"
#include "cmd.h"

#define IMAGES_DIR "/initramfs.d"

static int
unpack_one(struct unpacker *u, const char *label, const char *path, bool remove, struct image_stats *st)
{
	struct unpack_result res;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		log_fatal("unable to open image %s: %s", label, strerror(errno));
		return -1;
	}
	uint64_t t0 = boot_time_ms();
	int r = unpacker_run(u, fd, &res);
	(void)io_close(fd);
	if (r < 0) {
		(void)cmd_report(label, &res);
		return -1;
	}
	st->images++;
	st->bytes += res.bytes_in;
	log_debug("unpacked %s: %llu bytes in %llu ms", label, (unsigned long long)res.bytes_in,
		  (unsigned long long)(boot_time_ms() - t0));
	if (remove && unlink(path) < 0)
		log_warn("unable to remove the consumed image %s: %s", path, strerror(errno));
	return 0;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int
boot_images(const struct boot_opts *o, const char *root, bool devices, struct image_stats *st)
{
	struct dirent **names = NULL;
	int n = 0, r = 0, err;
	const char *what;

	if (!devices) {
		n = scandir(IMAGES_DIR, &names, NULL, by_name);
		if (n < 0) {
			if (errno != ENOENT)
				log_warn("unable to read %s: %s", IMAGES_DIR, strerror(errno));
			n = 0;
		}
	}
	bool any = n > 0;
	for (int i = 0; i < o->n_images; i++)
		if (blockdev_is_spec(o->images[i]) == devices)
			any = true;
	if (!any) {
		free(names);
		return 0;
	}
	struct unpacker *u = unpacker_new(root, &err, &what);
	if (!u) {
		log_fatal("unable to %s %s: %s", what, root, strerror(-err));
		r = -1;
	}
	for (int i = 0; i < n; i++) {
		char path[sizeof IMAGES_DIR + 256];
		struct stat sb;
		snprintf(path, sizeof path, "%s/%s", IMAGES_DIR, names[i]->d_name);
		if (!r && names[i]->d_name[0] != '.' && stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
			r = unpack_one(u, path, path, true, st);
		free(names[i]);
	}
	free(names);
	for (int i = 0; !r && i < o->n_images; i++) {
		const char *spec = o->images[i];
		if (blockdev_is_spec(spec) != devices)
			continue;
		if (!devices) {
			r = unpack_one(u, spec, spec, true, st);
			continue;
		}
		struct blockdev bd;
		int timeout = o->rootwait ? (o->rootwait_secs < 0 ? -1 : o->rootwait_secs * 1000) : 0;
		int e = blockdev_wait(spec, timeout, &bd);
		if (e < 0) {
			log_fatal("image %s: %s", spec, e == -ETIMEDOUT || e == -ENOENT ?
				  "no such block device (rootwait waits for it)" : strerror(-e));
			r = -1;
			break;
		}
		r = unpack_one(u, spec, bd.path, false, st);
	}
	if (u) {
		st->files = unpacker_stats(u)->files;
		unpacker_free(u);	/* joins the writer: every file is closed */
	}
	return r;
}
