/* unpack.c: images in, one writer thread out.  See unpack.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>

#include "../lib/clock.h"
#include "../lib/io.h"
#include "pipe.h"
#include "unpack.h"

#define UNPACK_READ (256u << 10)

struct unpacker {
	struct pipe *pipe;
	int flags;
	struct unpack_result *res;	/* of the image being unpacked */
	struct image im;
};

struct unpacker *
unpacker_new(const char *root, int flags, struct error *e)
{
	struct unpacker *u = calloc(1, sizeof *u);

	if (!u) {
		error_set(e, "allocate the unpacker", NULL, -ENOMEM, NULL, 0);
		return NULL;
	}
	u->flags = flags;
	u->pipe = pipe_start(root, flags & UNPACK_TIMING, e);
	if (!u->pipe) {
		free(u);
		return NULL;
	}
	return u;
}

/* mem_sample: the RAM in use now, its peak in RES (timing only) */
static void
mem_sample(struct unpack_result *res)
{
	struct sysinfo si;

	if (!res || sysinfo(&si) < 0)
		return;
	uint64_t used = (uint64_t)(si.totalram - si.freeram) * si.mem_unit;
	if (!res->mem_start)
		res->mem_start = used;
	if (used > res->mem_peak)
		res->mem_peak = used;
}

static int
read_image(struct image *im, int fd, uint64_t *bytes, struct unpack_result *res)
{
	static uint8_t buf[UNPACK_READ];
	int r = 0;

	*bytes = 0;
	for (;;) {
		enum tm_phase was = tm_enter(im->tm, TM_READ);
		ssize_t n = io_read_full(fd, buf, sizeof buf);
		tm_leave(im->tm, was);
		if (res) {
			res->reads++;
			if (!(res->reads & 15))
				mem_sample(res);
		}
		if (n < 0) {
			r = (int)n;
			break;
		}
		*bytes += (uint64_t)n;
		if (n == 0 || image_push(im, buf, (size_t)n) < 0)
			break;
	}
	(void)image_finish(im);
	return r;
}

int
unpack_read_image(struct image *im, int fd, uint64_t *bytes)
{
	return read_image(im, fd, bytes, NULL);
}

int
unpacker_run(struct unpacker *u, int fd, struct unpack_result *res)
{
	struct image *im = &u->im;
	bool timing = u->flags & UNPACK_TIMING;
	struct sink_stats before = *pipe_stats(u->pipe);
	uint32_t rw0, ww0;

	memset(res, 0, sizeof *res);
	pipe_timing(u->pipe, &res->writer, &rw0, &ww0);
	tm_start(&res->reader, timing);
	uint64_t t0 = timing ? clock_ns() : 0;
	if (timing)
		mem_sample(res);
	image_init(im, pipe_sink(u->pipe, &im->err, &res->reader));
	im->tm = &res->reader;
	res->read_err = read_image(im, fd, &res->bytes_in, timing ? res : NULL);
	/* a writer error comes before any error of the reader; it names
	 * the file, which is where it happened */
	(void)pipe_image_end(u->pipe, &im->err, &im->late);
	res->err = im->err;
	res->late = im->late;
	if (timing) {
		tm_stop(&res->reader);
		mem_sample(res);
		res->ns = clock_ns() - t0;
		pipe_timing(u->pipe, &res->writer, &res->rwaits, &res->wwaits);
		res->rwaits -= rw0;
		res->wwaits -= ww0;
		res->stats = *pipe_stats(u->pipe);
		for (int i = 0; i < SC_CALLS; i++)
			res->stats.calls[i] -= before.calls[i];
		res->stats.files -= before.files;
		res->stats.dirs -= before.dirs;
		res->stats.symlinks -= before.symlinks;
		res->stats.nodes -= before.nodes;
		res->stats.links -= before.links;
		res->stats.bytes -= before.bytes;
	}
	return res->err.msg || res->late.msg || res->read_err ? -1 : 0;
}

const struct sink_stats *
unpacker_stats(struct unpacker *u)
{
	return pipe_stats(u->pipe);
}

void
unpacker_free(struct unpacker *u)
{
	if (!u)
		return;
	pipe_stop(u->pipe);
	free(u);
}
