/* slots.h: A/B root slots.  popinit.slots=NAME: the GPT partitions named
 * NAME_a and NAME_b are the slots; each one's state is ChromeOS's, in its
 * entry's attribute bits (blkdev/gpt.h), so cgpt reads and sets it:
 *
 *   priority  0-15  the highest bootable slot boots (a on a tie); 0: never
 *   tries     0-15  boots left on trial; one is spent (written, synced)
 *                   before a slot that is not successful is used
 *   successful 0/1  it came up once: it boots without spending tries
 *
 * Bootable: a partition, priority above 0, and successful or tries left.
 * The running slot is said in /run/popinit: slot (a or b), slot-name
 * (NAME), slot-device (its partition's node), slot-disk (the disk's
 * node), slot-partition (its number); popinit bless and popinit slot
 * read them.
 *
 * These are the parts the commands share with the boot (boot.h has the
 * boot's steps).
 */
#ifndef POPINIT_SLOTS_H
#define POPINIT_SLOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "../blkdev/gpt.h"

#define SLOTS_RUN "/run/popinit"
#define SLOTS_NAME_MAX 32

struct slot {
	int entry;		/* its GPT entry (0-based), -1: no such partition */
	unsigned prio, tries;
	bool ok;		/* successful */
};

/* a disk holding the slots NAME_a and NAME_b */
struct slot_disk {
	char path[300];		/* its node */
	char name[SLOTS_NAME_MAX + 1];
	int fd;			/* read-write, or -1 */
	struct slot s[2];
	struct gpt g;
};

/* slot_open: read PATH's table, and its slots NAME_a and NAME_b into D;
 * the disk stays open (read-write when it can; D->fd -1 when not).  0
 * (even when neither slot is there), or -errno from gpt_read or open. */
int slot_open(struct slot_disk *d, const char *path, const char *name);
/* slot_write: D->s written into both copies of the table, and whatever
 * copy needs it repaired (MAX: gpt_apply's, -1 for all).  0, or -errno
 * (-EUCLEAN: a copy popinit may not rewrite, -EROFS: not writable). */
int slot_write(struct slot_disk *d, int max);
void slot_close(struct slot_disk *d);

/* slot_why: why S does not boot, or NULL when it is bootable */
const char *slot_why(const struct slot *s);
/* slot_pick: the slot to boot, 0 (a) or 1 (b), of those not in SKIP (a
 * bit each): the bootable one of the highest priority, a on a tie; -1 */
int slot_pick(const struct slot s[2], unsigned skip);
/* slot_activate: slot I's state for its next boot after an update:
 * priority above the other's (the other's lowered from 15 if need be),
 * TRIES tries, not successful */
void slot_activate(struct slot s[2], int i, unsigned tries);

/* slot_running: the running slot, from /run/popinit: the disk's node into
 * DISK, NAME (SLOTS_NAME_MAX + 2 bytes), the suffix ('a' or 'b'); 0 or
 * -ENOENT */
int slot_running(char *disk, size_t size, char *name, char *suffix);

#endif
