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
#include "../lib/log.h"
#include "../verify/sig.h"
#include "cmdline.h"

#define BOOT_MOUNTS 4		/* devtmpfs, proc, sysfs, a tmpfs on /run */
#define BOOT_NEWROOT "/root"	/* where root= is mounted */
#define BOOT_RUN_DIR "/run/popinit"	/* the kernel's modprobe helper, timings, */
/* the layers under the root, reachable from the booted system (/run is
 * moved into the new root) */
#define BOOT_LAYERS BOOT_RUN_DIR
#define BOOT_HOST BOOT_LAYERS "/host"	/* popinit.root-image='s file system */
#define BOOT_LOWER BOOT_LAYERS "/lower"	/* the read-only root under an overlay */
#define BOOT_UPPER BOOT_LAYERS "/overlay"	/* its upper/ and work/ */

struct moddb;
struct modload;
struct slots;

struct boot {
	struct boot_opts o;		/* the kernel command line, parsed once */
	char **argv, **envp;		/* what the kernel handed popinit */
	uint64_t t0;			/* clock_ms() when popinit started */
	uint64_t t0_us;			/* the same, clock_us() */
	int timings;			/* BOOT_RUN_DIR/timings, or <= 0 */
	uint64_t mod_timed;		/* module loads ending before: written */
	bool mounted[BOOT_MOUNTS];	/* the early mounts popinit made */
	bool mounts_failed;		/* some failed (said once the log is open) */
	bool have_self;			/* /init as the kernel ran it: */
	dev_t self_dev;			/* an image may replace it */
	ino_t self_ino;
	const char *target;		/* where images go: "/" or BOOT_NEWROOT */
	bool root_mounted;		/* the new root is there (root=tmpfs: early) */
	struct sig_trust trust;		/* read before the first image */
	char roothash[SIG_ROOTHASH_MAX + 1];	/* signed in a verified image, or "" */
	char roothash_from[64];		/* that image */
	struct moddb *db;		/* the modules of the target, and their */
	struct modload *ml;		/* loader, until the hand-over */
	int mod_reported;		/* module failures said so far */
	char old_helper[256];		/* the kernel's modprobe helper, restored */
	struct slots *slots;		/* popinit.slots=: the A/B slots (slots.c) */
	bool root_may_fail;		/* a root that fails is not the end (another slot) */
	bool room_tried;		/* boot_room_raise ran: */
	uint64_t room_was;		/* rootfs's size limit before the unpack, */
	uint64_t room_raised;		/* and during it (bytes; 0: not raised) */
};

/* statfs(2)'s f_type of rootfs's two kinds (linux/magic.h) */
#define RAMFS_MAGIC 0x858458f6
#define TMPFS_MAGIC 0x01021994

/* a failure of the root: fatal, unless another slot may follow */
#define root_fail(b, ...) log_msg((b)->root_may_fail ? LOG_WARN : LOG_FATAL, __VA_ARGS__)

/* main.c */
int boot_main(int argc, char **argv, char **envp);

/* mounts.c: fds 0-2 on /dev/console (or /dev/null), the early mounts;
 * boot_umounts: undo boot_mounts (lazily), for an init of rootfs */
void boot_console(void);
int boot_mounts(struct boot *b);
void boot_umounts(struct boot *b);
/* boot_room_raise: rootfs's size limit raised for the images (the RAM free
 * less a reserve), once, before the first; boot_room_restore: back to what
 * it was, or to what the tree holds */
void boot_room_raise(struct boot *b);
void boot_room_restore(struct boot *b);
/* boot_ms: milliseconds since popinit started */
uint64_t boot_ms(const struct boot *b);

/* timings.c: boot_timings_open: BOOT_RUN_DIR/timings, and the kernel's
 * row; boot_time: one row (KIND, NAME, START and END in clock_us(), the
 * LANE: 0 popinit, 1..N the module loader's threads); boot_mark: an
 * instant row, now */
void boot_timings_open(struct boot *b);
void boot_time(const struct boot *b, const char *kind, const char *name, uint64_t start, uint64_t end, int lane);
void boot_mark(const struct boot *b, const char *kind, const char *name);

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
 * BOOT_NEWROOT; 0 or -1 (logged).  boot_wait(): the device SPEC, waited
 * for as rootwait says, WHAT naming it in the messages; boot_mount_dev():
 * BD on DIR as FSTYPE (a comma list; NULL: the probed type), its module
 * loaded first; both 0 or -1 (logged) */
struct blockdev;
int boot_mount_root(struct boot *b);
int boot_wait(const struct boot *b, const char *what, const char *spec, struct blockdev *bd);
int boot_mount_dev(struct boot *b, const char *what, const char *spec, const struct blockdev *bd, const char *dir,
		   const char *fstype, unsigned long flags, const char *data);

/* rootdev.c: the block device of the root when popinit makes it: the
 * file popinit.root-image= names on a loop device (root= its host file
 * system, mounted on BOOT_HOST), and dm-verity ("root") when a root hash
 * is given or signed; else root= waited for.  0 or -1 (logged) */
int boot_root_device(struct boot *b, struct blockdev *bd);

/* slots.c: popinit.slots=NAME (slots.h).  boot_slots(): find the slots,
 * repair their table, choose one and spend its try, before any device
 * spec may name it; slots_spec(): SPEC with each '@' replaced by the
 * chosen slot's suffix (in BUF), else SPEC; slots_mount_root(): the root
 * step for slots: mount the chosen slot's root, which must hold an init,
 * or give it up and try the other (the failure policy when none is left) */
void boot_slots(struct boot *b);
const char *slots_spec(const struct boot *b, const char *spec, char *buf, size_t size);
int slots_mount_root(struct boot *b);

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
