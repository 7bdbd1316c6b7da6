/* slots.c: the A/B root slots of popinit.slots=NAME (slots.h), chosen in
 * the boot: after the modules (the disks' drivers), before the images on
 * block devices (their specs may follow the slot: PARTLABEL=fw_@).
 *
 *   1. wait for a disk whose GPT holds NAME_a or NAME_b (as rootwait says
 *      for root=); several: the first by name, said
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
#include "../lib/str.h"
#include "../lib/sys.h"
#include "boot.h"
#include "slots.h"

/* as root.c waits for a root device without rootwait */
#define SLOTS_SETTLE_MS 5000

static const char suffix[2] = { 'a', 'b' };

int
slot_open(struct slot_disk *d, const char *path, const char *name)
{
	char label[SLOTS_NAME_MAX + 3];

	snprintf(d->path, sizeof d->path, "%s", path);
	snprintf(d->name, sizeof d->name, "%s", name);
	d->fd = open(path, O_RDWR | O_CLOEXEC);
	int fd = d->fd >= 0 ? d->fd : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = gpt_read(fd, 0, &d->g);
	if (fd != d->fd)
		(void)io_close(fd);
	if (r < 0) {
		slot_close(d);
		return r;
	}
	for (int i = 0; i < 2; i++) {
		struct slot *s = &d->s[i];
		snprintf(label, sizeof label, "%s_%c", name, suffix[i]);
		s->entry = gpt_find(&d->g, label);
		if (s->entry < 0)
			continue;
		s->prio = gpt_field(&d->g, (unsigned)s->entry, GPT_PRIO_SHIFT, 4);
		s->tries = gpt_field(&d->g, (unsigned)s->entry, GPT_TRIES_SHIFT, 4);
		s->ok = gpt_field(&d->g, (unsigned)s->entry, GPT_OK_SHIFT, 1);
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
		if (s->entry < 0)
			continue;
		gpt_set_field(&d->g, (unsigned)s->entry, GPT_PRIO_SHIFT, 4, s->prio);
		gpt_set_field(&d->g, (unsigned)s->entry, GPT_TRIES_SHIFT, 4, s->tries);
		gpt_set_field(&d->g, (unsigned)s->entry, GPT_OK_SHIFT, 1, s->ok);
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
	if (s->entry < 0)
		return "no such partition";
	if (!s->prio)
		return "priority 0";
	if (!s->ok && !s->tries)
		return "no tries left and never successful";
	return NULL;
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

	if (o->entry >= 0 && o->prio >= 15)
		o->prio = 14;
	s[i].prio = o->entry >= 0 ? o->prio + 1 : 1;
	s[i].tries = tries;
	s[i].ok = false;
}

int
slot_running(char *disk, size_t size, unsigned *part, char *sfx)
{
	char v[16];

	if (io_read_text(SLOTS_RUN "/slot", v, sizeof v) < 1 || (v[0] != 'a' && v[0] != 'b'))
		return -ENOENT;
	*sfx = v[0];
	if (io_read_text(SLOTS_RUN "/slot-partition", v, sizeof v) < 1 || !(*part = (unsigned)atoi(v)))
		return -ENOENT;
	if (io_read_text(SLOTS_RUN "/slot-disk", disk, size) < 1)
		return -ENOENT;
	disk[strcspn(disk, "\n")] = '\0';
	return 0;
}

/* the boot's part: the state of the choice, b->slots */
struct slots {
	struct slot_disk d;
	char disk[256];			/* its sysfs name */
	int others;			/* other disks holding the slots */
	int cur;			/* the slot chosen, -1 */
	unsigned skip;			/* slots given up in this boot */
	const char *why[2];
	char dev[300];			/* the chosen slot's partition */
	const char *root_spec;		/* root= as given, or NULL */
	char root[320];
};

static bool
put_file(const char *name, const char *text)
{
	char path[64];

	snprintf(path, sizeof path, SLOTS_RUN "/%s", name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return false;
	int r = io_write_full(fd, text, strlen(text));
	return io_close(fd) == 0 && r == 0;
}

/* blockdev_disks: DISK holds the slots; the first by name is kept */
static int
each_disk(void *ctx, const struct blockdev *disk)
{
	struct slots *sl = ctx;
	static struct gpt t;

	int fd = open(disk->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	int r = gpt_read(fd, 0, &t);
	(void)io_close(fd);
	if (r < 0)
		return 0;
	char label[SLOTS_NAME_MAX + 3];
	bool has = false;
	for (int i = 0; i < 2; i++) {
		snprintf(label, sizeof label, "%s_%c", sl->d.name, suffix[i]);
		has = has || gpt_find(&t, label) >= 0;
	}
	if (!has)
		return 0;
	if (sl->disk[0])
		sl->others++;
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
	sl->others = 0;
	int r = blockdev_disks(each_disk, sl);
	return r < 0 ? r : sl->disk[0] ? 0 : -ENOENT;
}

/* a copy of the table a cut write left behind, brought in line; the
 * kernel made no partitions from an invalid primary: it reads them again */
static void
repair(struct slots *sl)
{
	struct slot_disk *d = &sl->d;
	static const char *const names[2] = { "primary", "backup" };
	int bad = -1;

	for (int i = 0; i < 2; i++)
		if (d->g.c[i].state != GPT_VALID)
			bad = i;
	if (bad < 0)
		return;
	const char *why = d->g.c[bad].why;
	int r = slot_write(d, -1);
	if (r < 0) {
		log_warn("the %s GPT of %s is not as the %s (%s) and cannot be repaired: %s", names[bad], d->path,
			 names[!bad], why, r == -EUCLEAN ? "popinit rewrites nothing but attributes (cgpt repair)"
						      : strerror(-r));
		return;
	}
	log_warn("repaired the %s GPT of %s (%s)", names[bad], d->path, why);
	if (bad == GPT_PRIMARY && ioctl(d->fd, SYS_BLKRRPART) < 0)
		log_warn("unable to have the kernel read the partitions of %s again: %s", d->path, strerror(errno));
}

static void
say_slot(struct slots *sl)
{
	char v[16];
	struct slot_disk *d = &sl->d;
	int e = d->s[sl->cur].entry + 1;

	(void)mkdir(SLOTS_RUN, 0755);
	snprintf(v, sizeof v, "%c\n", suffix[sl->cur]);
	bool ok = put_file("slot", v);
	snprintf(v, sizeof v, "%d\n", e);
	ok = put_file("slot-partition", v) && ok;
	char line[sizeof d->path + 1];
	snprintf(line, sizeof line, "%s\n", d->path);
	ok = put_file("slot-disk", line) && ok;
	snprintf(line, sizeof line, "%s\n", sl->dev);
	if (!(put_file("slot-device", line) && ok))
		log_warn("unable to write the slot into %s: %s", SLOTS_RUN, strerror(errno));
}

/* the choice among the slots not given up; a slot on trial spends a try */
static void
choose(struct boot *b)
{
	struct slots *sl = b->slots;
	struct slot_disk *d = &sl->d;
	const char *n = d->name;

	for (;;) {
		int i = slot_pick(d->s, sl->skip);
		if (i < 0) {
			for (int k = 0; k < 2; k++)
				if (!sl->why[k])
					sl->why[k] = slot_why(&d->s[k]);
			unlink(SLOTS_RUN "/slot");
			boot_fail(b, "no bootable slot on %s: a (%s_a): %s; b (%s_b): %s", d->path, n, sl->why[0], n,
				  sl->why[1]);
		}
		struct slot *s = &d->s[i];
		struct blockdev bd;
		sl->skip |= 1u << i;
		if (blockdev_partition(sl->disk, (unsigned)s->entry + 1, &bd) < 0) {
			sl->why[i] = "the kernel has no device for its partition";
			log_warn("slot %c (%s_%c) skipped: %s", suffix[i], n, suffix[i], sl->why[i]);
			continue;
		}
		if (!s->ok) {
			s->tries--;
			int r = slot_write(d, -1);
			if (r < 0) {
				s->tries++;
				sl->why[i] = "on trial, and its try cannot be recorded";
				log_warn("slot %c (%s_%c) skipped: %s: %s", suffix[i], n, suffix[i], sl->why[i], strerror(-r));
				continue;
			}
		}
		sl->skip &= ~(1u << i);
		sl->cur = i;
		snprintf(sl->dev, sizeof sl->dev, "%s", bd.path);
		log_info("slot %c: %s_%c (%s), priority %u, %s%u tries left", suffix[i], n, suffix[i], bd.path, s->prio,
			 s->ok ? "successful, " : "on trial: one try spent, ", s->tries);
		say_slot(sl);
		return;
	}
}

void
boot_slots(struct boot *b)
{
	static struct slots sl;
	const struct boot_opts *o = &b->o;

	if (!o->slots)
		return;
	b->slots = &sl;
	sl.cur = -1;
	sl.root_spec = o->root;
	if (!*o->slots || strlen(o->slots) > SLOTS_NAME_MAX)
		boot_fail(b, "popinit.slots=%s: not a partition name (1 to %d characters)", o->slots, SLOTS_NAME_MAX);
	snprintf(sl.d.name, sizeof sl.d.name, "%s", o->slots);
	int timeout = !o->rootwait ? SLOTS_SETTLE_MS : o->rootwait_secs < 0 ? -1 : o->rootwait_secs * 1000;
	uint64_t t0 = clock_ms();
	int r = blockdev_wait_for(timeout, look, &sl);
	if (r < 0)
		boot_fail(b, "no disk holds the slots %s_a, %s_b after %llu ms%s", o->slots, o->slots,
			  (unsigned long long)(clock_ms() - t0), o->rootwait ? "" : " (add rootwait to wait longer)");
	if (sl.others)
		log_warn("%d other disk%s hold%s slots %s_a, %s_b: using %s", sl.others, sl.others > 1 ? "s" : "",
			 sl.others > 1 ? "" : "s", o->slots, o->slots, sl.d.path);
	char path[sizeof sl.d.path];
	snprintf(path, sizeof path, "%s", sl.d.path);
	if ((r = slot_open(&sl.d, path, o->slots)) < 0)
		boot_fail(b, "slots %s_a, %s_b: unable to read the GPT of %s: %s", o->slots, o->slots, path,
			  r == -EUCLEAN ? "no valid copy" : strerror(-r));
	repair(&sl);
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
		buf[i] = spec[i] == '@' ? suffix[sl->cur] : spec[i];
	return buf;
}

/* the slot is given up in this boot: its tries to 0 (written, said), then
 * the other is chosen, or the failure policy */
static void
give_up(struct boot *b, const char *why)
{
	struct slots *sl = b->slots;
	struct slot *s = &sl->d.s[sl->cur];
	int i = sl->cur;

	sl->why[i] = why;
	sl->skip |= 1u << i;
	sl->cur = -1;
	if (s->tries) {
		s->tries = 0;
		int r = slot_write(&sl->d, -1);
		if (r < 0)
			log_warn("unable to set the tries of slot %c to 0: %s", suffix[i], strerror(-r));
	}
	log_warn("slot %c (%s_%c) given up: %s; its tries are 0 now", suffix[i], sl->d.name, suffix[i], why);
	choose(b);
}

int
slots_mount_root(struct boot *b)
{
	struct slots *sl = b->slots;
	char init[4096];

	b->root_may_fail = true;
	for (;;) {
		b->o.root = sl->root_spec ? slots_spec(b, sl->root_spec, sl->root, sizeof sl->root) : sl->dev;
		if (boot_mount_root(b) < 0) {
			give_up(b, "its root could not be found or mounted");
			continue;
		}
		if (root_find_init(BOOT_NEWROOT, b->o.init, init, sizeof init) == 0)
			return 0;
		if (umount2(BOOT_NEWROOT, MNT_DETACH) < 0)
			log_warn("unable to unmount %s: %s", BOOT_NEWROOT, strerror(errno));
		b->root_mounted = false;
		give_up(b, "no init in its root");
	}
}
