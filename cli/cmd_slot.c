/* cmd_slot.c: popinit slot: the A/B slots of a disk (init/slots.h), as
 * the boot reads and chooses them, and their state for the next boot.
 *
 *   popinit slot [-d DISK] [-n NAME] [-r] [-a SLOT [-t TRIES]] [-u SLOT]
 *
 * Without -d, the disk and NAME of the running slot (/run/popinit).  -a:
 * SLOT active for its next boot, after an update was written into it:
 * priority above the other's, TRIES tries (default 3), not successful.
 * -u: SLOT never boots (priority 0, no tries, not successful): before
 * writing into it.  -r: only repair the table.  Any write repairs what a
 * cut write left.  Then the slots are shown:
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
show(const struct slot_disk *d, const char *running_disk, char running)
{
	const struct gpt *g = &d->g;
	int next = slot_pick(d->s, 0);

	printf("%s: slots %s_a, %s_b; GPT primary %s, backup %s\n", d->path, d->name, d->name,
	       copy_state[g->c[GPT_PRIMARY].state], copy_state[g->c[GPT_BACKUP].state]);
	for (int i = 0; i < 2; i++) {
		const struct slot *s = &d->s[i];
		const char *why = slot_why(s);
		if (s->entry < 0) {
			printf("%c: no partition %s_%c\n", 'a' + i, d->name, 'a' + i);
			continue;
		}
		printf("%c: partition=%d priority=%u tries=%u successful=%d %s%s%s\n", 'a' + i, s->entry + 1, s->prio,
		       s->tries, s->ok, why ? "unbootable" : "bootable",
		       running == 'a' + i && !strcmp(running_disk, d->path) ? " running" : "", next == i ? " next" : "");
	}
}

/* a slot's letter: 0 (a), 1 (b), or -1 after logging */
static int
slot_arg(const char *v)
{
	if (v && (!strcmp(v, "a") || !strcmp(v, "b")))
		return v[0] - 'a';
	if (v)
		log_fatal("not a slot (a or b): %s", v);
	return -1;
}

/* NAME of the running slot's partition PART: its label without "_a" */
static int
running_name(struct slot_disk *d, const char *disk, unsigned part, char *name, size_t size)
{
	struct gpt_entry e;

	int r = slot_open(d, disk, "");
	if (r < 0)
		return r;
	slot_close(d);
	if (gpt_entry(&d->g, part - 1, &e) < 0 || strlen(e.label) < 3 || strlen(e.label) - 2 >= size)
		return -ENOENT;
	snprintf(name, size, "%.*s", (int)strlen(e.label) - 2, e.label);
	return 0;
}

int
cmd_slot(int argc, char **argv)
{
	static struct slot_disk d;
	const char *disk = NULL, *name = NULL, *v;
	char rdisk[300] = "", rname[SLOTS_NAME_MAX + 1], running = 0;
	int act = -1, unboot = -1, tries = 3;
	bool write = false;
	unsigned part;

	for (int i = 1; i < argc; i++) {
		char c = argv[i][0] == '-' ? argv[i][1] : 0;
		if (c == 'r') {
			write = true;
			continue;
		}
		if (!c || !strchr("dnaut", c) || !(v = cmd_optarg(argc, argv, &i))) {
			if (!c || !strchr("dnaut", c))
				log_fatal("usage: popinit slot [-d DISK] [-n NAME] [-r] [-a SLOT [-t TRIES]] [-u SLOT]");
			return EXIT_USAGE;
		}
		if (c == 'd')
			disk = v;
		else if (c == 'n')
			name = v;
		else if (c == 't' && ((tries = atoi(v)) < 1 || tries > 15)) {
			log_fatal("tries: 1 to 15, not %s", v);
			return EXIT_USAGE;
		} else if ((c == 'a' && (act = slot_arg(v)) < 0) || (c == 'u' && (unboot = slot_arg(v)) < 0))
			return EXIT_USAGE;
		write = write || c == 'a' || c == 'u';
	}
	if (slot_running(rdisk, sizeof rdisk, &part, &running) == 0 && !disk) {
		disk = rdisk;
		if (!name && running_name(&d, rdisk, part, rname, sizeof rname) == 0)
			name = rname;
	}
	if (!disk || !name) {
		log_fatal("%s: no running slot (/run/popinit/slot): -d DISK and -n NAME say which", disk ? "no -n NAME" : "no -d DISK");
		return EXIT_USAGE;
	}
	int r = slot_open(&d, disk, name);
	if (r < 0) {
		log_fatal("%s: unable to read its GPT: %s", disk, r == -EUCLEAN ? "no valid copy" : strerror(-r));
		return r == -ENOENT || r == -EUCLEAN ? EXIT_USAGE : EXIT_TEMP;
	}
	if ((act >= 0 && d.s[act].entry < 0) || (unboot >= 0 && d.s[unboot].entry < 0)) {
		log_fatal("%s: no partition %s_%c", disk, name, act >= 0 ? 'a' + act : 'a' + unboot);
		slot_close(&d);
		return EXIT_USAGE;
	}
	if (unboot >= 0)
		d.s[unboot] = (struct slot){ d.s[unboot].entry, 0, 0, false };
	if (act >= 0)
		slot_activate(d.s, act, (unsigned)tries);
	if (write) {
		const char *cut = getenv("POPINIT_TEST_CUT");
		r = slot_write(&d, cut ? atoi(cut) : -1);
		if (r < 0) {
			log_fatal("%s: unable to write the slots: %s", disk,
				  r == -EUCLEAN ? "a copy of the GPT differs beyond attributes, popinit rewrites nothing else (cgpt repair)"
						: strerror(-r));
			slot_close(&d);
			return r == -EUCLEAN ? EXIT_USAGE : EXIT_TEMP;
		}
	}
	slot_close(&d);
	show(&d, rdisk, running);
	return fflush(stdout) ? EXIT_TEMP : EXIT_OK;
}
