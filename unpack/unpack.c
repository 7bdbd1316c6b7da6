/* unpack.c: images in, one writer thread out.  See unpack.h. */
#include <errno.h>
#include <stdlib.h>

#include "../lib/io.h"
#include "pipe.h"
#include "unpack.h"

#define UNPACK_READ (256u << 10)

struct unpacker {
	struct pipe *pipe;
	struct image im;
};

struct unpacker *
unpacker_new(const char *root, struct error *e)
{
	struct unpacker *u = calloc(1, sizeof *u);

	if (!u) {
		error_set(e, "allocate the unpacker", NULL, -ENOMEM, NULL, 0);
		return NULL;
	}
	u->pipe = pipe_start(root, e);
	if (!u->pipe) {
		free(u);
		return NULL;
	}
	return u;
}

int
unpack_read_image(struct image *im, int fd, uint64_t *bytes)
{
	static uint8_t buf[UNPACK_READ];
	int r = 0;

	*bytes = 0;
	for (;;) {
		ssize_t n = io_read_full(fd, buf, sizeof buf);
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
unpacker_run(struct unpacker *u, int fd, struct unpack_result *res)
{
	struct image *im = &u->im;

	image_init(im, pipe_sink(u->pipe, &im->err));
	res->bytes_in = 0;
	res->read_err = unpack_read_image(im, fd, &res->bytes_in);
	/* a writer error comes before any error of the reader; it names
	 * the file, which is where it happened */
	(void)pipe_image_end(u->pipe, &im->err, &im->late);
	res->err = im->err;
	res->late = im->late;
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
