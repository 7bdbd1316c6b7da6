/* cmd_slot.c: popinit slot: the A/B slots of a disk (init/slots.h), as
 * the boot reads and chooses them, and their state for the next boot.
 *
 *   popinit slot [-d DISK] [-n NAME] [-a SLOT [-t TRIES] | -u SLOT | -g | -r]
 *
 * Without -d, the disk and NAME of the running slot (/run/popinit).  -a:
 * SLOT active for its next boot, after an update was written into it:
 * priority above the other's, TRIES tries (default 3), not successful.
 * -u: SLOT never boots (priority 0, no tries, not successful): before
 * writing into it.  -g: the running slot successful, no tries left (popinit
 * bless).  -r: only repair the table.  Any write repairs what a cut write
 * left.  Then the slots are shown:
 *
 *   /dev/vda: slots rootfs_a, rootfs_b; GPT primary valid, backup valid
 *   a: partition=2 priority=1 tries=0 successful=1 bootable running
 *   b: partition=3 priority=2 tries=3 successful=0 bootable next
 *
 * POPINIT_TEST_CUT=N stops the writes after N of them, as a power cut
 * would (tests/slots.sh).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../init/slots.h"
#include "../lib/log.h"
#include "cmd.h"

static const char *const copy_state[] = { "valid", "stale", "damaged", "foreign" };

static void
show(const struct slot_disk *d, int running)
{
	int next = slot_pick(d->s, 0);

	printf("%s: slots %s_a, %s_b; GPT primary %s, backup %s\n", d->path, d->name, d->name,
	       copy_state[d->g.c[GPT_PRIMARY].state], copy_state[d->g.c[GPT_BACKUP].state]);
	for (int i = 0; i < 2; i++) {
		const struct slot *s = &d->s[i];
		if (s->entry < 0)
			printf("%c: no partition\n", 'a' + i);
		else
			printf("%c: partition=%d priority=%u tries=%u successful=%d %sbootable%s%s\n", 'a' + i, s->entry + 1,
			       s->prio, s->tries, s->ok, slot_why(s) ? "un" : "", running == i ? " running" : "",
			       next == i ? " next" : "");
	}
}

int
cmd_slot(int argc, char **argv)
{
	static struct slot_disk d;
	const char *disk = NULL, *name = NULL, *cut = getenv("POPINIT_TEST_CUT");
	char rdisk[300], rname[SLOTS_NAME_MAX + 2], sfx = 0, op = 0;
	int set = -1, tries = 3, running = -1, r;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = argv[i + 1];
		if (a[0] != '-' || !a[1] || a[2] || !strchr("dnautgr", a[1]) || (strchr("dnaut", a[1]) && !v))
			goto usage;
		i += !!strchr("dnaut", a[1]);
		v = argv[i];
		if (a[1] == 'd')
			disk = v;
		else if (a[1] == 'n')
			name = v;
		else if (a[1] == 't' && ((tries = atoi(v)) < 1 || tries > 15))
			goto usage;
		else if (a[1] != 't') {
			if (op || (strchr("au", a[1]) && strcmp(v, "a") && strcmp(v, "b")))
				goto usage;
			op = a[1];
			set = strchr("au", op) ? v[0] - 'a' : -1;
		}
	}
	/* the running slot: its disk and NAME, unless others are named */
	if (slot_running(rdisk, sizeof rdisk, rname, &sfx) == 0 && (!disk || !strcmp(disk, rdisk)) &&
	    (!name || !strcmp(name, rname))) {
		disk = rdisk;
		name = rname;
		running = sfx - 'a';
	}
	if (op == 'g')
		set = running;
	if (!disk || !name || (op == 'g' && set < 0)) {
		log_fatal("no running slot (%s/slot): -d DISK -n NAME say which", SLOTS_RUN);
		return EXIT_USAGE;
	}
	if ((r = slot_open(&d, disk, name)) < 0) {
		log_fatal("%s: unable to read its GPT: %s", disk, r == -EUCLEAN ? "no valid copy" : strerror(-r));
		return r == -ENOENT || r == -EUCLEAN ? EXIT_USAGE : EXIT_TEMP;
	}
	struct slot *s = &d.s[set < 0 ? 0 : set];
	bool was = s->ok && !s->tries;
	if (set >= 0 && s->entry < 0) {
		log_fatal("%s: no partition %s_%c", disk, name, 'a' + set);
		r = -ENOENT;
	} else if (op == 'a') {
		slot_activate(d.s, set, (unsigned)tries);
	} else if (op == 'u' || op == 'g') {
		s->prio = op == 'u' ? 0 : s->prio;
		s->tries = 0;
		s->ok = op == 'g';
	}
	if (!r && op && (r = slot_write(&d, cut ? atoi(cut) : -1)) < 0)
		log_fatal("%s: unable to write the slots: %s", disk,
			  r == -EUCLEAN ? "a copy of the GPT differs beyond attributes (cgpt repair)" : strerror(-r));
	slot_close(&d);
	if (r < 0)
		return r == -EUCLEAN || r == -ENOENT ? EXIT_USAGE : EXIT_TEMP;
	if (op == 'g')
		log_info("slot %c (%s_%c on %s) %s successful", sfx, name, sfx, disk, was ? "was already" : "marked");
	else
		show(&d, running);
	return fflush(stdout) ? EXIT_TEMP : EXIT_OK;
usage:
	return cmd_usage("slot");
}
