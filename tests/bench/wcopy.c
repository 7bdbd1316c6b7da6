/* wcopy.c: a benchmark (not a test): three ways of putting bytes into a
 * tmpfs file, timed in the same process, in turn: write(2) from user
 * memory, sendfile(2) from another tmpfs file, and vmsplice(2) into a
 * pipe then splice(2) out of it (unpack/sink_fs.c, lend).  64 MB in
 * 128 KiB pieces from a ring of 16 buffers, as the decoders' output
 * comes; each also with the buffer filled (memset) before its piece goes.
 * Then what decoding straight into the files' pages would cost: each file
 * sized, mapped shared (MAP_POPULATE) and filled there, no copy after;
 * against the filled vmsplice + splice of the same files: one 64 MB file,
 * and 64 MB in files of FILE_SMALL bytes (the sound modules' mean size).
 *
 * As PID 1 (tests/bench/wcopy.sh boots it under QEMU) it mounts a tmpfs on
 * /t and powers off at the end; otherwise it works in DIR (default
 * /dev/shm/wcopy).  One line per round:
 *   WCOPY write MS sendfile MS vmsplice MS | filled: write MS vmsplice MS |
 *         mapped MS | small files: vmsplice MS mapped MS
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define TOTAL (64u << 20)
#define PIECE (128u << 10)
#define RING 16
#define FILE_SMALL (104u << 10)

static unsigned char *ring;
static char dir[256];

static double
now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void
die(const char *what)
{
	fprintf(stderr, "wcopy: %s: %s\n", what, strerror(errno));
	exit(111);
}

static int
create(const char *name)
{
	char path[300];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	(void)unlink(path);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(path);
	return fd;
}

static unsigned char *
piece(unsigned off, int fill)
{
	unsigned char *b = ring + (off / PIECE % RING) * PIECE;
	if (fill)
		memset(b, (int)(off >> 17), PIECE);
	return b;
}

static double
by_write(int fill)
{
	int fd = create("w");
	double t0 = now();
	for (unsigned off = 0; off < TOTAL; off += PIECE)
		if (write(fd, piece(off, fill), PIECE) != (ssize_t)PIECE)
			die("write");
	double t = now() - t0;
	close(fd);
	return t;
}

static double
by_sendfile(int src)
{
	int fd = create("s");
	off_t at = 0;
	double t0 = now();
	while (at < (off_t)TOTAL)
		if (sendfile(fd, src, &at, PIECE) <= 0)
			die("sendfile");
	double t = now() - t0;
	close(fd);
	return t;
}

/* lend: LEN bytes at B into FD by vmsplice into the pipe P and splice */
static void
lend(int fd, const int p[2], unsigned char *b, size_t len)
{
	struct iovec v = { b, len };

	while (v.iov_len) {
		ssize_t n = vmsplice(p[1], &v, 1, 0);
		if (n <= 0)
			die("vmsplice");
		v.iov_base = (char *)v.iov_base + n;
		v.iov_len -= (size_t)n;
		while (n > 0) {
			ssize_t k = splice(p[0], NULL, fd, NULL, (size_t)n, 0);
			if (k <= 0)
				die("splice");
			n -= k;
		}
	}
}

static double
by_splice(int fill)
{
	int fd = create("v"), p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe2");
	(void)fcntl(p[1], F_SETPIPE_SZ, (int)PIECE);
	double t0 = now();
	for (unsigned off = 0; off < TOTAL; off += PIECE)
		lend(fd, p, piece(off, fill), PIECE);
	double t = now() - t0;
	close(fd);
	close(p[0]);
	close(p[1]);
	return t;
}

/* splice_into: LEN bytes of the filled ring into FD from OFF on */
static void
splice_into(int fd, const int p[2], unsigned off, unsigned len)
{
	for (unsigned end = off + len; off < end;) {
		unsigned n0 = PIECE - off % PIECE < end - off ? PIECE - off % PIECE : end - off;
		unsigned char *b = ring + (off / PIECE % RING) * PIECE + off % PIECE;
		memset(b, (int)(off >> 17), n0);	/* as the decoder fills its buffer */
		lend(fd, p, b, n0);
		off += n0;
	}
}

/* map_into: FD sized LEN, mapped, filled as the ring's pieces are */
static void
map_into(int fd, unsigned off, unsigned len)
{
	if (ftruncate(fd, len) < 0)
		die("ftruncate");
	unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (m == MAP_FAILED)
		die("mmap file");
	for (unsigned at = 0; at < len;) {
		unsigned o = off + at, n = PIECE - o % PIECE < len - at ? PIECE - o % PIECE : len - at;
		memset(m + at, (int)(o >> 17), n);
		at += n;
	}
	if (munmap(m, len) < 0)
		die("munmap");
}

/* by_files: TOTAL bytes in files of SIZE, by map_into or splice_into */
static double
by_files(unsigned size, int mapped)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe2");
	(void)fcntl(p[1], F_SETPIPE_SZ, (int)PIECE);
	char name[32];
	double t0 = now();
	for (unsigned off = 0, i = 0; off < TOTAL; off += size, i++) {
		unsigned len = TOTAL - off < size ? TOTAL - off : size;
		snprintf(name, sizeof name, "f%u", i);
		int fd = create(name);
		if (mapped)
			map_into(fd, off, len);
		else
			splice_into(fd, p, off, len);
		if (close(fd) < 0)
			die("close");
	}
	double t = now() - t0;
	close(p[0]);
	close(p[1]);
	return t;
}

int
main(int argc, char **argv)
{
	int pid1 = getpid() == 1, rounds = pid1 ? 5 : 15;

	if (pid1) {
		snprintf(dir, sizeof dir, "/t");
		if (mount("tmpfs", dir, "tmpfs", 0, "size=512m") < 0)
			die("mount /t");
	} else {
		snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : "/dev/shm/wcopy");
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			die(dir);
	}
	ring = mmap(NULL, RING * PIECE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ring == MAP_FAILED)
		die("mmap");
	for (unsigned i = 0; i < RING * PIECE; i++)
		ring[i] = (unsigned char)(i * 7 + (i >> 9));
	int src = create("src");
	for (unsigned off = 0; off < TOTAL; off += PIECE)
		if (write(src, piece(off, 0), PIECE) != (ssize_t)PIECE)
			die("write src");
	for (int r = 0; r < rounds; r++) {
		double w = by_write(0), s = by_sendfile(src), v = by_splice(0);
		double wf = by_write(1), vf = by_splice(1);
		double m = by_files(TOTAL, 1), sv = by_files(FILE_SMALL, 0), sm = by_files(FILE_SMALL, 1);
		printf("WCOPY write %.1f sendfile %.1f vmsplice %.1f | filled: write %.1f vmsplice %.1f | "
		       "mapped %.1f | small files: vmsplice %.1f mapped %.1f\n", w, s, v, wf, vf, m, sv, sm);
		fflush(stdout);
	}
	if (pid1)
		reboot(RB_POWER_OFF);
	return 0;
}
