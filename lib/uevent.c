/* uevent.c: see uevent.h */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "io.h"
#include "sys.h"
#include "uevent.h"

int
uevent_open(void)
{
	struct sys_sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 /* the kernel's */ };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, SYS_NETLINK_KOBJECT_UEVENT);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = -errno;
		(void)io_close(fd);
		return e;
	}
	return fd;
}

void
uevent_drain(int fd, void (*each)(void *ctx, const char *field), void *ctx)
{
	char buf[8192];

	for (;;) {
		ssize_t k = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
		if (k <= 0)
			break;
		buf[k] = '\0';
		for (char *q = buf; q < buf + k; q += strlen(q) + 1)
			each(ctx, q);
	}
}
