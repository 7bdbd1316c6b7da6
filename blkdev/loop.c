/* loop.c: see loop.h */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "../lib/io.h"
#include "../lib/str.h"
#include "loop.h"

/* <linux/loop.h> */
struct loop_info64 {
	uint64_t device, inode, rdevice, offset, sizelimit;
	uint32_t number, encrypt_type, encrypt_key_size, flags;
	uint8_t file_name[64], crypt_name[64], encrypt_key[32];
	uint64_t init[2];
};

struct loop_config {
	uint32_t fd, block_size;
	struct loop_info64 info;
	uint64_t reserved[8];
};

_Static_assert(sizeof(struct loop_info64) == 232, "struct loop_info64 is 232 bytes");
_Static_assert(sizeof(struct loop_config) == 304, "struct loop_config is 304 bytes");

#define LOOP_SET_FD 0x4C00
#define LOOP_CLR_FD 0x4C01
#define LOOP_SET_STATUS64 0x4C04
#define LOOP_CONFIGURE 0x4C0A
#define LOOP_CTL_GET_FREE 0x4C82
#define LO_FLAGS_READ_ONLY 1

/* FILEFD on the loop device DEVFD, as CONFIG says */
static int
configure(int devfd, int filefd, struct loop_config *c)
{
	if (ioctl(devfd, LOOP_CONFIGURE, c) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOTTY)
		return -errno;
	/* before 5.8: in two steps (read-only follows FILEFD's mode) */
	if (ioctl(devfd, LOOP_SET_FD, filefd) < 0)
		return -errno;
	if (ioctl(devfd, LOOP_SET_STATUS64, &c->info) == 0)
		return 0;
	int r = -errno;
	(void)ioctl(devfd, LOOP_CLR_FD, 0);
	return r;
}

int
loop_attach(const char *file, bool rw, char *path, size_t size, dev_t *dev)
{
	int mode = (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC;
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return -errno;
	int n = ioctl(ctl, LOOP_CTL_GET_FREE);
	int r = n < 0 ? -errno : str_printf(path, size, "/dev/loop%d", n);
	(void)io_close(ctl);
	if (r < 0)
		return r;
	int filefd = open(file, mode);
	if (filefd < 0)
		return -errno;
	int fd = open(path, mode);
	r = fd < 0 ? -errno : 0;
	if (!r) {
		struct loop_config c;
		struct stat st;
		memset(&c, 0, sizeof c);
		c.fd = (uint32_t)filefd;
		c.info.flags = rw ? 0 : LO_FLAGS_READ_ONLY;
		snprintf((char *)c.info.file_name, sizeof c.info.file_name, "%s", file);
		if ((r = configure(fd, filefd, &c)) == 0 && fstat(fd, &st) == 0)
			*dev = st.st_rdev;
		else if (!r)
			r = -errno;
		(void)io_close(fd);
	}
	(void)io_close(filefd);
	return r;
}
