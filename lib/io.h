/* io.h: full reads and writes, retried on EINTR and short counts.
 * Every function returns a count or 0, or a negative errno. */
#ifndef POPINIT_IO_H
#define POPINIT_IO_H

#include <stddef.h>
#include <sys/types.h>

/* io_read_full: read up to LEN bytes; fewer only at end of file. */
ssize_t io_read_full(int fd, void *buf, size_t len);
/* io_write_full: write all LEN bytes or fail (-ENOSPC, -EIO...). */
int io_write_full(int fd, const void *buf, size_t len);
/* io_close: close FD, preserving errno; returns 0 or -errno. */
int io_close(int fd);

/* io_memfd: an anonymous file (close-on-exec) that can be sealed; the fd. */
int io_memfd(const char *name);
/* io_seal: seal FD against any change (write, grow, shrink, new seals),
 * then rewind it: what a reader gets can no longer change. */
int io_seal(int fd);

#define LEN(a) (sizeof(a) / sizeof *(a))

#endif
