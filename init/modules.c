/* modules.c: step 5 of the boot plan: the modules of the unpacked images.
 *
 *   /lib/modules/$(uname -r) of the tree the images went to; then
 *   - the kernel asks popinit for modules it wants (/proc/sys/kernel/modprobe
 *     points at popinit until the hand-over)
 *   - elevator=NAME: its scheduler module, set on every disk
 *   - modules-load=, rd.modules-load=, the .conf files of /etc/modules-load.d
 *   - coldplug: the drivers of every device present and of those revealed
 *   - the root filesystem's module, once its type is known (root.c)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "../lib/str.h"
#include "../modload/modload.h"
#include "boot.h"

#define HELPER_DIR BOOT_RUN_DIR
#define HELPER HELPER_DIR "/modprobe"
#define SYSCTL_MODPROBE "/proc/sys/kernel/modprobe"

static void
write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_TRUNC);
	if (fd < 0)
		return;
	(void)io_write_full(fd, text, strlen(text));
	(void)io_close(fd);
}

/* kernel requests (fs-*, crypto-*, *-iosched...) come to popinit */
static void
helper_on(struct boot *b)
{
	(void)io_read_text(SYSCTL_MODPROBE, b->old_helper, sizeof b->old_helper);
	b->old_helper[strcspn(b->old_helper, "\n")] = '\0';
	(void)mkdir(HELPER_DIR, 0755);
	if (symlink("/init", HELPER) < 0 && errno != EEXIST) {
		log_warn("unable to link %s: %s", HELPER, strerror(errno));
		return;
	}
	write_file(SYSCTL_MODPROBE, HELPER "\n");
}

/* the failures not reported yet */
static void
report(struct boot *b)
{
	int nf;
	const struct modload_fail *f = modload_failures(b->ml, &nf);

	for (int i = b->mod_reported; i < nf; i++, b->mod_reported++) {
		if (f[i].blacklist)
			log_info("module %s not loaded: blacklisted by %s", f[i].name, f[i].blacklist);
		else if (f[i].dep)
			log_warn("module %s not loaded: its dependency %s failed", f[i].name, f[i].dep);
		else if (f[i].required && f[i].err != -ENODEV)
			log_warn("unable to load module %s: %s (%s)", f[i].name, strerror(-f[i].err), mod_why(f[i].err));
		else
			log_debug("module %s: %s", f[i].name, strerror(-f[i].err));
	}
}

/* the loads that ended since the last call, one timing row each */
static void
time_loads(struct boot *b)
{
	struct modload_time t;
	uint64_t now = clock_us();

	for (int k = 0; modload_time(b->ml, k, &t) >= 0; k++)
		if (t.end > b->mod_timed && t.end <= now)
			boot_time(b, "module", t.name, t.start, t.end, t.thread);
	b->mod_timed = now;
}

/* a name from a modules-load.d file or a modules-load= list */
static void
request(struct boot *b, const char *name)
{
	/* systemd's modules-load: the blacklist hides names too */
	if (modload_request(b->ml, name, NULL, MOD_APPLY_BLACKLIST) == -ENOENT)
		log_warn("module %s not found", name);
}

static void
modules_load_d(struct boot *b, const char *root)
{
	char dir[4096];
	struct dirent **names;

	str_printf(dir, sizeof dir, "%s/etc/modules-load.d", root);
	int n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		size_t l = strlen(names[i]->d_name);
		char path[4352];
		if (l > 5 && !strcmp(names[i]->d_name + l - 5, ".conf") &&
		    str_printf(path, sizeof path, "%s/%s", dir, names[i]->d_name) > 0) {
			char *text = NULL;
			/* one name a line; comments start with # or ; */
			if (io_slurp(path, 65535, &text, NULL) == 0)
				for (char *l2 = text, *next; l2 && *l2; l2 = next) {
					next = strchr(l2, '\n');
					if (next)
						*next++ = '\0';
					char *c = l2 + strspn(l2, " \t");
					c[strcspn(c, " \t\r")] = '\0';
					if (*c && *c != '#' && *c != ';')
						request(b, c);
				}
			free(text);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

void
boot_elevator(const struct boot *b)
{
	const struct boot_opts *o = &b->o;

	if (!o->elevator)
		return;
	DIR *d = opendir("/sys/block");
	struct dirent *de;
	while (d && (de = readdir(d))) {
		char path[320], cur[256];
		if (de->d_name[0] == '.' ||
		    str_printf(path, sizeof path, "/sys/block/%s/queue/scheduler", de->d_name) < 0)
			continue;
		if (io_read_text(path, cur, sizeof cur) < 0)
			continue;
		char want[64];
		str_printf(want, sizeof want, "[%s]", o->elevator);
		/* "none" alone: a disk without schedulers; or already set */
		if (!strcmp(cur, "none\n") || strstr(cur, want))
			continue;
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		int r = fd < 0 ? -errno : io_write_full(fd, o->elevator, strlen(o->elevator));
		if (fd >= 0)
			(void)io_close(fd);
		if (r < 0)
			log_warn("unable to set the %s scheduler on %s: %s", o->elevator, de->d_name, strerror(-r));
		else
			log_info("%s: scheduler %s", de->d_name, o->elevator);
	}
	if (d)
		closedir(d);
}

/* the database of ROOT's modules and a loader for it; 0, or -1 when
 * there are modules but no loader (logged) */
static int
modules_open(struct boot *b, const char *root)
{
	struct utsname u;
	char dir[4096];
	int err;

	if (uname(&u) < 0 || str_printf(dir, sizeof dir, "%s/lib/modules/%s", root, u.release) < 0)
		return 0;
	b->db = moddb_open(dir, root, b->o.words, b->o.n_words, &err);
	if (!b->db) {
		if (err != -ENOENT)
			log_warn("unable to read the modules of %s: %s", dir, strerror(-err));
		else
			log_debug("no modules in %s", dir);
		return 0;
	}
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	b->ml = modload_new(b->db, cpus > 0 ? (int)cpus : 1);
	if (!b->ml) {
		log_warn("unable to start the module loader");
		moddb_close(b->db);
		b->db = NULL;
		return -1;
	}
	return 0;
}

/* elevator=NAME: NAME-iosched (or NAME), loaded before the disks'
 * drivers: new disks may get it */
static void
elevator_module(struct boot *b)
{
	const char *e = b->o.elevator;
	char name[80];

	str_printf(name, sizeof name, "%s-iosched", e);
	if (modload_request(b->ml, name, NULL, 0) == -ENOENT && modload_request(b->ml, e, NULL, 0) == -ENOENT)
		log_warn("elevator=%s: no such scheduler module", e);
	(void)modload_wait(b->ml);
}

/* modules-load= and rd.modules-load=: comma lists */
static void
modules_load_cmdline(struct boot *b)
{
	const struct boot_opts *o = &b->o;

	for (int i = 0; i < o->n_words; i++) {
		const char *k = o->words[i].key;
		if (o->words[i].val && (!strcmp(k, "modules-load") || !strcmp(k, "rd.modules-load"))) {
			char list[1024], *s = list, *t;
			str_printf(list, sizeof list, "%s", o->words[i].val);
			while ((t = str_item(&s, ',')))
				if (*t != '#' && *t != ';')
					request(b, t);
		}
	}
}

int
boot_modules(struct boot *b)
{
	/* "" for rootfs: the paths of modprobe.d and modules-load.d */
	const char *root = strcmp(b->target, "/") ? b->target : "";
	uint64_t t0 = clock_ms(), t0_us = clock_us();

	if (b->o.no_modules) {
		log_info("modules: none loaded (popinit.modules=off)");
		return 0;
	}
	if (modules_open(b, root) < 0)
		return -1;
	if (!b->ml)
		return 0;
	if (!*root)
		helper_on(b);
	if (b->o.elevator)
		elevator_module(b);
	modules_load_cmdline(b);
	modules_load_d(b, root);
	(void)modload_wait(b->ml);
	int aliases = modload_coldplug(b->ml);
	report(b);
	log_info("loaded %d modules (%d devices) in %llu ms", modload_loaded(b->ml), aliases,
		 (unsigned long long)(clock_ms() - t0));
	boot_time(b, "modules", NULL, t0_us, clock_us(), 0);
	time_loads(b);
	boot_elevator(b);
	return 0;
}

int
boot_module(struct boot *b, const char *name)
{
	if (!b->ml)
		return -ENOENT;
	int r = modload_request(b->ml, name, NULL, 0);
	if (r >= 0)
		(void)modload_wait(b->ml);
	report(b);
	return r;
}

void
boot_modules_end(struct boot *b)
{
	if (b->old_helper[0]) {
		write_file(SYSCTL_MODPROBE, b->old_helper);
		(void)unlink(HELPER);
		(void)rmdir(HELPER_DIR);
		b->old_helper[0] = '\0';
	}
	if (b->ml)
		time_loads(b);
	modload_free(b->ml);
	b->ml = NULL;
	moddb_close(b->db);
	b->db = NULL;
}
