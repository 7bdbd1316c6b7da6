/* io.c: the EINTR and short-count loops, written once. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
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
