/* main.c: popinit as the kernel's /init.  The boot plan, one call a step:
 *
 *   1. fds 0-2 on the console; devtmpfs on /dev, proc, sysfs, tmpfs on /run
 *   2. the kernel command line
 *   3. the images: the files of /initramfs.d, then popinit.image= paths,
 *      each verified first if a key is trusted (keys read before any image)
 *   4. unpack them into rootfs (or into the new root for root=tmpfs)
 *   5. modules: the kernel's requests, elevator=, lists, coldplug
 *   6. images on block devices (popinit.image=LABEL=... and the like)
 *   7. sync, then one of:
 *      - an image replaced /init: exec it, as the kernel would have
 *      - root=: mount it, switch root, exec its init
 *      - popinit.run=PATH: supervise PATH
 *      - exec init=, /sbin/init, /etc/init, /bin/init or /bin/sh of rootfs
 *
 * Any failure goes to the failure policy (die.c): PID 1 never exits.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/io.h"
#include "../lib/log.h"
#include "boot.h"

#define NEWROOT "/root"

static struct boot_opts opts;
static char cmdline_text[CMDLINE_MAX + 1];

static void
read_cmdline(struct boot_opts *o)
{
	char *text = cmdline_text;
	ssize_t n = io_read_text("/proc/cmdline", text, sizeof cmdline_text);

	if (n < 0)
		log_warn("unable to read /proc/cmdline: %s", strerror((int)-n));
	if (cmdline_parse(o, text) < 0)
		log_warn("the kernel command line is longer than popinit reads: its end is ignored");
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

/* the kernel's argv for an init: its path, then the words it passed us */
static char **
init_argv(char **argv, const char *path)
{
	argv[0] = (char *)path;
	return argv;
}

/* the hand-over to an init of rootfs: popinit's mounts undone */
static void
hand_over(const struct boot_opts *o, const char *path, char **argv, char **envp)
{
	boot_elevator(o);
	boot_modules_end();
	sync();
	log_info("handing over to %s after %llu ms", path, (unsigned long long)boot_time_ms());
	if (!o->keep_mounts)
		boot_umounts();
	int e = boot_exec(path, argv, envp);
	boot_fail(o, "unable to exec %s: %s", path, strerror(-e));
}

/* steps 3, 4 and 6: the images of rootfs, or those on block devices */
static void
unpack_phase(const struct boot_opts *o, const char *target, bool devices)
{
	struct image_stats st = { 0 };
	uint64_t t0 = boot_time_ms();

	if (boot_images(o, target, devices, &st) < 0)
		boot_fail(o, "unpacking the images failed");
	if (st.images)
		log_info("unpacked %d image%s%s, %llu KB, %llu files in %llu ms", st.images,
			 st.images == 1 ? "" : "s", devices ? " from block devices" : "",
			 (unsigned long long)(st.bytes / 1024), (unsigned long long)st.files,
			 (unsigned long long)(boot_time_ms() - t0));
}

int
boot_main(int argc, char **argv, char **envp)
{
	struct boot_opts *o = &opts;
	struct stat self;
	char init[4096];
	(void)argc;

	boot_console();
	int mr = boot_mounts();
	boot_console();	/* without a /dev/console in the archive: devtmpfs's */
	read_cmdline(o);
	open_log(o);
	if (mr < 0)
		log_warn("some early mounts failed: going on");
	bool have_self = stat("/init", &self) == 0;

	const char *target = "/";
	if (o->root && !strcmp(o->root, "tmpfs")) {
		if (boot_mount_root(o, NEWROOT) < 0)
			boot_fail(o, "no root: unable to mount root=tmpfs");
		target = NEWROOT;
	}

	boot_trust(o);
	boot_break(o, "unpack");
	unpack_phase(o, target, false);
	boot_break(o, "modules");
	if (boot_modules(o, target, cmdline_text) < 0)
		log_warn("going on without modules");
	unpack_phase(o, target, true);
	sync();

	/* an image brought its own /init: it owns the rest of the boot */
	struct stat now;
	if (have_self && !strcmp(target, "/") && stat("/init", &now) == 0 &&
	    (now.st_ino != self.st_ino || now.st_dev != self.st_dev)) {
		boot_break(o, "init");
		hand_over(o, "/init", argv, envp);
	}

	if (o->root) {
		if (strcmp(o->root, "tmpfs")) {
			boot_break(o, "root");
			if (boot_mount_root(o, NEWROOT) < 0)
				boot_fail(o, "no root file system");
		}
		if (root_find_init(NEWROOT, o->init, init, sizeof init) < 0)
			boot_fail(o, "no init in the new root (%s, /sbin/init, /etc/init, /bin/init, /bin/sh): not switching",
				  o->init ? o->init : "no init=");
		boot_break(o, "switch");
		boot_elevator(o);
		boot_modules_end();
		log_info("switching root to %s, init %s, after %llu ms", o->root, init,
			 (unsigned long long)boot_time_ms());
		const char *what;
		int e = root_switch(NEWROOT, init, init_argv(argv, init), envp, &what);
		boot_fail(o, "unable to %s: %s", what, strerror(-e));
	}

	if (o->run) {
		char *run_argv[] = { (char *)o->run, NULL };
		log_info("running %s", o->run);
		int status = run_supervise(run_argv, envp);
		boot_fail(o, "%s ended with status %d", o->run, status);
	}

	if (root_find_init("/", o->init, init, sizeof init) < 0)
		boot_fail(o, "nothing to run: no root=, and no init in rootfs");
	boot_break(o, "init");
	hand_over(o, init, init_argv(argv, init), envp);
	return 0;	/* not reached */
}
