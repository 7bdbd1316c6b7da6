/* cmd_bless.c: popinit bless: the running slot (/run/popinit, written by
 * the boot: init/slots.h) marked successful, with no tries left, as
 * ChromeOS marks a kernel good: the booted system runs it once it is
 * satisfied with itself.  Its table is repaired on the way if need be.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../init/slots.h"
#include "../lib/log.h"
#include "cmd.h"

int
cmd_bless(int argc, char **argv)
{
	static struct slot_disk d;
	char disk[300], sfx;
	unsigned part;
	struct gpt_entry e;
	(void)argv;

	if (argc > 1) {
		log_fatal("usage: popinit bless");
		return EXIT_USAGE;
	}
	if (slot_running(disk, sizeof disk, &part, &sfx) < 0) {
		log_fatal("no running slot: %s/slot is missing (not booted with popinit.slots=)", SLOTS_RUN);
		return EXIT_USAGE;
	}
	int r = slot_open(&d, disk, "");
	if (r == 0 && (gpt_entry(&d.g, part - 1, &e) < 0 || strlen(e.label) < 3 ||
		       e.label[strlen(e.label) - 2] != '_' || e.label[strlen(e.label) - 1] != sfx)) {
		log_fatal("%s: partition %u is not slot %c of a pair", disk, part, sfx);
		slot_close(&d);
		return EXIT_USAGE;
	}
	if (r == 0) {
		e.label[strlen(e.label) - 2] = '\0';
		slot_close(&d);
		r = slot_open(&d, disk, e.label);
	}
	if (r < 0) {
		log_fatal("%s: unable to read its GPT: %s", disk, r == -EUCLEAN ? "no valid copy" : strerror(-r));
		return EXIT_TEMP;
	}
	struct slot *s = &d.s[sfx - 'a'];
	bool was = s->ok && !s->tries;
	s->ok = true;
	s->tries = 0;
	r = slot_write(&d, -1);
	slot_close(&d);
	if (r < 0) {
		log_fatal("%s: unable to mark slot %c successful: %s", disk, sfx,
			  r == -EUCLEAN ? "a copy of the GPT differs beyond attributes (cgpt repair)" : strerror(-r));
		return EXIT_TEMP;
	}
	log_info("slot %c (%s_%c on %s) %s successful", sfx, d.name, sfx, disk, was ? "was already" : "marked");
	return EXIT_OK;
}
