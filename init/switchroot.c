/* switchroot.c: make a mounted new root "/", the way the best peers do it
 * combined: sync; move /dev /proc /sys /run into the new root; try
 * pivot_root (kernels whose rootfs can be pivoted); otherwise empty the
 * old rootfs without crossing into other mounts, MS_MOVE the new root onto
 * "/", chroot.  Nothing is destroyed before the new root's init is known
 * to be there and executable.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/io.h"
#include "../lib/log.h"
#include "boot.h"

/* the kernel's list when init= is absent or fails */
static const char *const fallback[] = { "/sbin/init", "/etc/init", "/bin/init", "/bin/sh" };

static bool
executable(const char *newroot, const char *path)
{
	struct stat st;

	/* stat follows symlinks; the link may be absolute, meant for the new
	 * root: resolve it there */
	int dfd = open(newroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return false;
	bool ok = false;
	char rel[4096];
	snprintf(rel, sizeof rel, "%s", path[0] == '/' ? path + 1 : path);
	for (int hops = 0; hops < 40; hops++) {
		if (fstatat(dfd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
			break;
		if (!S_ISLNK(st.st_mode)) {
			ok = S_ISREG(st.st_mode) && (st.st_mode & 0111);
			break;
		}
		char target[4096];
		ssize_t n = readlinkat(dfd, rel, target, sizeof target - 1);
		if (n < 0)
			break;
		target[n] = '\0';
		if (target[0] == '/') {
			memmove(rel, target + 1, (size_t)n);
		} else {
			/* replace the last component of REL by the target */
			char *slash = strrchr(rel, '/');
			size_t keep = slash ? (size_t)(slash - rel) + 1 : 0;
			if (keep + (size_t)n >= sizeof rel)
				break;
			memcpy(rel + keep, target, (size_t)n + 1);
		}
	}
	(void)io_close(dfd);
	return ok;
}

int
root_find_init(const char *newroot, const char *init, char *out, size_t size)
{
	if (init) {
		if (executable(newroot, init)) {
			snprintf(out, size, "%s", init);
			return 0;
		}
		log_warn("init=%s is not an executable file in the new root: trying the defaults", init);
	}
	for (size_t i = 0; i < sizeof fallback / sizeof *fallback; i++) {
		if (executable(newroot, fallback[i])) {
			snprintf(out, size, "%s", fallback[i]);
			return 0;
		}
	}
	return -ENOENT;
}

/* delete everything under DFD that is on device DEV; never crosses into
 * another mount (the new root, moved mounts) */
static void
wipe(int dfd, dev_t dev, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		(void)io_close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth < 256) {
				int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (sub >= 0)
					wipe(sub, dev, depth + 1);
			}
			(void)unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
		} else {
			(void)unlinkat(dirfd(d), de->d_name, 0);
		}
	}
	closedir(d);
}

static void
move_mounts(const char *newroot, dev_t rootdev)
{
	static const char *const pseudo[] = { "/dev", "/proc", "/sys", "/run" };

	for (size_t i = 0; i < sizeof pseudo / sizeof *pseudo; i++) {
		struct stat st;
		char dst[4096];
		if (stat(pseudo[i], &st) < 0 || st.st_dev == rootdev)
			continue;	/* not a mount point */
		snprintf(dst, sizeof dst, "%s%s", newroot, pseudo[i]);
		if ((mkdir(dst, 0755) == 0 || errno == EEXIST) &&
		    mount(pseudo[i], dst, NULL, MS_MOVE, NULL) == 0)
			continue;
		log_warn("unable to move %s into the new root (%s): detached", pseudo[i], strerror(errno));
		(void)umount2(pseudo[i], MNT_DETACH);
	}
}

/* fail: the step WHAT failed with -errno R (or errno) */
static int
fail(struct error *e, const char *what, int r)
{
	r = r ? r : -errno;
	error_set(e, what, NULL, r, NULL, 0);
	return r;
}

int
root_switch(const char *newroot, const char *init, char *const argv[], char *const envp[],
	    struct error *e)
{
	struct stat root_st, new_st;
	struct statfs sf;

	sync();
	if (stat("/", &root_st) < 0 || stat(newroot, &new_st) < 0)
		return fail(e, "examine the roots", 0);
	if (root_st.st_dev == new_st.st_dev)
		return fail(e, "switch: the new root is not a mount point", -EINVAL);
	move_mounts(newroot, root_st.st_dev);
	if (chdir(newroot) < 0)
		return fail(e, "enter the new root", 0);
	if (syscall(SYS_pivot_root, ".", ".") == 0) {
		/* the old root is now stacked under the new one: let it go */
		if (umount2(".", MNT_DETACH) < 0)
			log_warn("unable to detach the old root: %s", strerror(errno));
		log_debug("switched root with pivot_root");
	} else {
		/* rootfs cannot be pivoted (before Linux 7.0): free its RAM,
		 * but only if it is a RAM filesystem */
		if (statfs("/", &sf) == 0 && (sf.f_type == RAMFS_MAGIC || sf.f_type == TMPFS_MAGIC)) {
			int dfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dfd >= 0)
				wipe(dfd, root_st.st_dev, 0);
		} else {
			log_warn("the old root is not a RAM filesystem: left as it is");
		}
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			return fail(e, "move the new root onto /", 0);
		if (chroot(".") < 0)
			return fail(e, "chroot into the new root", 0);
	}
	if (chdir("/") < 0)
		return fail(e, "chdir to /", 0);
	return fail(e, "exec the new root's init", boot_exec(init, argv, envp));
}
