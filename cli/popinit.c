/* popinit.c: the multi-call entry point.
 *
 *   popinit unpack [--root DIR] [-v] IMAGE...
 *   popinit list [-v] IMAGE...
 *   popinit mkimage [-o OUT] [-c CODEC] [-t EPOCH] [-C] LIST
 *   popinit sign, verify: signed images (cmd_sign.c, cmd_verify.c)
 *   popinit timeline [-o OUT] [-t TITLE] [FILE]
 *   (mkimage, sign and timeline are host tools: not in a TOOLS=no build)
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../init/boot.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "cmd.h"

static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *usage;
} cmds[] = {
	{ "unpack", cmd_unpack, "[--root DIR] [-v] [-s] [-k KEY]... IMAGE...   unpack images as the kernel would (- is stdin); -s/-k: verified first" },
	{ "list", cmd_list, "[-v] IMAGE...                 list what the kernel would create" },
#ifdef HAVE_TOOLS
	{ "mkimage", cmd_mkimage, "[-o OUT] [-c CODEC] [-t EPOCH] [-C] LIST   gen_init_cpio list to newc" },
	{ "sign", cmd_sign, "-k KEY [-k KEY]... -n NAME -V VERSION [-K KERNEL] [-R ROOTHASH] [-H sha256|sha384] [-P sha384] [IN [OUT]]   sign an image" },
	{ "timeline", cmd_timeline, "[-o OUT] [-t TITLE] [FILE]   the boot's timings (or a log) as an SVG chart" },
#endif
	{ "run", cmd_run, "[--] CMD [ARGS...]           run CMD under a reaping, signal-forwarding PID 1" },
	{ "modprobe", cmd_modprobe, "[-n] [-v] [-q] [-a] [-b] [-d ROOT] [-S VERSION] NAME [PARAM...]   load a module" },
	{ "probe", cmd_probe, "FILE...                      filesystem and partitions, as popinit sees them" },
	{ "verify", cmd_verify, "[-k KEY]... [-r KEYID]... [-m NAME:VERSION]... [-n NAME|-N] [-K KERNEL] [-l] IMAGE...   verify signed images" },
	{ "slot", cmd_slot, "[-d DISK] [-n NAME] [-a SLOT [-t TRIES]|-u SLOT|-g|-r]   the A/B slots; set them" },
	{ "bless", cmd_bless, "                             mark the running slot successful" },
	{ "switch-root", cmd_switch_root, "NEWROOT [INIT [ARGS...]]  make NEWROOT / and exec INIT (PID 1 only)" },
};

static int
usage(void)
{
	fprintf(stderr, "usage:\n");
	for (size_t i = 0; i < LEN(cmds); i++)
		fprintf(stderr, "  popinit %s %s\n", cmds[i].name, cmds[i].usage);
	return EXIT_USAGE;
}

int
cmd_usage(const char *name)
{
	for (size_t i = 0; i < LEN(cmds); i++)
		if (!strcmp(name, cmds[i].name)) {
			const char *u = cmds[i].usage, *gap = strstr(u, "  ");
			int n = gap ? (int)(gap - u) : (int)strlen(u);
			log_fatal("usage: popinit %s%s%.*s", name, n ? " " : "", n, u);
		}
	return EXIT_USAGE;
}

static bool
is_command(const char *name)
{
	for (size_t i = 0; i < LEN(cmds); i++)
		if (!strcmp(name, cmds[i].name))
			return true;
	return false;
}

int
main(int argc, char **argv, char **envp)
{
	const char *base = argc ? strrchr(argv[0], '/') : NULL;
	base = base ? base + 1 : argc ? argv[0] : "popinit";

	log_init("popinit", -1, -1);
	/* the kernel's init: PID 1, not called as "popinit COMMAND" (the
	 * kernel passes its own words as arguments, never a command) */
	if (getpid() == 1 && !(strcmp(base, "init") && argc >= 2 && is_command(argv[1])))
		return boot_main(argc, argv, envp);
	/* called by a subcommand's name (a link), or as "popinit NAME" */
	for (size_t i = 0; i < LEN(cmds); i++)
		if (!strcmp(base, cmds[i].name))
			return cmds[i].run(argc, argv);
	if (argc < 2)
		return usage();
	for (size_t i = 0; i < LEN(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].run(argc - 1, argv + 1);
	log_fatal("unknown command: %s", argv[1]);
	return usage();
}
