/* cmd.h: popinit's subcommands; each returns an exit code (log.h). */
#ifndef POPINIT_CMD_H
#define POPINIT_CMD_H

#include <stdbool.h>

int cmd_unpack(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_mkimage(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_modprobe(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_switch_root(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);

/* cmd_open_image: open PATH for reading ("-": stdin); fd or -errno */
int cmd_open_image(const char *path);
/* cmd_report: print what went wrong with IMAGE; returns the exit code */
struct unpack_result;
int cmd_report(const char *image, const struct unpack_result *res);

/* cmd_optarg: the value of option ARGV[*I] ("-kVALUE" or "-k VALUE"), or
 * NULL after logging */
const char *cmd_optarg(int argc, char **argv, int *i);
/* cmd_trust_option: -k KEY, -r KEYID, -m NAME:VERSION, -K RELEASE at
 * ARGV[*I] into T (*KEYS set by -k); 1 taken, 0 not one of them, -1 after
 * logging.  cmd_trust_finish: without -k, the trust of boot. */
struct sig_trust;
int cmd_trust_option(struct sig_trust *t, bool *keys, int argc, char **argv, int *i);
int cmd_trust_finish(struct sig_trust *t, bool keys);
/* cmd_verify_image: a sealed fd of FD's verified payload (SEAL; else 0),
 * or a negative errno after logging (-EBADMSG: refused) */
struct sig_image;
int cmd_verify_image(const struct sig_trust *t, const char *label, int fd, const char *name, bool seal,
		     struct sig_image *si);

#endif
