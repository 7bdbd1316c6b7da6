/* io.c: the EINTR and short-count loops, written once. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "io.h"

ssize_t
io_read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, (char *)buf + got, len - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int
io_write_full(int fd, const void *buf, size_t len)
{
	while (len) {
		ssize_t r = write(fd, buf, len);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EIO;
		buf = (const char *)buf + r;
		len -= (size_t)r;
	}
	return 0;
}

int
io_send_full(int out, int in, uint64_t off, size_t len, size_t *done)
{
	off_t at = (off_t)off;

	for (*done = 0; *done < len;) {
		ssize_t r = sendfile(out, in, &at, len - *done);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EIO;	/* IN ends before OFF + LEN */
		*done += (size_t)r;
	}
	return 0;
}

int
io_splice_full(int out, const int p[2], const void *buf, size_t len, size_t *done)
{
	struct iovec v = { .iov_base = (void *)buf, .iov_len = len };

	for (*done = 0; *done < len;) {
		ssize_t n = vmsplice(p[1], &v, 1, 0);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return n < 0 ? -errno : -EIO;
		}
		v.iov_base = (char *)v.iov_base + n;
		v.iov_len -= (size_t)n;
		while (n > 0) {
			ssize_t k = splice(p[0], NULL, out, NULL, (size_t)n, 0);
			if (k <= 0) {
				if (k < 0 && errno == EINTR)
					continue;
				return k < 0 ? -errno : -EIO;
			}
			n -= k;
			*done += (size_t)k;
		}
	}
	return 0;
}

int
io_close(int fd)
{
	int saved = errno, r = 0;

	/* Linux always releases the fd, even on EINTR: never retry */
	if (close(fd) < 0 && errno != EINTR)
		r = -errno;
	errno = saved;
	return r;
}

int
io_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = pread(fd, (char *)buf + got, len - got, (off_t)(off + got));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EIO;
		got += (size_t)r;
	}
	return 0;
}

int
io_direct(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl >= 0 && fcntl(fd, F_SETFL, fl | O_DIRECT) == 0 ? fl : -1;
}

ssize_t
io_pread_direct(int fd, void *buf, size_t len, uint64_t off, int *flags)
{
	for (;;) {
		ssize_t r = pread(fd, buf, len, (off_t)off);
		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		if (errno != EINVAL || *flags < 0)
			return -errno;
		io_undirect(fd, *flags);
		*flags = -1;
	}
}

void
io_undirect(int fd, int flags)
{
	if (flags >= 0)
		(void)fcntl(fd, F_SETFL, flags);
}

static int
open_read(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	return fd < 0 ? -errno : fd;
}

ssize_t
io_read_file(const char *path, void *buf, size_t size)
{
	int fd = open_read(path);

	if (fd < 0)
		return fd;
	ssize_t n = io_read_full(fd, buf, size);
	char extra;
	if (n >= 0 && (size_t)n == size && io_read_full(fd, &extra, 1) > 0)
		n = -EFBIG;
	(void)io_close(fd);
	return n;
}

ssize_t
io_read_text(const char *path, char *buf, size_t size)
{
	int fd = open_read(path);
	ssize_t n = fd < 0 ? fd : io_read_full(fd, buf, size - 1);

	if (fd >= 0)
		(void)io_close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

int
io_slurp(const char *path, size_t max, char **buf, size_t *len)
{
	int fd = open_read(path);
	struct stat st;

	if (fd < 0)
		return fd;
	if (max > SIZE_MAX / 2)
		max = SIZE_MAX / 2;	/* no limit: max + 1 must not wrap */
	int r = fstat(fd, &st) < 0 ? -errno : (uint64_t)st.st_size > max ? -EFBIG : 0;
	/* fstat's size is a first guess: /proc and /sys files say 0, and
	 * may hold more than it said by the time they are read */
	size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, n = 0;
	if (cap > max + 1)
		cap = max + 1;
	char *b = NULL;
	while (!r) {
		char *nb = realloc(b, cap);
		if (!nb) {
			r = -ENOMEM;
			break;
		}
		b = nb;
		ssize_t got = io_read_full(fd, b + n, cap - 1 - n);
		if (got < 0) {
			r = (int)got;
			break;
		}
		n += (size_t)got;
		if (n < cap - 1)
			break;		/* the end */
		if (n >= max) {
			char c;
			got = io_read_full(fd, &c, 1);
			r = got < 0 ? (int)got : got ? -EFBIG : 0;
			break;
		}
		cap = n > max / 2 ? max + 1 : 2 * n + 1;
	}
	(void)io_close(fd);
	if (r < 0) {
		free(b);
		return r;
	}
	b[n] = '\0';
	*buf = b;
	if (len)
		*len = n;
	return 0;
}

int
io_memfd(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);

	return fd < 0 ? -errno : fd;
}

int
io_seal(int fd)
{
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	return 0;
}

int
io_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size) < 0 ? -errno : 0;
	return -ESPIPE;
}
