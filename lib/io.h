/* io.h: full reads and writes, retried on EINTR and short counts.
 * Every function returns a count or 0, or a negative errno. */
#ifndef POPINIT_IO_H
#define POPINIT_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* io_read_full: read up to LEN bytes; fewer only at end of file. */
ssize_t io_read_full(int fd, void *buf, size_t len);
/* io_write_full: write all LEN bytes or fail (-ENOSPC, -EIO...). */
int io_write_full(int fd, const void *buf, size_t len);
/* io_send_full: LEN bytes of IN from offset OFF written to OUT, copied by
 * the kernel (sendfile: no user mapping or buffer between); 0, or -errno
 * with *DONE the bytes written before it. */
int io_send_full(int out, int in, uint64_t off, size_t len, size_t *done);
/* io_splice_full: LEN bytes at BUF written to OUT through the pipe P:
 * vmsplice lends the pages, splice copies them to OUT inside the kernel
 * (no copy_from_user); P is empty again when it returns 0.  -errno with
 * *DONE the bytes written before it, P perhaps not empty (close it);
 * -EINVAL: OUT (or vmsplice) takes no splice, *DONE written before it. */
int io_splice_full(int out, const int p[2], const void *buf, size_t len, size_t *done);
/* io_close: close FD, preserving errno; returns 0 or -errno. */
int io_close(int fd);
/* io_pread_full: LEN bytes at offset OFF: 0, or -EIO when the file ends
 * first (a device shorter than its table says, a file that shrank). */
int io_pread_full(int fd, void *buf, size_t len, uint64_t off);

/* Reads of a block device into page-aligned memory, past its page cache:
 * io_direct: O_DIRECT on FD; FD's flags before (for io_undirect), or -1
 * when the device refuses it.
 * io_pread_direct: pread at OFF, EINTR retried; an EINVAL while *FLAGS >= 0
 * (O_DIRECT refused after all, or an offset a short read left unaligned)
 * turns O_DIRECT off (*FLAGS becomes -1) and reads again through the page
 * cache.  The bytes read (0 at the end), or -errno.
 * io_undirect: FD's flags back (FLAGS from io_direct; -1: nothing to do). */
int io_direct(int fd);
ssize_t io_pread_direct(int fd, void *buf, size_t len, uint64_t off, int *flags);
void io_undirect(int fd, int flags);

/* io_size: the size of a regular file or a block device (BLKGETSIZE64);
 * -ESPIPE for anything else. */
int io_size(int fd, uint64_t *size);
/* Small files, read whole by name (open O_CLOEXEC | O_NOCTTY):
 * io_read_file: PATH into BUF: its length, or -EFBIG when it holds more
 * than SIZE bytes (a key, a list: never cut short).
 * io_read_text: the start of PATH as a string, at most SIZE - 1 bytes
 * and a NUL (a /proc or /sys value); its length (BUF "" on failure).
 * io_slurp: PATH to its end in a malloc'd buffer with a NUL after it, if
 * it holds at most MAX bytes (fstat's size is only a first guess: /proc
 * files say 0); 0 with *BUF and *LEN (LEN may be NULL), or -EFBIG or
 * another -errno. */
ssize_t io_read_file(const char *path, void *buf, size_t size);
ssize_t io_read_text(const char *path, char *buf, size_t size);
int io_slurp(const char *path, size_t max, char **buf, size_t *len);

/* io_memfd: an anonymous file (close-on-exec) that can be sealed; the fd. */
int io_memfd(const char *name);
/* io_seal: seal FD against any change (write, grow, shrink, new seals),
 * then rewind it: what a reader gets can no longer change. */
int io_seal(int fd);

#define LEN(a) (sizeof(a) / sizeof *(a))

#endif
