/* cmd_timeline.c: popinit timeline [-o OUT] [-t TITLE] [FILE]: a boot's
 * timeline as an SVG chart, from popinit's timings (FILE, default
 * /run/popinit/timings; "-" standard input) or a console or kernel log
 * (boot/timeline.h reads both).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../boot/timeline.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "cmd.h"

#define TIMELINE_MAX (64u << 20)	/* a log larger than this is cut */

/* FD's bytes, up to TIMELINE_MAX, in a malloc'd buffer: 0 or -errno */
static int
slurp(int fd, char **buf, size_t *len)
{
	size_t cap = 1 << 16;

	*len = 0;
	if (!(*buf = malloc(cap)))
		return -ENOMEM;
	for (;;) {
		if (*len == cap) {
			if (cap >= TIMELINE_MAX)
				return 0;
			char *b = realloc(*buf, cap * 2);
			if (!b)
				return -ENOMEM;
			*buf = b;
			cap *= 2;
		}
		ssize_t n = io_read_full(fd, *buf + *len, cap - *len);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return 0;
		*len += (size_t)n;
	}
}

int
cmd_timeline(int argc, char **argv)
{
	const char *out_path = NULL, *title = "popinit: the boot", *in = "/run/popinit/timings";
	static struct timeline t;
	char *text = NULL, *svg = NULL;
	size_t len, svg_len;
	int opt, code = EXIT_OK;

	opterr = 0;	/* one line, ours */
	while ((opt = getopt(argc, argv, "o:t:")) != -1) {
		switch (opt) {
		case 'o': out_path = strcmp(optarg, "-") ? optarg : NULL; break;	/* -: standard output */
		case 't': title = optarg; break;
		default:
			log_fatal("bad option -%c; usage: popinit timeline [-o OUT] [-t TITLE] [FILE]", optopt);
			return EXIT_USAGE;
		}
	}
	if (optind < argc - 1) {
		return cmd_usage("timeline");
	}
	if (optind == argc - 1)
		in = argv[optind];
	int fd = cmd_open_image(in);
	if (fd < 0)
		return EXIT_USAGE;
	int r = slurp(fd, &text, &len);
	(void)io_close(fd);
	if (r < 0) {
		log_fatal("unable to read %s: %s", in, strerror(-r));
		free(text);
		return EXIT_TEMP;
	}
	if (timeline_parse(&t, text, len) < 0) {
		log_fatal("%s: neither popinit's timings nor a log with popinit's lines", in);
		free(text);
		return EXIT_USAGE;
	}
	free(text);
	if (t.bad)
		log_warn("%s: %d malformed line%s skipped", in, t.bad, t.bad == 1 ? "" : "s");
	if (t.dropped)
		log_warn("%s: %d rows past the first %d not drawn", in, t.dropped, TL_ROWS);
	if (timeline_svg(&t, title, &svg, &svg_len) < 0) {
		log_fatal("out of memory drawing %s", in);
		return EXIT_TEMP;
	}
	int out = out_path ? open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : 1;
	if (out < 0 || (r = io_write_full(out, svg, svg_len)) < 0 || (out_path && (r = io_close(out)) < 0)) {
		log_fatal("unable to write %s: %s", out_path ? out_path : "standard output",
			  strerror(out < 0 ? errno : -r));
		code = EXIT_TEMP;
	}
	free(svg);
	return code;
}
