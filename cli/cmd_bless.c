/* cmd_bless.c: popinit bless: the running slot (/run/popinit, written by
 * the boot: init/slots.h) marked successful, with no tries left, as
 * ChromeOS marks a kernel good; the booted system runs it once it is
 * satisfied with itself.  It is popinit slot -g (cmd_slot.c). */
#include "../lib/log.h"
#include "cmd.h"

int
cmd_bless(int argc, char **argv)
{
	char *args[] = { argv[0], "-g", NULL };

	if (argc > 1) {
		return cmd_usage("bless");
	}
	return cmd_slot(2, args);
}
