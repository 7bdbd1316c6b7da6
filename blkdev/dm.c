/* dm.c: see dm.h */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>

#include "../lib/io.h"
#include "dm.h"

/* <linux/dm-ioctl.h>, interface 4 */
struct dm_ioctl {
	uint32_t version[3];
	uint32_t data_size, data_start, target_count;
	int32_t open_count;
	uint32_t flags, event_nr, padding;
	uint64_t dev;
	char name[128];
	char uuid[129];
	char data[7];
};

struct dm_target_spec {
	uint64_t sector_start, length;
	int32_t status;
	uint32_t next;
	char target_type[16];
};

_Static_assert(sizeof(struct dm_ioctl) == 312, "struct dm_ioctl is 312 bytes");
_Static_assert(sizeof(struct dm_target_spec) == 40, "struct dm_target_spec is 40 bytes");

#define DM_DEV_CREATE_CMD 3
#define DM_DEV_REMOVE_CMD 4
#define DM_DEV_SUSPEND_CMD 6
#define DM_TABLE_LOAD_CMD 9
#define DM_READONLY_FLAG (1u << 0)

/* one ioctl, its header, a target and its parameters */
struct dm_req {
	struct dm_ioctl io;
	struct dm_target_spec spec;
	char params[1024];	/* VERITY_TABLE_MAX: the caller's bound */
};

/* one command for the device NAME: the header set anew, the target and
 * its parameters (Q's body) left as the caller put them */
static int
dm_call(int fd, int cmd, struct dm_req *q, const char *name, uint32_t flags, uint32_t targets)
{
	memset(&q->io, 0, sizeof q->io);
	q->io.version[0] = 4;
	q->io.data_size = sizeof *q;
	q->io.data_start = sizeof q->io;
	q->io.flags = flags;
	q->io.target_count = targets;
	snprintf(q->io.name, sizeof q->io.name, "%s", name);
	return ioctl(fd, _IOWR(0xfd, cmd, struct dm_ioctl), q) < 0 ? -errno : 0;
}

int
dm_create(const char *name, const char *type, uint64_t sectors, const char *params, dev_t *dev, const char **why)
{
	static struct dm_req q;

	*why = "open /dev/mapper/control";
	int fd = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*why = "DM_DEV_CREATE";
	int r = dm_call(fd, DM_DEV_CREATE_CMD, &q, name, 0, 0);
	if (r == 0) {
		uint64_t d = q.io.dev;	/* new_encode_dev() */
		*dev = makedev((unsigned)((d & 0xfff00) >> 8), (unsigned)((d & 0xff) | ((d >> 12) & 0xfff00)));
		memset(&q.spec, 0, sizeof q.spec);
		q.spec.length = sectors;
		snprintf(q.spec.target_type, sizeof q.spec.target_type, "%s", type);
		snprintf(q.params, sizeof q.params, "%s", params);
		*why = "DM_TABLE_LOAD";
		if ((r = dm_call(fd, DM_TABLE_LOAD_CMD, &q, name, DM_READONLY_FLAG, 1)) == 0) {
			*why = "DM_DEV_SUSPEND (resume)";
			r = dm_call(fd, DM_DEV_SUSPEND_CMD, &q, name, 0, 0);
		}
		if (r < 0)
			(void)dm_call(fd, DM_DEV_REMOVE_CMD, &q, name, 0, 0);
	}
	(void)io_close(fd);
	return r;
}
