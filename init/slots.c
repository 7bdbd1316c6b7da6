/* slots.c: the A/B root slots of popinit.slots=NAME (slots.h), chosen in
 * the boot: after the modules (the disks' drivers), before the images on
 * block devices (their specs may follow the slot: PARTLABEL=fw_@).
 *
 *   1. wait for a disk whose GPT holds NAME_a or NAME_b (as rootwait says
 *      for root=); on several disks, the first by name, said
 *   2. repair a copy of its table that a cut write left behind; if the
 *      primary was not valid the kernel made no partitions: re-read them
 *   3. pick the bootable slot of the highest priority; on trial: spend
 *      one try (written, synced) first; /run/popinit says which
 *   4. the root step mounts its partition (or root= with '@' replaced);
 *      no root, no mount or no init there: the slot is given up (its tries
 *      set to 0, said) and the other is tried; none left: the failure
 *      policy, naming each slot and why
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../blkdev/blockdev.h"
#include "../lib/clock.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "../lib/sys.h"
#include "boot.h"
#include "slots.h"

/* as root.c waits for a root device without rootwait */
#define SLOTS_SETTLE_MS 5000
#define SLOT_BITS ((uint64_t)0x1ff << GPT_SLOT_SHIFT)

/* NAME_a, NAME_b */
static void
label(char *out, const char *name, int i)
{
	snprintf(out, SLOTS_NAME_MAX + 3, "%s_%c", name, 'a' + i);
}

int
slot_open(struct slot_disk *d, const char *path, const char *name)
{
	char l[SLOTS_NAME_MAX + 3];

	snprintf(d->path, sizeof d->path, "%s", path);
	snprintf(d->name, sizeof d->name, "%s", name);
	d->fd = open(path, O_RDWR | O_CLOEXEC);
	int fd = d->fd >= 0 ? d->fd : open(path, O_RDONLY | O_CLOEXEC);
	int r = fd < 0 ? -errno : gpt_read(fd, 0, &d->g);
	if (fd >= 0 && fd != d->fd)
		(void)io_close(fd);
	if (r < 0) {
		slot_close(d);
		return r;
	}
	for (int i = 0; i < 2; i++) {
		struct slot *s = &d->s[i];
		label(l, name, i);
		*s = (struct slot){ gpt_find(&d->g, l), 0, 0, false };
		if (s->entry < 0)
			continue;
		unsigned v = (unsigned)(d->g.attr[s->entry] >> GPT_SLOT_SHIFT);
		s->prio = v & 15;
		s->tries = v >> 4 & 15;
		s->ok = v >> 8 & 1;
	}
	return 0;
}

int
slot_write(struct slot_disk *d, int max)
{
	static struct gpt_plan p;

	if (d->fd < 0)
		return -EROFS;
	for (int i = 0; i < 2; i++) {
		const struct slot *s = &d->s[i];
		if (s->entry >= 0) {
			uint64_t *a = &d->g.attr[s->entry];
			*a = (*a & ~SLOT_BITS) | (uint64_t)(s->prio | s->tries << 4 | (unsigned)s->ok << 8) << GPT_SLOT_SHIFT;
		}
	}
	int r = gpt_plan(&d->g, &p);
	return r < 0 ? r : gpt_apply(d->fd, &p, max);
}

void
slot_close(struct slot_disk *d)
{
	if (d->fd >= 0)
		(void)io_close(d->fd);
	d->fd = -1;
}

const char *
slot_why(const struct slot *s)
{
	return s->entry < 0 ? "no such partition" : !s->prio ? "priority 0"
	       : !s->ok && !s->tries ? "no tries left and never successful" : NULL;
}

int
slot_pick(const struct slot s[2], unsigned skip)
{
	int best = -1;

	for (int i = 0; i < 2; i++)
		if (!(skip >> i & 1) && !slot_why(&s[i]) && (best < 0 || s[i].prio > s[best].prio))
			best = i;
	return best;
}

void
slot_activate(struct slot s[2], int i, unsigned tries)
{
	struct slot *o = &s[!i];

	if (o->prio >= 15)
		o->prio = 14;
	s[i].prio = o->prio + 1;
	s[i].tries = tries;
	s[i].ok = false;
}

int
slot_running(char *disk, size_t size, char *name, char *sfx)
{
	char v[4];

	if (io_read_text(SLOTS_RUN "/slot", v, sizeof v) < 1 || (v[0] != 'a' && v[0] != 'b') ||
	    io_read_text(SLOTS_RUN "/slot-name", name, SLOTS_NAME_MAX + 2) < 2 ||
	    io_read_text(SLOTS_RUN "/slot-disk", disk, size) < 2)
		return -ENOENT;
	*sfx = v[0];
	name[strcspn(name, "\n")] = '\0';
	disk[strcspn(disk, "\n")] = '\0';
	return 0;
}

/* the boot's part: the state of the choice, b->slots */
struct slots {
	struct slot_disk d;
	char disk[256];			/* its sysfs name */
	int cur;			/* the slot chosen, -1 */
	unsigned skip;			/* slots given up in this boot */
	const char *why[2];
	char dev[300];			/* the chosen slot's partition */
	const char *root_spec;		/* root= as given, or NULL */
	char root[320];
};

/* blockdev_disks: DISK holds the slots; the first by name is kept */
static int
each_disk(void *ctx, const struct blockdev *disk)
{
	struct slots *sl = ctx;
	static struct gpt t;
	char l[SLOTS_NAME_MAX + 3];
	bool has = false;

	int fd = open(disk->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	int r = gpt_read(fd, 0, &t);
	(void)io_close(fd);
	for (int i = 0; r == 0 && i < 2; i++) {
		label(l, sl->d.name, i);
		has = has || gpt_find(&t, l) >= 0;
	}
	if (!has)
		return 0;
	if (sl->disk[0])
		log_warn("slots on %s and %s: the first by name is used", sl->disk, disk->name);
	if (!sl->disk[0] || strcmp(disk->name, sl->disk) < 0) {
		snprintf(sl->disk, sizeof sl->disk, "%s", disk->name);
		snprintf(sl->d.path, sizeof sl->d.path, "%s", disk->path);
	}
	return 0;
}

static int
look(void *ctx)
{
	struct slots *sl = ctx;

	sl->disk[0] = '\0';
	int r = blockdev_disks(each_disk, sl);
	return r < 0 ? r : sl->disk[0] ? 0 : -ENOENT;
}

/* /run/popinit: the chosen slot, its name, device, disk and partition */
static void
say_slot(struct slots *sl)
{
	static const char *const file[5] = { "slot", "slot-name", "slot-device", "slot-disk", "slot-partition" };
	const char *v[5] = { &"a\0b"[2 * sl->cur], sl->d.name, sl->dev, sl->d.path };
	char part[12], path[48];

	snprintf(part, sizeof part, "%d", sl->d.s[sl->cur].entry + 1);
	v[4] = part;
	(void)mkdir(SLOTS_RUN, 0755);
	for (int k = 0; k < 5; k++) {
		snprintf(path, sizeof path, SLOTS_RUN "/%s", file[k]);
		char line[sizeof sl->d.path + 1];
		int n = snprintf(line, sizeof line, "%s\n", v[k]);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || io_write_full(fd, line, (size_t)n) < 0)
			log_warn("unable to write %s", path);
		if (fd >= 0)
			(void)io_close(fd);
	}
}

/* the choice among the slots not given up; a slot on trial spends a try */
static void
choose(struct boot *b)
{
	struct slots *sl = b->slots;
	struct slot_disk *d = &sl->d;
	int i;

	while ((i = slot_pick(d->s, sl->skip)) >= 0) {
		struct slot *s = &d->s[i];
		struct blockdev bd;
		sl->skip |= 1u << i;
		if (blockdev_partition(sl->disk, (unsigned)s->entry + 1, &bd) < 0)
			sl->why[i] = "the kernel has no device for it";
		else if (!s->ok && (s->tries--, slot_write(d, -1) < 0))
			sl->why[i] = "on trial, and its try cannot be written";
		else {
			sl->skip &= ~(1u << i);
			sl->cur = i;
			snprintf(sl->dev, sizeof sl->dev, "%s", bd.path);
			log_info("slot %c: %s, priority %u, %s, %u tries left", 'a' + i, bd.path, s->prio,
				 s->ok ? "successful" : "on trial: one try spent", s->tries);
			say_slot(sl);
			return;
		}
		log_warn("slot %c skipped: %s", 'a' + i, sl->why[i]);
	}
	(void)unlink(SLOTS_RUN "/slot");
	boot_fail(b, "no bootable slot %s on %s: a: %s; b: %s", d->name, d->path, sl->why[0], sl->why[1]);
}

void
boot_slots(struct boot *b)
{
	static struct slots sl;
	const struct boot_opts *o = &b->o;
	const char *n = o->slots;

	if (!n)
		return;
	b->slots = &sl;
	sl.cur = -1;
	sl.root_spec = o->root;
	if (!*n || strlen(n) > SLOTS_NAME_MAX)
		boot_fail(b, "popinit.slots=%s: not 1 to %d characters", n, SLOTS_NAME_MAX);
	snprintf(sl.d.name, sizeof sl.d.name, "%s", n);
	int timeout = !o->rootwait ? SLOTS_SETTLE_MS : o->rootwait_secs < 0 ? -1 : o->rootwait_secs * 1000;
	uint64_t t0 = clock_ms();
	if (blockdev_wait_for(timeout, look, &sl) < 0)
		boot_fail(b, "no disk holds the slots %s_a, %s_b after %llu ms", n, n, (unsigned long long)(clock_ms() - t0));
	char path[sizeof sl.d.path];
	snprintf(path, sizeof path, "%s", sl.d.path);
	int r = slot_open(&sl.d, path, n);
	if (r < 0)
		boot_fail(b, "slots %s: unable to read the GPT of %s: %s", n, path, strerror(-r));

	/* a copy a cut write left behind; the kernel made no partitions
	 * from an invalid primary: it reads them again */
	const struct gpt_copy *c = sl.d.g.c;
	int bad = c[0].state != GPT_VALID ? 0 : c[1].state != GPT_VALID ? 1 : -1;
	if (bad >= 0) {
		const char *why = c[bad].why;
		r = slot_write(&sl.d, -1);
		log_warn("%s the %s GPT of %s (%s)", r < 0 ? "unable to repair" : "repaired", bad ? "backup" : "primary",
			 path, why);
		if (!r && !bad && ioctl(sl.d.fd, SYS_BLKRRPART) < 0)
			log_warn("%s: the kernel did not read the partitions again: %s", path, strerror(errno));
	}
	for (int i = 0; i < 2; i++)
		if ((sl.why[i] = slot_why(&sl.d.s[i])))
			log_info("slot %c (%s_%c) skipped: %s", 'a' + i, n, 'a' + i, sl.why[i]);
	choose(b);
}

const char *
slots_spec(const struct boot *b, const char *spec, char *buf, size_t size)
{
	const struct slots *sl = b->slots;
	size_t n = strlen(spec);

	if (!sl || sl->cur < 0 || !strchr(spec, '@') || n >= size)
		return spec;
	for (size_t i = 0; i <= n; i++)
		buf[i] = spec[i] == '@' ? (char)('a' + sl->cur) : spec[i];
	return buf;
}

int
slots_mount_root(struct boot *b)
{
	struct slots *sl = b->slots;
	char init[4096];
	const char *why;

	b->root_may_fail = true;
	for (;;) {
		b->o.root = sl->root_spec ? slots_spec(b, sl->root_spec, sl->root, sizeof sl->root) : sl->dev;
		if (boot_mount_root(b) < 0) {
			why = "its root could not be found or mounted";
		} else {
			if (root_find_init(BOOT_NEWROOT, b->o.init, init, sizeof init) == 0)
				return 0;
			if (umount2(BOOT_NEWROOT, MNT_DETACH) < 0)
				log_warn("unable to unmount %s", BOOT_NEWROOT);
			b->root_mounted = false;
			why = "no init in its root";
		}
		/* given up in this boot: its tries to 0 (written), said */
		int i = sl->cur;
		struct slot *s = &sl->d.s[i];
		sl->why[i] = why;
		sl->skip |= 1u << i;
		sl->cur = -1;
		bool bad = s->tries && (s->tries = 0, slot_write(&sl->d, -1) < 0);
		log_warn("slot %c given up: %s; its tries %s", 'a' + i, why, bad ? "could not be set to 0" : "are 0");
		choose(b);
	}
}
