/* coldplug.c: load the drivers of the devices that are there.
 *
 * Every /sys/devices/.../modalias names, through modules.alias, the
 * drivers of its device.  Loading a bus driver reveals new devices (virtio
 * bus behind virtio_pci, disks behind virtio_blk), so the scan repeats
 * after the loads until it finds nothing new, also taking the MODALIAS= of
 * uevents that arrive meanwhile (devices probed asynchronously).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/io.h"
#include "../lib/uevent.h"
#include "modload_int.h"

struct seen {
	char **v;
	int n, cap;
	int fresh;	/* new in this pass */
};

static bool
seen_add(struct seen *s, const char *alias)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], alias))
			return false;
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 128;
		char **v = realloc(s->v, (size_t)cap * sizeof *v);
		if (!v)
			return false;
		s->v = v;
		s->cap = cap;
	}
	if (!(s->v[s->n] = strdup(alias)))
		return false;
	s->n++;
	s->fresh++;
	return true;
}

static void
request(struct modload *ml, struct seen *s, const char *alias)
{
	if (seen_add(s, alias))
		(void)modload_request(ml, alias, NULL, MOD_APPLY_BLACKLIST);	/* -ENOENT: no driver */
}

/* the modalias files under DIR; depth-limited, symlinks not followed */
static void
scan(struct modload *ml, struct seen *s, int dfd, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		(void)io_close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (de->d_type == DT_DIR && depth < 32) {
			int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				scan(ml, s, sub, depth + 1);
		} else if (de->d_type == DT_REG && !strcmp(de->d_name, "modalias")) {
			char buf[512];
			int fd = openat(dirfd(d), "modalias", O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			ssize_t n = io_read_full(fd, buf, sizeof buf - 1);
			(void)io_close(fd);
			if (n <= 0)
				continue;
			buf[n] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			if (buf[0])
				request(ml, s, buf);
		}
	}
	closedir(d);
}

struct drain_ctx {
	struct modload *ml;
	struct seen *s;
};

/* the MODALIAS= of a uevent */
static void
modalias_field(void *ctx, const char *field)
{
	struct drain_ctx *c = ctx;

	if (!strncmp(field, "MODALIAS=", 9) && field[9])
		request(c->ml, c->s, field + 9);
}

static void
drain(struct modload *ml, struct seen *s, int nl)
{
	struct drain_ctx c = { ml, s };

	uevent_drain(nl, modalias_field, &c);
}

int
modload_coldplug(struct modload *ml)
{
	struct seen s = { NULL, 0, 0, 0 };
	int nl = uevent_open();	/* before the first scan: nothing falls between */

	for (int pass = 0; pass < 16; pass++) {
		s.fresh = 0;
		int dfd = open("/sys/devices", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0)
			scan(ml, &s, dfd, 0);
		if (nl >= 0)
			drain(ml, &s, nl);
		(void)modload_wait(ml);
		if (nl >= 0) {
			/* a short grace for devices probed asynchronously */
			struct pollfd p = { nl, POLLIN, 0 };
			if (poll(&p, 1, 50) > 0)
				drain(ml, &s, nl);
			(void)modload_wait(ml);
		}
		if (!s.fresh)
			break;
	}
	if (nl >= 0)
		(void)io_close(nl);
	int n = s.n;
	for (int i = 0; i < s.n; i++)
		free(s.v[i]);
	free(s.v);
	return n;
}
