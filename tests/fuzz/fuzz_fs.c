/* fuzz_fs.c: libFuzzer target for the whole unpacker with the filesystem
 * sink (unpack/unpack.c, pipe.c, sink_fs.c behind image.c and cpio.c),
 * confined to a directory: what an image can do to the tree it is
 * unpacked into, and beyond it.
 *
 *   input := image
 *
 * The process gets a mount namespace of its own with a 64 MiB tmpfs as
 * the jail (a full disk is one more input), holding a sentinel file and,
 * for each run, a fresh directory "root" that the image is unpacked into
 * (unpacker_new, unpacker_run from a memfd, unpacker_free) and that is
 * removed afterwards.  The memfd is mapped; the last byte of the input
 * chooses one thread or two, the one before it whether the memfd is
 * consumed (punched as it is unpacked).  Checked: the jail holds exactly the sentinel and
 * root, the sentinel is unchanged (nothing outside root was created,
 * changed or removed, whatever the names, "..", absolute symlinks or
 * hard links in the image); no file descriptor is left open; the result
 * is consistent (-1 exactly when an error, a late problem or a read
 * error is reported).  Needs root (chroot, mknod, chown), as unpack does.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../unpack/unpack.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char jail[64], root[80], sentinel[80];
static struct stat sentinel_st;

static void
die(const char *what)
{
	fprintf(stderr, "fuzz_fs: %s: %s\n", what, strerror(errno));
	abort();
}

static int
fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		die("opendir /proc/self/fd");
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	snprintf(jail, sizeof jail, "/tmp/fuzz_fs.%d", (int)getpid());
	snprintf(root, sizeof root, "%s/root", jail);
	snprintf(sentinel, sizeof sentinel, "%s/sentinel", jail);
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("a mount namespace of its own (run as root)");
	if (mkdir(jail, 0700) < 0 && errno != EEXIST)
		die("mkdir jail");
	if (mount("fuzz_fs", jail, "tmpfs", MS_NOSUID, "size=64m,mode=0700") < 0)
		die("mount the jail's tmpfs");
	int fd = open(sentinel, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, "sentinel\n", 9) != 9 || close(fd) < 0 || lstat(sentinel, &sentinel_st) < 0)
		die("the sentinel");
	return 0;
}

static int
rm(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st, (void)f;
	if ((type == FTW_DP ? rmdir(path) : unlink(path)) < 0)
		die(path);
	return 0;
}

static void
jail_intact(void)
{
	DIR *d = opendir(jail);
	struct dirent *de;
	struct stat st;

	if (!d)
		die("opendir jail");
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		if (strcmp(n, ".") && strcmp(n, "..") && strcmp(n, "root") && strcmp(n, "sentinel")) {
			fprintf(stderr, "fuzz_fs: the image created %s/%s, outside its root\n", jail, n);
			abort();
		}
	}
	closedir(d);
	if (lstat(sentinel, &st) < 0 || st.st_ino != sentinel_st.st_ino || st.st_size != sentinel_st.st_size ||
	    st.st_mode != sentinel_st.st_mode || st.st_uid != sentinel_st.st_uid ||
	    st.st_mtim.tv_sec != sentinel_st.st_mtim.tv_sec || st.st_mtim.tv_nsec != sentinel_st.st_mtim.tv_nsec ||
	    st.st_nlink != 1) {
		fprintf(stderr, "fuzz_fs: the image changed %s, outside its root\n", sentinel);
		abort();
	}
	if (lstat(jail, &st) < 0 || (st.st_mode & 07777) != 0700 || st.st_uid != 0)
		die("the jail itself changed");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct unpack_result res;
	struct error why = { 0 };
	int before = fds();

	if (mkdir(root, 0755) < 0)
		die("mkdir root");
	int fd = memfd_create("fuzz_fs", MFD_CLOEXEC);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || lseek(fd, 0, SEEK_SET) < 0)
		die("memfd");
	/* the image is a memfd, so mapped: one thread or two, by its last
	 * byte, and consumed (punched as it goes) by the one before */
	int flags = size && data[size - 1] & 1 ? UNPACK_THREADS1 : UNPACK_THREADS2;
	if (size > 1 && data[size - 2] & 1)
		flags |= UNPACK_RELEASE;
	struct unpacker *u = unpacker_new(root, flags, &why);
	if (!u) {
		errno = -why.err;
		die(why.msg);
	}
	int r = unpacker_run(u, fd, &res);
	unpacker_free(u);
	close(fd);
	if ((r < 0) != (res.err.msg || res.late.msg || res.read_err)) {
		fprintf(stderr, "fuzz_fs: unpacker_run returned %d, err %s, late %s\n", r,
			res.err.msg ? res.err.msg : "none", res.late.msg ? res.late.msg : "none");
		abort();
	}
	if (fds() != before) {
		fprintf(stderr, "fuzz_fs: %d descriptors open after the run, %d before\n", fds(), before);
		abort();
	}
	jail_intact();
	/* the tree may hold directories of mode 0: root goes through them */
	if (nftw(root, rm, 16, FTW_DEPTH | FTW_PHYS) < 0)
		die("removing root");
	return 0;
}
