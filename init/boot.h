/* boot.h: the pieces of the PID 1 boot plan (main.c reads like the plan). */
#ifndef POPINIT_BOOT_H
#define POPINIT_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"

/* main.c */
int boot_main(int argc, char **argv, char **envp);

/* mounts.c: fds 0-2 on /dev/console (or /dev/null), the early mounts */
void boot_console(void);
int boot_mounts(void);
/* boot_umounts: undo boot_mounts (lazily), for a replaced /init */
void boot_umounts(void);
/* boot_time_ms: milliseconds since popinit started */
uint64_t boot_time_ms(void);

/* images.c: find and unpack the images into ROOT ("/" or the new root);
 * block-device specs are taken only when DEVICES is true.  Returns 0 or
 * -1 after logging why. */
struct image_stats {
	int images;
	uint64_t bytes, files;
};
int boot_images(const struct boot_opts *o, const char *root, bool devices, struct image_stats *st);
/* boot_report: say what went wrong unpacking IMAGE (RES), for the boot
 * and for popinit unpack and list; returns their exit code */
struct unpack_result;
int boot_report(const char *image, const struct unpack_result *res);
/* boot_trust: the keys, revocations and floors images are checked
 * against (trust.h), and what the command line adds; before any image */
void boot_trust(const struct boot_opts *o);

/* modules.c: the modules of ROOT's /lib/modules (coldplug, lists,
 * elevator); boot_module(): one more (the root's filesystem);
 * boot_elevator(): the scheduler on every disk there is now;
 * boot_modules_end(): the loader stopped, the kernel's helper restored */
int boot_modules(const struct boot_opts *o, const char *root, const char *cmdline);
int boot_module(const char *name);
void boot_elevator(const struct boot_opts *o);
void boot_modules_end(void);

/* root.c: mount the root given by root= on DIR; 0 or -1 (logged) */
int boot_mount_root(const struct boot_opts *o, const char *dir);

/* switchroot.c */
/* root_find_init: the init to run in NEWROOT: INIT if given, else the
 * kernel's list; its path (inside NEWROOT) in OUT.  0, or -ENOENT. */
int root_find_init(const char *newroot, const char *init, char *out, size_t size);
/* root_switch: make NEWROOT "/" (moving /dev /proc /sys /run into it,
 * freeing the old rootfs), then exec INIT with ARGV and ENVP.  Returns
 * only on failure, with -errno and *what saying which step failed. */
int root_switch(const char *newroot, const char *init, char *const argv[], char *const envp[],
		const char **what);

/* die.c: the failure policy.  boot_break(): a shell here if asked;
 * boot_fail(): log, shell if asked, then panic= (never returns). */
void boot_break(const struct boot_opts *o, const char *stage);
__attribute__((noreturn)) void boot_fail(const struct boot_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* boot_exec: exec PATH with the state the kernel hands an init: ARGV,
 * ENVP, fds 0-2 on the console.  Returns -errno on failure. */
int boot_exec(const char *path, char *const argv[], char *const envp[]);

/* run.c: popinit run, and popinit.run= */
int run_supervise(char *const argv[], char *const envp[]);

#endif
