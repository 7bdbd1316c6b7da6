/* fuzz_fs.c: libFuzzer target for the whole unpacker with the filesystem
 * sink (unpack/unpack.c, pipe.c, sink_fs.c behind image.c and cpio.c),
 * confined to a directory: what an image can do to the tree it is
 * unpacked into, and beyond it.
 *
 *   input := image
 *
 * The process gets a mount namespace of its own with a small tmpfs as the
 * jail (1 MiB, 512 inodes: a full disk is one more input), holding a
 * sentinel file and the directory "root" that each image is unpacked
 * into (unpacker_run from a memfd, which the unpacker maps).  The last
 * byte of the input chooses one thread or two (UNPACK_THREADS1, 2), the
 * one before it whether the memfd is consumed (UNPACK_RELEASE: punched as
 * it is unpacked).  Checked: the jail holds exactly the sentinel and
 * root, the sentinel is unchanged (nothing outside root was created,
 * changed or removed, whatever the names, "..", absolute symlinks or hard
 * links in the image); no file descriptor is left open; the result is
 * consistent (-1 exactly when an error, a late problem or a read error is
 * reported).  Needs root (chroot, mknod, chown), as unpack does.
 *
 * The output cap (fuzz.h): a first pass through image.c with a sink that
 * only counts (FUZZ_ENTRY_COST bytes an entry, and the data; the input
 * read in place, as the unpacker reads the mapped memfd) stops at
 * FUZZ_OUT_CAP; an image that reaches it is not unpacked (its decoders
 * would run megabytes ahead of a writer stopped by the full disk).
 *
 * The unpackers are kept between runs, as one serves every image of a
 * boot (unpack.h: each image is unpacked as the kernel unpacks one
 * buffer): the flags are the unpacker's, so there is one for each of the
 * four combinations, all made at the start (their writers confined to
 * root), each serving the inputs that choose it.  Between runs root is
 * emptied and given back its mode and owner.  A crash that does not
 * replay alone (the reproducer runs in a fresh process) is then state
 * left from one image to the next: a bug too.
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
#include "fuzz.h"

/* fuzz-options: -max_len=65536 (the corpus images, the 107 KiB tool-* ones cut to 64 KiB) */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char jail[64], root[80], sentinel[80];
static struct stat sentinel_st;
/* the unpackers, by flags: [release * 2 + two threads] */
static struct unpacker *us[4];

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
	if (mount("fuzz_fs", jail, "tmpfs", MS_NOSUID, "size=1m,nr_inodes=512,mode=0700") < 0)
		die("mount the jail's tmpfs");
	int fd = open(sentinel, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, "sentinel\n", 9) != 9 || close(fd) < 0 || lstat(sentinel, &sentinel_st) < 0)
		die("the sentinel");
	if (mkdir(root, 0755) < 0)
		die("mkdir root");
	for (int i = 0; i < 4; i++) {
		struct error why = { 0 };
		int flags = (i & 1 ? UNPACK_THREADS2 : UNPACK_THREADS1) | (i & 2 ? UNPACK_RELEASE : 0);
		if (!(us[i] = unpacker_new(root, flags, &why))) {
			errno = -why.err;
			die(why.msg);
		}
	}
	return 0;
}

/* the counting pass: whether the image's entries and data pass the cap */
static uint64_t spent;

static int
count_entry(void *ctx, const struct cpio_entry *e)
{
	(void)ctx, (void)e;
	spent += FUZZ_ENTRY_COST;
	return spent > FUZZ_OUT_CAP ? -1 : 0;
}

static int
count_data(void *ctx, const void *buf, size_t len)
{
	(void)ctx, (void)buf;
	spent += len;
	return spent > FUZZ_OUT_CAP ? -1 : 0;
}

static int
count_end(void *ctx, uint32_t sum)
{
	(void)ctx, (void)sum;
	return 0;
}

static int
count_trailer(void *ctx)
{
	(void)ctx;
	return 0;
}

static int
over_cap(const uint8_t *data, size_t size)
{
	static struct image im;
	static const struct cpio_sink count = { count_entry, count_data, count_end, count_trailer, NULL };

	spent = 0;
	image_init(&im, &count);
	im.mapped = true;
	im.map = data;
	im.map_end = data + size;
	(void)image_push(&im, data, size);
	(void)image_finish(&im);
	return spent > FUZZ_OUT_CAP;
}

static int
rm(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	if (f->level && (type == FTW_DP ? rmdir(path) : unlink(path)) < 0)
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

	if (over_cap(data, size))
		return 0;
	/* one thread or two by the last byte, the memfd consumed (punched
	 * as it goes) by the one before */
	struct unpacker *u = us[(size && data[size - 1] & 1 ? 0 : 1) | (size > 1 && data[size - 2] & 1 ? 2 : 0)];
	int before = fds();
	int fd = memfd_create("fuzz_fs", MFD_CLOEXEC);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || lseek(fd, 0, SEEK_SET) < 0)
		die("memfd");
	int r = unpacker_run(u, fd, &res);
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
	/* the tree may hold directories of mode 0: root goes through them;
	 * root itself stays (the writer is chrooted into it), as it was */
	if (nftw(root, rm, 16, FTW_DEPTH | FTW_PHYS) < 0 || chmod(root, 0755) < 0 || chown(root, 0, 0) < 0)
		die("emptying root");
	return 0;
}
