/* decode.c: the decompress-only bound of the unpack benchmark.
 *
 *   decode IMAGE > /dev/null
 *
 * Decodes the compressed stream at the start of IMAGE with popinit's own
 * decoder fronts and libraries (codec/decomp_*.c, build/deps), built
 * with popinit's flags, reading 256 KiB at a time as popinit does, and
 * writes the output to stdout: what `popinit unpack` does minus the cpio
 * parser and the file writing.  A plain image is copied through.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../codec/decomp.h"

static unsigned char buf[256 << 10];

static int
out(void *ctx, const uint8_t *p, size_t len)
{
	(void)ctx;
	while (len) {
		ssize_t n = write(1, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct dec d;
	const struct dec_codec *c = NULL;
	int fd = argc == 2 ? open(argv[1], O_RDONLY | O_CLOEXEC) : -1, r = DEC_MORE, first = 1;
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "usage: decode IMAGE > OUT\n");
		return 100;
	}
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		size_t used;
		if (first) {
			first = 0;
			c = buf[0] == '0' ? NULL : dec_detect(buf, (size_t)n);
			if (c && (!c->ops || dec_start(&d, c, out, NULL) == DEC_FAIL)) {
				fprintf(stderr, "decode: cannot start %s\n", c->name);
				return 111;
			}
			if (!c && buf[0] != '0') {
				fprintf(stderr, "decode: unknown format\n");
				return 100;
			}
		}
		if (!c) {
			if (out(NULL, buf, (size_t)n) < 0)
				return 111;
			continue;
		}
		r = dec_push(&d, buf, (size_t)n, &used);
		if (r != DEC_MORE)
			break;
	}
	if (n < 0) {
		perror("decode: read");
		return 111;
	}
	if (c && r == DEC_MORE)
		r = dec_finish(&d);
	if (c && r != DEC_END) {
		fprintf(stderr, "decode: %s: %s\n", c->name, d.msg ? d.msg : "output failed");
		return 100;
	}
	return 0;
}
