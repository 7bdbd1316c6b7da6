/* main.c: popinit as the kernel's /init.  The boot plan, one call a step:
 *
 *   1. fds 0-2 on the console; devtmpfs on /dev, proc, sysfs, tmpfs on /run
 *   2. the kernel command line; for root=tmpfs, the new root
 *   3. the images: the files of /initramfs.d, then popinit.image= paths,
 *      each verified first if a key is trusted (keys read before any image)
 *   4. unpack them into rootfs (or into the new root for root=tmpfs)
 *   5. modules: the kernel's requests, elevator=, lists, coldplug
 *   6. popinit.slots=: choose the A/B slot (slots.c); images on block
 *      devices (popinit.image=LABEL=... and the like)
 *   7. sync, then the first of:
 *      - an image replaced /init: exec it, as the kernel would have
 *      - root= (or a slot): mount it, switch root, exec its init
 *      - popinit.run=PATH: supervise PATH
 *      - exec init=, /sbin/init, /etc/init, /bin/init or /bin/sh of rootfs
 *
 * The steps share one struct boot (boot.h).  Any failure goes to the
 * failure policy (die.c): PID 1 never exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "boot.h"

/* step 1: the console, then the early mounts */
static void
boot_start(struct boot *b, char **argv, char **envp)
{
	b->t0_us = clock_us();
	b->t0 = b->t0_us / 1000;
	b->argv = argv;
	b->envp = envp;
	boot_console();
	if (boot_mounts(b) < 0)
		b->mounts_failed = true;
	boot_console();	/* without a /dev/console in the archive: devtmpfs's */
	boot_timings_open(b);
}

/* logging: kmsg with levels, the console for what the kernel does not
 * print itself (its console_loglevel), nothing there when quiet */
static void
open_log(const struct boot_opts *o)
{
	int kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
	int console_level = 7;
	char buf[32];

	if (io_read_text("/proc/sys/kernel/printk", buf, sizeof buf) > 0 && buf[0] >= '0' && buf[0] <= '9')
		console_level = buf[0] - '0';	/* the first of four numbers */
	log_init("popinit", kmsg, o->quiet ? -1 : 2);
	log_set_mirror(console_level);
	if (o->loglevel >= 0)
		log_set_level(o->loglevel > LOG_INFO ? LOG_DEBUG : LOG_INFO);
}

/* step 2: the command line, the log it asks for; /init as the kernel ran
 * it; the tree the images go to: rootfs, or for root=tmpfs the new root */
static void
boot_cmdline(struct boot *b)
{
	struct stat self;
	int r = cmdline_read(&b->o);

	if (r == -E2BIG)
		log_warn("the kernel command line is longer than popinit reads: its end is ignored");
	else if (r < 0)
		log_warn("unable to read /proc/cmdline: %s", strerror(-r));
	open_log(&b->o);
	if (b->mounts_failed)
		log_warn("some early mounts failed: going on");
	if ((b->have_self = stat("/init", &self) == 0)) {
		b->self_dev = self.st_dev;
		b->self_ino = self.st_ino;
	}
	b->target = "/";
	if (b->o.root_tmpfs) {
		if (boot_mount_root(b) < 0)
			boot_fail(b, "no root: unable to mount root=tmpfs");
		b->target = BOOT_NEWROOT;
	}
}

/* steps 3, 4 and 6: the images of rootfs, or those on block devices */
static void
boot_unpack(struct boot *b, bool devices)
{
	struct image_stats st = { 0 };
	uint64_t t0 = clock_ms();

	if (boot_images(b, devices, &st) < 0)
		boot_fail(b, "unpacking the images failed");
	if (st.images)
		log_info("unpacked %d image%s%s, %llu KB, %llu files in %llu ms", st.images,
			 st.images == 1 ? "" : "s", devices ? " from block devices" : "",
			 (unsigned long long)(st.bytes / 1024), (unsigned long long)st.files,
			 (unsigned long long)(clock_ms() - t0));
}

/* the end of popinit's part before any hand-over: the scheduler for the
 * disks that came late, the loader stopped and the kernel's helper back */
static void
boot_leave(struct boot *b)
{
	boot_elevator(b);
	boot_modules_end(b);
}

/* the hand-over to an init of rootfs: popinit's mounts undone */
static void
hand_over(struct boot *b, const char *path, char **argv)
{
	boot_leave(b);
	sync();
	log_info("handing over to %s after %llu ms", path, (unsigned long long)boot_ms(b));
	boot_mark(b, "init", path);
	if (!b->o.keep_mounts)
		boot_umounts(b);
	int e = boot_exec(path, argv, b->envp);
	boot_fail(b, "unable to exec %s: %s", path, strerror(-e));
}

/* the kernel's argv for an init: its path, then the words it passed us */
static char **
init_argv(struct boot *b, const char *path)
{
	b->argv[0] = (char *)path;
	return b->argv;
}

/* step 7: an image brought its own /init (another inode) into rootfs */
static bool
init_replaced(const struct boot *b)
{
	struct stat now;

	return b->have_self && !strcmp(b->target, "/") && stat("/init", &now) == 0 &&
	       (now.st_ino != b->self_ino || now.st_dev != b->self_dev);
}

/* it owns the rest of the boot: exec'd as the kernel would have */
static void
boot_exec_replaced_init(struct boot *b)
{
	boot_break(b, "init");
	hand_over(b, "/init", b->argv);
}

/* root=: mount it (unless root=tmpfs did already), switch, exec its init */
static void
boot_switch_root(struct boot *b)
{
	char init[4096];
	struct error why = { 0 };

	if (!b->root_mounted) {
		boot_break(b, "root");
		uint64_t t = clock_us();
		if ((b->slots ? slots_mount_root(b) : boot_mount_root(b)) < 0)
			boot_fail(b, "no root file system");
		boot_time(b, "root", b->o.root, t, clock_us(), 0);
	}
	if (root_find_init(BOOT_NEWROOT, b->o.init, init, sizeof init) < 0)
		boot_fail(b, "no init in the new root (%s, /sbin/init, /etc/init, /bin/init, /bin/sh): not switching",
			  b->o.init ? b->o.init : "no init=");
	boot_break(b, "switch");
	boot_leave(b);
	log_info("switching root to %s, init %s, after %llu ms", b->o.root, init, (unsigned long long)boot_ms(b));
	boot_mark(b, "init", init);
	int e = root_switch(BOOT_NEWROOT, init, init_argv(b, init), b->envp, &why);
	boot_fail(b, "unable to %s: %s", why.msg, strerror(-e));
}

/* popinit.run=PATH: supervised as popinit run does */
static void
boot_run(struct boot *b)
{
	char *run_argv[] = { (char *)b->o.run, NULL };

	log_info("running %s", b->o.run);
	boot_mark(b, "run", b->o.run);
	int status = run_supervise(run_argv, b->envp);
	boot_fail(b, "%s ended with status %d", b->o.run, status);
}

/* the init of rootfs: init=, or the kernel's list */
static void
boot_exec_init(struct boot *b)
{
	char init[4096];

	if (root_find_init("/", b->o.init, init, sizeof init) < 0)
		boot_fail(b, "nothing to run: no root=, and no init in rootfs");
	boot_break(b, "init");
	hand_over(b, init, init_argv(b, init));
}

int
boot_main(int argc, char **argv, char **envp)
{
	static struct boot boot;
	struct boot *b = &boot;
	(void)argc;

	boot_start(b, argv, envp);
	boot_cmdline(b);
	boot_trust(b);
	boot_time(b, "setup", NULL, b->t0_us, clock_us(), 0);
	boot_break(b, "unpack");
	boot_unpack(b, false);
	boot_break(b, "modules");
	if (boot_modules(b) < 0)
		log_warn("going on without modules");
	boot_slots(b);
	boot_unpack(b, true);
	boot_room_restore(b);
	sync();

	if (init_replaced(b))
		boot_exec_replaced_init(b);
	if (b->o.root || b->slots)
		boot_switch_root(b);
	if (b->o.run)
		boot_run(b);
	boot_exec_init(b);
	return 0;	/* not reached */
}
