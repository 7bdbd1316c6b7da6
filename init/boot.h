/* boot.h: the PID 1 boot plan (main.c reads like the plan), its steps, and
 * the state they share: one struct boot, passed to each step, so that no
 * step depends on another having filled a file static.
 */
#ifndef POPINIT_BOOT_H
#define POPINIT_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/error.h"
#include "../verify/sig.h"
#include "cmdline.h"

#define BOOT_MOUNTS 4		/* devtmpfs, proc, sysfs, a tmpfs on /run */
#define BOOT_NEWROOT "/root"	/* where root= is mounted */

struct moddb;
struct modload;

struct boot {
	struct boot_opts o;		/* the kernel command line, parsed once */
	char **argv, **envp;		/* what the kernel handed popinit */
	uint64_t t0;			/* clock_ms() when popinit started */
	bool mounted[BOOT_MOUNTS];	/* the early mounts popinit made */
	bool mounts_failed;		/* some failed (said once the log is open) */
	bool have_self;			/* /init as the kernel ran it: */
	dev_t self_dev;			/* an image may replace it */
	ino_t self_ino;
	const char *target;		/* where images go: "/" or BOOT_NEWROOT */
	bool root_mounted;		/* the new root is there (root=tmpfs: early) */
	struct sig_trust trust;		/* read before the first image */
	struct moddb *db;		/* the modules of the target, and their */
	struct modload *ml;		/* loader, until the hand-over */
	int mod_reported;		/* module failures said so far */
	char old_helper[256];		/* the kernel's modprobe helper, restored */
};

/* main.c */
int boot_main(int argc, char **argv, char **envp);

/* mounts.c: fds 0-2 on /dev/console (or /dev/null), the early mounts;
 * boot_umounts: undo boot_mounts (lazily), for an init of rootfs */
void boot_console(void);
int boot_mounts(struct boot *b);
void boot_umounts(struct boot *b);
/* boot_ms: milliseconds since popinit started */
uint64_t boot_ms(const struct boot *b);

/* trust.c: boot_trust: the keys, revocations and floors images are
 * checked against (trust.h), and what the command line adds; before any
 * image */
void boot_trust(struct boot *b);

/* images.c: find and unpack the images into b->target; block-device
 * specs are taken only when DEVICES is true.  Returns 0 or -1 after
 * logging why. */
struct image_stats {
	int images;
	uint64_t bytes, files;
};
int boot_images(struct boot *b, bool devices, struct image_stats *st);
/* boot_report: say what went wrong unpacking IMAGE (RES), for the boot
 * and for popinit unpack and list; returns their exit code */
struct unpack_result;
int boot_report(const char *image, const struct unpack_result *res);
/* boot_timing: IMAGE's figures in RES (UNPACK_TIMING), as info lines */
void boot_timing(const char *image, const struct unpack_result *res);

/* modules.c: the modules of the target's /lib/modules (coldplug, lists,
 * elevator); boot_module(): one more (the root's filesystem), -ENOENT
 * when unknown; boot_elevator(): the scheduler on every disk there is
 * now; boot_modules_end(): the loader stopped, the kernel's helper
 * restored */
int boot_modules(struct boot *b);
int boot_module(struct boot *b, const char *name);
void boot_elevator(const struct boot *b);
void boot_modules_end(struct boot *b);

/* root.c: mount the root root= names (a device, or a tmpfs) on
 * BOOT_NEWROOT; 0 or -1 (logged) */
int boot_mount_root(struct boot *b);

/* switchroot.c */
/* root_find_init: the init to run in NEWROOT: INIT if given, else the
 * kernel's list; its path (inside NEWROOT) in OUT.  0, or -ENOENT. */
int root_find_init(const char *newroot, const char *init, char *out, size_t size);
/* root_switch: make NEWROOT "/" (moving /dev /proc /sys /run into it,
 * freeing the old rootfs), then exec INIT with ARGV and ENVP.  Returns
 * only on failure: -errno, E's msg saying which step failed. */
int root_switch(const char *newroot, const char *init, char *const argv[], char *const envp[],
		struct error *e);

/* die.c: the failure policy.  boot_break(): a shell here if asked;
 * boot_fail(): log, shell if asked, then panic= (never returns). */
void boot_break(const struct boot *b, const char *stage);
__attribute__((noreturn)) void boot_fail(const struct boot *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* boot_exec: exec PATH with the state the kernel hands an init: ARGV,
 * ENVP, fds 0-2 on the console.  Returns -errno on failure. */
int boot_exec(const char *path, char *const argv[], char *const envp[]);

/* run.c: popinit run, and popinit.run= */
int run_supervise(char *const argv[], char *const envp[]);

#endif
