/* images.c: find the additional images and unpack them.
 *
 * First every regular file in /initramfs.d/, in name order; then each
 * popinit.image= spec: a path in rootfs, or a block device (a raw
 * partition holding an image: the A/B-slot firmware case).  Each image is
 * unpacked as the kernel unpacks its initrd; an image file of rootfs is
 * removed once consumed, to give its RAM back, as the kernel frees its
 * initrd.
 *
 * With a trusted key (or popinit.verify=required), every image must be a
 * signed image (verify/sig.h) that verifies for its role before a byte of
 * it is decoded; a refused image is not unpacked at all, and the failure
 * policy runs.  The role: the file's name in /initramfs.d without its codec
 * suffix and a ".cpio" or ".img" (10-main.cpio.gz: "10-main"), or the NAME
 * of popinit.image=NAME:SPEC, else the spec's last path component or
 * label (/dev/vdb: "vdb", PARTLABEL=fw-a: "fw-a").
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../blkdev/blockdev.h"
#include "../lib/clock.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "../unpack/unpack.h"
#include "../verify/sigimage.h"
#include "boot.h"
#include "trust.h"

#define IMAGES_DIR "/initramfs.d"

/* split_spec: "NAME:SPEC" (the colon before any '/' or '='): NAME to
 * OUT, SPEC returned; else SPEC, and OUT from role() */
static const char *
split_spec(const char *spec, char *out, size_t size)
{
	size_t n = strcspn(spec, ":/=");

	if (spec[n] == ':' && n < size) {
		memcpy(out, spec, n);
		out[n] = 0;
		return spec + n + 1;
	}
	trust_role(spec, out, size);
	return spec;
}

static unsigned long long
ms(uint64_t ns)
{
	return (unsigned long long)((ns + 500000) / 1000000);
}

/* open_verified: FD's verified payload: with SEAL a sealed memfd, else 0
 * (the payload is the first *SIZE bytes of FD); -1 when refused (logged) */
static int
open_verified(struct boot *b, int fd, const char *label, const char *name, bool seal, uint64_t *size)
{
	static struct sig_image si;

	if (!sig_name_ok(name, strlen(name))) {
		log_fatal("%s: refused: no role name to check its signature against (popinit.image=NAME:...)",
			  label);
		return -1;
	}
	int m = trust_open_image(&b->trust, label, fd, name, seal, &si);
	if (m >= 0) {
		char id[17];
		sig_hex(si.tr.rec[si.used].keyid, 8, id);
		log_info("%s: verified \"%s\" version %llu, %s by key %s%s%s", label, si.m.name,
			 (unsigned long long)si.m.version, sig_alg_name(si.tr.rec[si.used].alg), id,
			 si.m.roothash[0] ? ", root hash " : "", si.m.roothash);
		*size = si.m.payload_size;
	}
	/* the root file system's hash, signed: two images may not disagree */
	if (m >= 0 && si.m.roothash[0]) {
		if (b->roothash[0] && strcmp(b->roothash, si.m.roothash)) {
			log_fatal("%s: refused: its root hash is not the one signed in %s", label, b->roothash_from);
			if (m > 0)	/* 0: verified in place, nothing opened */
				(void)io_close(m);
			m = -1;
		} else {
			memcpy(b->roothash, si.m.roothash, sizeof b->roothash);
			snprintf(b->roothash_from, sizeof b->roothash_from, "%s", label);
			if (!b->o.root)	/* it names the root, as roothash= does */
				b->o.root = "/dev/mapper/root";
		}
	}
	if (b->o.timing)
		log_info("timing %s: verify: trailer %llu ms, signature %llu ms, payload hashed (%s) %s %llu ms", label,
			 ms(si.ns_trailer), ms(si.ns_sig), si.sha384 ? "sha384" : "sha256",
			 seal ? si.direct ? "into a sealed copy read direct" : "into a sealed copy" : "in place", ms(si.ns_hash));
	sig_image_done(&si);
	return m < 0 ? -1 : m;
}

int
boot_report(const char *image, const struct unpack_result *res)
{
	int code = EXIT_OK;

	if (res->read_err) {
		log_fatal("%s: unable to read: %s (a read from offset %llu)", image, strerror(-res->read_err),
			  (unsigned long long)res->bytes_in);
		code = EXIT_TEMP;
	}
	if (res->err.msg) {
		const struct error *e = &res->err;
		char detail[ERROR_WHAT_MAX + 256];
		int n = 0;
		if (e->why)
			n += snprintf(detail + n, sizeof detail - n, "%s", e->why);
		if (e->what[0])
			n += snprintf(detail + n, sizeof detail - n, "%s%s", n ? ": " : "", e->what);
		if (e->err)
			n += snprintf(detail + n, sizeof detail - n, "%s%s", n ? ": " : "", strerror(-e->err));
		log_fatal("%s: %s%s%s%s%s%s", image, e->msg, n ? " (" : "", n ? detail : "", n ? ")" : "",
			  e->where[0] ? " at " : "", e->where);
		if (!code)
			code = e->err && e->err != -ENOSPC ? EXIT_TEMP : EXIT_USAGE;
	}
	if (res->late.msg) {
		/* the tree is the kernel's; popinit still says what is wrong */
		log_err("%s: %s%s%s at offset %llu (the kernel does not report this)", image,
			res->late.msg, res->late.what[0] ? ": " : "", res->late.what,
			(unsigned long long)res->late.offset);
		if (!code)
			code = EXIT_USAGE;
	}
	return code;
}

void
boot_timing(const char *image, const struct unpack_result *res)
{
	char line[512];
	int n = 0;
	const struct sink_stats *st = &res->stats;

	for (int i = 0; i < TM_PHASES; i++)
		if (res->reader.ns[i])
			n += snprintf(line + n, sizeof line - (size_t)n, " %s %llu", tm_names[i], ms(res->reader.ns[i]));
	/* one thread: the reader's clock has it all */
	if (res->writer.ns[TM_WRITE] + res->writer.ns[TM_META]) {
		n += snprintf(line + n, sizeof line - (size_t)n, "; writer");
		for (int i = 0; i < TM_PHASES; i++)
			if (res->writer.ns[i])
				n += snprintf(line + n, sizeof line - (size_t)n, " %s %llu", tm_names[i],
					      ms(res->writer.ns[i]));
	}
	log_info("timing %s: %llu bytes in %llu ms: %llu files, %llu dirs, %llu others, %llu bytes out; "
		 "ms: reader%s", image, (unsigned long long)res->bytes_in, ms(res->ns),
		 (unsigned long long)st->files, (unsigned long long)st->dirs,
		 (unsigned long long)(st->symlinks + st->nodes + st->links), (unsigned long long)st->bytes, line);
	n = 0;
	line[0] = 0;	/* no call made (an image refused before any entry) */
	for (int i = 0; i < SC_CALLS; i++)
		if (st->calls[i])
			n += snprintf(line + n, sizeof line - (size_t)n, " %s %u", sink_call_names[i], st->calls[i]);
	log_info("timing %s: calls: read %u%s%s; waits: reader %u, writer %u; RAM in use %llu MB, at most %llu MB; "
		 "%s, %llu MB given back as consumed", image, res->reads, n ? "," : "", line, res->rwaits, res->wwaits,
		 (unsigned long long)(res->mem_start >> 20), (unsigned long long)(res->mem_peak >> 20),
		 res->mapped ? "mapped" : res->direct ? "read direct" : res->filled ? "read in place" : "read",
		 (unsigned long long)(res->released >> 20));
}

static int
unpack_one(struct boot *b, struct unpacker *u, const char *label, const char *path, const char *name,
	   bool remove, struct image_stats *st)
{
	struct unpack_result res;
	/* a file consumed is punched as it is unpacked: open it for writing */
	int fd = remove ? open(path, O_RDWR | O_CLOEXEC | O_NOCTTY) : -1;

	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		log_fatal("unable to open image %s: %s", label, strerror(errno));
		return -1;
	}
	uint64_t t0 = clock_ms(), t0_us = clock_us(), size = 0;
	if (sig_trust_active(&b->trust)) {
		/* a file of rootfs is verified where it is, and its payload
		 * unpacked from there: between the two nothing can change it
		 * (popinit is the only process, and the kernel writes no
		 * file); a device's image is copied into a sealed memfd, which
		 * is what is hashed and unpacked */
		int m = open_verified(b, fd, label, name, !remove, &size);
		if (m < 0 || !remove)
			(void)io_close(fd);
		if (m < 0)
			return -1;
		if (!remove)
			fd = m;
	}
	int r = unpacker_run_part(u, fd, size, &res);
	(void)io_close(fd);
	if (b->o.timing)
		boot_timing(label, &res);
	if (r < 0) {
		(void)boot_report(label, &res);
		return -1;
	}
	st->images++;
	st->bytes += res.bytes_in;
	boot_time(b, "image", label, t0_us, clock_us(), 0);
	log_debug("unpacked %s: %llu bytes in %llu ms", label, (unsigned long long)res.bytes_in,
		  (unsigned long long)(clock_ms() - t0));
	if (remove && unlink(path) < 0)
		log_warn("unable to remove the consumed image %s: %s", path, strerror(errno));
	return 0;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* the regular files of /initramfs.d (NAMES, N of them, freed here), in
 * name order, each removed once consumed; -1 at the first that fails */
static int
unpack_dir(struct boot *b, struct unpacker *u, struct dirent **names, int n, int r,
	   struct image_stats *st)
{
	for (int i = 0; i < n; i++) {
		char path[sizeof IMAGES_DIR + 256], name[SIG_NAME_MAX + 1];
		struct stat sb;
		snprintf(path, sizeof path, "%s/%s", IMAGES_DIR, names[i]->d_name);
		trust_role(names[i]->d_name, name, sizeof name);
		if (!r && names[i]->d_name[0] != '.' && stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
			r = unpack_one(b, u, path, path, name, true, st);
		free(names[i]);
	}
	free(names);
	return r;
}

/* the popinit.image= specs: files of rootfs (removed once consumed), or
 * with DEVICES the block devices, waited for as rootwait says */
static int
unpack_specs(struct boot *b, struct unpacker *u, bool devices, struct image_stats *st)
{
	const struct boot_opts *o = &b->o;
	int r = 0;

	for (int i = 0; !r && i < o->n_images; i++) {
		char name[SIG_NAME_MAX + 1];
		const char *spec = split_spec(o->images[i], name, sizeof name);
		if (blockdev_is_spec(spec) != devices)
			continue;
		if (!devices) {
			r = unpack_one(b, u, spec, spec, name, true, st);
			continue;
		}
		struct blockdev bd;
		char slotted[300];
		spec = slots_spec(b, spec, slotted, sizeof slotted);
		int timeout = o->rootwait ? (o->rootwait_secs < 0 ? -1 : o->rootwait_secs * 1000) : 0;
		int e = blockdev_wait(spec, timeout, &bd);
		if (e < 0) {
			log_fatal("image %s: %s", spec, e == -ETIMEDOUT || e == -ENOENT ?
				  "no such block device (rootwait waits for it)" : strerror(-e));
			return -1;
		}
		r = unpack_one(b, u, spec, bd.path, name, false, st);
	}
	return r;
}

int
boot_images(struct boot *b, bool devices, struct image_stats *st)
{
	struct dirent **names = NULL;
	int n = 0, r = 0;

	if (!devices) {
		n = scandir(IMAGES_DIR, &names, NULL, by_name);
		if (n < 0) {
			if (errno != ENOENT)
				log_warn("unable to read %s: %s", IMAGES_DIR, strerror(errno));
			n = 0;
		}
	}
	bool any = n > 0;
	for (int i = 0; i < b->o.n_images; i++) {
		char name[SIG_NAME_MAX + 1];
		if (blockdev_is_spec(split_spec(b->o.images[i], name, sizeof name)) == devices)
			any = true;
	}
	if (!any) {
		free(names);
		return 0;
	}
	boot_room_raise(b);
	struct error why = { 0 };
	/* the files of rootfs are consumed: their RAM back as they are */
	struct unpacker *u = unpacker_new(b->target, (b->o.timing ? UNPACK_TIMING : 0) | (devices ? 0 : UNPACK_RELEASE),
					  &why);
	if (!u) {
		log_fatal("unable to %s %s: %s", why.msg, b->target, strerror(-why.err));
		r = -1;
	}
	r = unpack_dir(b, u, names, n, r, st);
	if (!r)
		r = unpack_specs(b, u, devices, st);
	if (u) {
		st->files = unpacker_stats(u)->files;
		unpacker_free(u);	/* joins the writer: every file is closed */
	}
	return r;
}
