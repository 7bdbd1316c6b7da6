/* cmd_switch_root.c: popinit switch-root NEWROOT [INIT [ARGS...]]: the
 * switch of the boot (init/switchroot.c), for scripts: PID 1 only, as the
 * kernel will not let any other process own the root. */
#include <string.h>
#include <unistd.h>

#include "../init/boot.h"
#include "../lib/log.h"
#include "cmd.h"

int
cmd_switch_root(int argc, char **argv)
{
	extern char **environ;
	char init[4096];
	struct error why = { 0 };

	if (argc < 2) {
		return cmd_usage("switch-root");
	}
	if (getpid() != 1) {
		log_fatal("switch-root: not PID 1");
		return EXIT_USAGE;
	}
	if (root_find_init(argv[1], argc > 2 ? argv[2] : NULL, init, sizeof init) < 0) {
		log_fatal("switch-root: no executable init in %s", argv[1]);
		return EXIT_USAGE;
	}
	char *args[CMDLINE_MAX_WORDS + 2];
	int n = 0;
	args[n++] = init;
	for (int i = 3; i < argc && n < CMDLINE_MAX_WORDS; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	int e = root_switch(argv[1], init, args, environ, &why);
	log_fatal("switch-root: unable to %s: %s", why.msg, strerror(-e));
	return EXIT_TEMP;
}
