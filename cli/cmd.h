/* cmd.h: popinit's commands, one file each (cli/cmd_NAME.c: popinit
 * NAME), and the option helpers they share (cmd_opts.c).  Each command
 * returns an exit code (lib/log.h). */
#ifndef POPINIT_CMD_H
#define POPINIT_CMD_H

#include <stdbool.h>

#include "../verify/sig.h"

int cmd_unpack(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_mkimage(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_modprobe(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_switch_root(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_slot(int argc, char **argv);
int cmd_bless(int argc, char **argv);

/* cmd_usage: "usage: popinit NAME ARGS" logged, ARGS from the command
 * list's line for NAME (cli/popinit.c); EXIT_USAGE */
int cmd_usage(const char *name);

/* cmd_open_image: open PATH for reading ("-": stdin); fd, or -errno after
 * logging */
int cmd_open_image(const char *path);
/* cmd_optarg: the value of option ARGV[*I] ("-kVALUE" or "-k VALUE"), or
 * NULL after logging */
const char *cmd_optarg(int argc, char **argv, int *i);
/* cmd_trust_option: -k KEY, -r KEYID, -m NAME:VERSION, -K RELEASE at
 * ARGV[*I] into T (*KEYS set by -k); 1 taken, 0 not one of them, -1 after
 * logging.  cmd_trust_finish: without -k, the trust of boot. */
int cmd_trust_option(struct sig_trust *t, bool *keys, int argc, char **argv, int *i);
int cmd_trust_finish(struct sig_trust *t, bool keys);

/* the arguments of unpack and list: [--root DIR] (ROOT not NULL) [-v]...
 * and, with VERIFY, -s, -n NAME and the trust options; *FIRST gets the
 * first image.  0, or -1 after logging. */
struct cmd_verify_opts {
	struct sig_trust t;
	bool keys, on;		/* -k given; verify (-s or a trust option) */
	const char *name;	/* -n NAME */
};
/* cmd_image_args: the options of unpack and list; FLAGS (unpack only, else
 * NULL) gets unpack.h's UNPACK_* of -t, -j1, -j2, --consume */
int cmd_image_args(int argc, char **argv, const char **root, int *verbose, int *flags, int *first,
		   struct cmd_verify_opts *verify);

#endif
