/* cmd.h: popinit's subcommands; each returns an exit code (log.h). */
#ifndef POPINIT_CMD_H
#define POPINIT_CMD_H

int cmd_unpack(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_mkimage(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_modprobe(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_switch_root(int argc, char **argv);

/* cmd_open_image: open PATH for reading ("-": stdin); fd or -errno */
int cmd_open_image(const char *path);
/* cmd_report: print what went wrong with IMAGE; returns the exit code */
struct unpack_result;
int cmd_report(const char *image, const struct unpack_result *res);

#endif
