/* blockdev.c: see blockdev.h */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/io.h"
#include "../lib/str.h"
#include "../lib/uevent.h"
#include "blockdev.h"
#include "probe.h"

bool
blockdev_is_spec(const char *s)
{
	/* UUID=, LABEL=, PARTUUID=, PARTLABEL=, MAJ:MIN, hex: none begins
	 * with '/'; any other absolute path is a file in rootfs, a ':' in
	 * its name or not */
	return !strncmp(s, "/dev/", 5) || (*s && *s != '/');
}

/* read a small sysfs file into BUF, without its newline */
static int
sysfs_read(const char *path, char *buf, size_t size)
{
	ssize_t n = io_read_text(path, buf, size);

	if (n < 0)
		return (int)n;
	while (n && (buf[n - 1] == '\n'))
		buf[--n] = '\0';
	return 0;
}

/* the device's node: /dev/DEVNAME from its uevent (devtmpfs made it) */
static void
node_path(const char *name, char *out, size_t size)
{
	char path[320], ue[1024];

	snprintf(out, size, "/dev/%s", name);
	str_printf(path, sizeof path, "/sys/class/block/%s/uevent", name);
	if (sysfs_read(path, ue, sizeof ue) == 0) {
		for (char *l = strtok(ue, "\n"); l; l = strtok(NULL, "\n"))
			if (!strncmp(l, "DEVNAME=", 8))
				snprintf(out, size, "/dev/%s", l + 8);
	}
}

/* "MAJ:MIN", decimal, nothing else */
static int
parse_majmin(const char *s, dev_t *dev)
{
	char *end;
	unsigned long ma, mi;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	ma = strtoul(s, &end, 10);
	if (*end != ':' || end[1] < '0' || end[1] > '9')
		return -EINVAL;
	mi = strtoul(end + 1, &end, 10);
	if (*end || ma > 0xfff || mi > 0xfffff)
		return -EINVAL;
	*dev = makedev(ma, mi);
	return 0;
}

static int
dev_of(const char *name, dev_t *dev)
{
	char path[320], v[32];

	str_printf(path, sizeof path, "/sys/class/block/%s/dev", name);
	if (sysfs_read(path, v, sizeof v) < 0 || parse_majmin(v, dev) < 0)
		return -ENOENT;
	return 0;
}

/* partition number and parent disk of NAME, or 0 if it is a whole disk */
static unsigned
part_of(const char *name, char *disk, size_t size)
{
	char path[320], v[32], link[256];

	str_printf(path, sizeof path, "/sys/class/block/%s/partition", name);
	if (sysfs_read(path, v, sizeof v) < 0)
		return 0;
	str_printf(path, sizeof path, "/sys/class/block/%s", name);
	ssize_t n = readlink(path, link, sizeof link - 1);
	if (n < 0)
		return 0;
	link[n] = '\0';
	char *slash = strrchr(link, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	slash = strrchr(link, '/');
	snprintf(disk, size, "%s", slash ? slash + 1 : link);
	return (unsigned)atoi(v);
}

static int
open_node(const char *name)
{
	char path[300];

	node_path(name, path, sizeof path);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

static bool
match_part(const char *name, const char *want, bool label)
{
	char disk[256], path[320], v[32];
	struct probe_part p;
	unsigned n = part_of(name, disk, sizeof disk);

	if (!n)
		return false;
	unsigned ss = 512;
	str_printf(path, sizeof path, "/sys/class/block/%s/queue/logical_block_size", disk);
	if (sysfs_read(path, v, sizeof v) == 0 && atoi(v) >= 512)
		ss = (unsigned)atoi(v);
	int fd = open_node(disk);
	if (fd < 0)
		return false;
	int r = probe_part(fd, n, ss, &p);
	(void)io_close(fd);
	if (r < 0)
		return false;
	return label ? !strcmp(p.label, want) : !strcasecmp(p.uuid, want);
}

static bool
match_fs(const char *name, const char *want, bool label, const char **type)
{
	struct probe_fs f;
	int fd = open_node(name);

	if (fd < 0)
		return false;
	int r = probe_fs(fd, &f);
	(void)io_close(fd);
	if (r < 0 || !f.type)
		return false;
	bool ok = label ? !strcmp(f.label, want) : (f.uuid[0] && !strcasecmp(f.uuid, want));
	if (ok)
		*type = f.type;
	return ok;
}

/* the kernel's hex form: new_decode_dev(simple_strtoul(s, 16)) */
static int
parse_dev(const char *s, dev_t *dev)
{
	unsigned ma, mi;
	char *end;

	if (strchr(s, ':'))
		return parse_majmin(s, dev);
	unsigned long v = strtoul(s, &end, 16);
	if (!*s || *end)
		return -EINVAL;
	ma = (unsigned)((v & 0xfff00) >> 8);
	mi = (unsigned)((v & 0xff) | ((v >> 12) & 0xfff00));
	*dev = makedev(ma, mi);
	return 0;
}

/* a spec, read: how to look, and for what */
struct spec {
	enum { BY_NAME, BY_DEV, BY_UUID, BY_LABEL, BY_PARTUUID, BY_PARTLABEL } by;
	char want[256];
	dev_t dev;
	int partnroff;		/* PARTUUID=.../PARTNROFF=N */
};

/* spec_parse: 0, or -EINVAL for a spec popinit cannot read */
static int
spec_parse(const char *spec, struct spec *sp)
{
	static const struct {
		const char *prefix;
		int by;
	} tags[] = {
		{ "UUID=", BY_UUID }, { "LABEL=", BY_LABEL }, { "PARTUUID=", BY_PARTUUID },
		{ "PARTLABEL=", BY_PARTLABEL },
	};

	memset(sp, 0, sizeof *sp);
	if (!strncmp(spec, "/dev/", 5)) {
		sp->by = BY_NAME;
		snprintf(sp->want, sizeof sp->want, "%s", spec + 5);
		for (char *c = sp->want; *c; c++)
			if (*c == '/')
				*c = '!';	/* sysfs spells cciss/c0d0 as cciss!c0d0 */
		return sp->want[0] ? 0 : -EINVAL;
	}
	for (size_t i = 0; i < LEN(tags); i++) {
		size_t n = strlen(tags[i].prefix);
		if (strncmp(spec, tags[i].prefix, n))
			continue;
		sp->by = tags[i].by;
		snprintf(sp->want, sizeof sp->want, "%s", spec + n);
		char *off = sp->by == BY_PARTUUID ? strstr(sp->want, "/PARTNROFF=") : NULL;
		if (off) {
			sp->partnroff = atoi(off + 11);
			*off = '\0';
		}
		return sp->want[0] ? 0 : -EINVAL;
	}
	sp->by = BY_DEV;
	return parse_dev(spec, &sp->dev);
}

/* matches: device NAME (its number THIS) is what SP asks for; *TYPE gets
 * the filesystem type when a superblock was read to know */
static bool
matches(const struct spec *sp, const char *name, dev_t this, const char **type)
{
	switch (sp->by) {
	case BY_NAME: return !strcmp(name, sp->want);
	case BY_DEV: return this == sp->dev;
	case BY_UUID: return match_fs(name, sp->want, false, type);
	case BY_LABEL: return match_fs(name, sp->want, true, type);
	case BY_PARTUUID: return match_part(name, sp->want, false);
	case BY_PARTLABEL: return match_part(name, sp->want, true);
	}
	return false;
}

/* the partition OFF after partition PART of DISK, into OUT; 0 or -ENOENT */
static int
partition_after(const char *disk, unsigned part, int off, struct blockdev *out)
{
	DIR *d = opendir("/sys/class/block");
	struct dirent *de;
	int r = -ENOENT;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char this_disk[256];
		if (de->d_name[0] == '.' || part_of(de->d_name, this_disk, sizeof this_disk) != part + (unsigned)off ||
		    strcmp(this_disk, disk))
			continue;
		if (dev_of(de->d_name, &out->dev) == 0) {
			snprintf(out->name, sizeof out->name, "%s", de->d_name);
			r = 0;
		}
		break;
	}
	closedir(d);
	return r;
}

int
blockdev_partition(const char *disk, unsigned part, struct blockdev *out)
{
	memset(out, 0, sizeof *out);
	int r = partition_after(disk, part, 0, out);
	if (r == 0)
		node_path(out->name, out->path, sizeof out->path);
	return r;
}

int
blockdev_disks(int (*each)(void *ctx, const struct blockdev *disk), void *ctx)
{
	DIR *d = opendir("/sys/class/block");
	struct dirent *de;
	int r = 0;

	if (!d)
		return -errno;
	while (!r && (de = readdir(d))) {
		struct blockdev bd = { .fstype = NULL };
		char disk[256], path[320], v[32];
		str_printf(path, sizeof path, "/sys/class/block/%s/size", de->d_name);
		/* whole disks that hold something (not loop0 without a file) */
		if (de->d_name[0] == '.' || part_of(de->d_name, disk, sizeof disk) || sysfs_read(path, v, sizeof v) < 0 ||
		    !strcmp(v, "0") || dev_of(de->d_name, &bd.dev) < 0)
			continue;
		snprintf(bd.name, sizeof bd.name, "%s", de->d_name);
		node_path(bd.name, bd.path, sizeof bd.path);
		r = each(ctx, &bd);
	}
	closedir(d);
	return r;
}

int
blockdev_find(const char *spec, struct blockdev *out)
{
	struct spec sp;

	memset(out, 0, sizeof *out);
	if (spec_parse(spec, &sp) < 0)
		return -EINVAL;
	DIR *d = opendir("/sys/class/block");
	if (!d)
		return -errno;
	struct dirent *de;
	int r = -ENOENT;
	char disk[256] = "";
	unsigned part = 0;
	while ((de = readdir(d))) {
		const char *type = NULL;
		dev_t this;
		if (de->d_name[0] == '.' || dev_of(de->d_name, &this) < 0 || !matches(&sp, de->d_name, this, &type))
			continue;
		if (sp.partnroff) {
			/* the partition PARTNROFF after the one found, on its disk */
			part = part_of(de->d_name, disk, sizeof disk);
			break;
		}
		snprintf(out->name, sizeof out->name, "%s", de->d_name);
		out->dev = this;
		out->fstype = type;
		r = 0;
		break;
	}
	closedir(d);
	if (sp.partnroff && part)
		r = partition_after(disk, part, sp.partnroff, out);
	if (r == 0)
		node_path(out->name, out->path, sizeof out->path);
	return r;
}

/* a uevent field that may change what matches: any block device's */
static void
block_field(void *ctx, const char *field)
{
	if (!strcmp(field, "SUBSYSTEM=block"))
		*(bool *)ctx = true;
}

/* blockdev_wait's look: FIND's answer for SPEC */
struct find_ctx {
	const char *spec;
	struct blockdev *out;
};

static int
look_spec(void *ctx)
{
	struct find_ctx *f = ctx;

	return blockdev_find(f->spec, f->out);
}

int
blockdev_wait(const char *spec, int timeout_ms, struct blockdev *out)
{
	struct find_ctx f = { spec, out };

	return blockdev_wait_for(timeout_ms, look_spec, &f);
}

int
blockdev_wait_for(int timeout_ms, int (*look)(void *ctx), void *ctx)
{
	/* 64-bit: a 32-bit long of milliseconds wraps after 24.8 days */
	int64_t deadline = timeout_ms < 0 ? -1 : (int64_t)clock_ms() + timeout_ms;

	/* listen first, then look: no event can fall between the two */
	int nl = uevent_open();
	int r;
	bool again = true;
	for (;;) {
		if (again) {
			r = look(ctx);
			if (r != -ENOENT)
				break;
		}
		int64_t left = deadline < 0 ? -1 : deadline - (int64_t)clock_ms();
		if (deadline >= 0 && left <= 0) {
			r = -ETIMEDOUT;
			break;
		}
		if (nl < 0) {
			/* no netlink: look again in a while */
			struct timespec ts = { 0, 100 * 1000000L };
			nanosleep(&ts, NULL);
			continue;
		}
		struct pollfd p = { nl, POLLIN, 0 };
		/* a long wait in slices: poll takes an int of milliseconds */
		int n = poll(&p, 1, left < 0 ? -1 : left > 1000000 ? 1000000 : (int)left);
		if (n < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		/* any block event may be ours (a partition table read late
		 * changes what matches): look again after each batch */
		again = false;
		uevent_drain(nl, block_field, &again);
		r = -ENOENT;
	}
	if (nl >= 0)
		(void)io_close(nl);
	return r;
}
