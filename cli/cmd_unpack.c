/* cmd_unpack.c: popinit unpack [--root DIR] [-v] [-s] [-k KEY]... [-r KEYID]...
 *                             [-m NAME:VERSION]... [-K RELEASE] [-n NAME] IMAGE...
 *              popinit list [-v] IMAGE...
 *
 * unpack -s or -k verifies each image first and unpacks its sealed
 * payload, as boot does with trusted keys (-s: boot's trust). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "../verify/sigimage.h"
#include "../unpack/sink.h"
#include "../unpack/unpack.h"
#include "cmd.h"

int
cmd_open_image(const char *path)
{
	/* "-": a descriptor of its own, which the caller closes like any */
	int fd = !strcmp(path, "-") ? fcntl(0, F_DUPFD_CLOEXEC, 3)
				    : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

/* open_image: the image's fd, or -1 after saying why */
static int
open_image(const char *path)
{
	int fd = cmd_open_image(path);

	if (fd < 0) {
		log_fatal("unable to open %s: %s", path, strerror(-fd));
		return -1;
	}
	return fd;
}

int
cmd_report(const char *image, const struct unpack_result *res)
{
	int code = EXIT_OK;

	if (res->read_err) {
		log_fatal("%s: unable to read: %s", image, strerror(-res->read_err));
		code = EXIT_TEMP;
	}
	if (res->err.msg) {
		const struct error *e = &res->err;
		char detail[ERROR_WHAT_MAX + 256];
		int n = 0;
		if (e->why)
			n += snprintf(detail + n, sizeof detail - n, "%s", e->why);
		if (e->what[0])
			n += snprintf(detail + n, sizeof detail - n, "%s%s", n ? ": " : "", e->what);
		if (e->err)
			n += snprintf(detail + n, sizeof detail - n, "%s%s", n ? ": " : "", strerror(-e->err));
		log_fatal("%s: %s%s%s%s%s%s", image, e->msg, n ? " (" : "", n ? detail : "", n ? ")" : "",
			  e->where[0] ? " at " : "", e->where);
		if (!code)
			code = e->err && e->err != -ENOSPC ? EXIT_TEMP : EXIT_USAGE;
	}
	if (res->late.msg) {
		/* the tree is the kernel's; popinit still says what is wrong */
		log_err("%s: %s%s%s at offset %llu (the kernel does not report this)", image,
			res->late.msg, res->late.what[0] ? ": " : "", res->late.what,
			(unsigned long long)res->late.offset);
		if (!code)
			code = EXIT_USAGE;
	}
	return code;
}

struct verify_opts {
	struct sig_trust t;
	bool keys, on;
	const char *name;
};

static int
parse_args(int argc, char **argv, const char **root, int *verbose, int *first, struct verify_opts *vo)
{
	int i = 1;

	for (; i < argc; i++) {
		int r = vo && argv[i][0] == '-' ? cmd_trust_option(&vo->t, &vo->keys, argc, argv, &i) : 0;
		if (r < 0)
			return -1;
		if (r) {
			vo->on = true;
			continue;
		}
		if (vo && !strcmp(argv[i], "-s")) {
			vo->on = true;
		} else if (vo && !strcmp(argv[i], "-n") && i + 1 < argc) {
			vo->name = argv[++i];
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (root && !strcmp(argv[i], "--root") && i + 1 < argc) {
			*root = argv[++i];
		} else if (root && !strncmp(argv[i], "--root=", 7)) {
			*root = argv[i] + 7;
		} else if (!strcmp(argv[i], "-v")) {
			(*verbose)++;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			log_fatal("unknown option: %s", argv[i]);
			return -1;
		} else {
			break;
		}
	}
	*first = i;
	if (i == argc) {
		log_fatal("no image given");
		return -1;
	}
	return 0;
}

int
cmd_unpack(int argc, char **argv)
{
	const char *root = "/";
	int verbose = 0, first, code = EXIT_OK, late = EXIT_OK;
	uint64_t t0 = clock_ms(), bytes = 0;

	static struct verify_opts vo;
	if (parse_args(argc, argv, &root, &verbose, &first, &vo) < 0 ||
	    (vo.on && cmd_trust_finish(&vo.t, vo.keys) < 0))
		return EXIT_USAGE;
	if (vo.on)
		vo.t.required = true;
	struct error e = { 0 };
	struct unpacker *u = unpacker_new(root, &e);
	if (!u) {
		log_fatal("unable to %s %s: %s", e.msg, root, strerror(-e.err));
		return EXIT_TEMP;
	}
	int i, done = 0;
	for (i = first; i < argc && code == EXIT_OK; i++) {
		struct unpack_result res;
		int fd = open_image(argv[i]);
		if (fd < 0) {
			code = EXIT_USAGE;
			break;
		}
		if (vo.on) {
			/* nothing of a refused image is written */
			static struct sig_image si;
			int m = cmd_verify_image(&vo.t, argv[i], fd, vo.name, true, &si);
			sig_image_done(&si);
			(void)io_close(fd);
			if (m < 0) {
				code = m == -EBADMSG ? EXIT_USAGE : EXIT_TEMP;
				break;
			}
			fd = m;
		}
		int r = unpacker_run(u, fd, &res);
		(void)io_close(fd);
		bytes += res.bytes_in;
		/* unpacked to its end: no error the kernel would report */
		if (!res.err.msg && !res.read_err)
			done++;
		if (r < 0) {
			int c = cmd_report(argv[i], &res);
			/* problems the kernel does not see leave its tree: go on
			 * with the next image, fail at the end */
			if (res.err.msg || res.read_err)
				code = c;
			else
				late = c;
		}
	}
	const struct sink_stats *st = unpacker_stats(u);
	if (verbose)
		log_info("unpacked %d image%s, %llu bytes, %llu files, %llu dirs, %llu symlinks, %llu nodes in %llu ms",
			 done, done == 1 ? "" : "s", (unsigned long long)bytes,
			 (unsigned long long)st->files, (unsigned long long)st->dirs,
			 (unsigned long long)st->symlinks, (unsigned long long)st->nodes,
			 (unsigned long long)(clock_ms() - t0));
	unpacker_free(u);
	return code ? code : late;
}

/* print_manifest: a signed image's manifest and records, unverified */
static void
print_manifest(int fd)
{
	static struct sig_image si;
	struct error why;
	struct stat st;

	if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
		return;
	if (sig_image_read(fd, &si, &why) == 0) {
		printf("# signed image (not verified by list: see popinit verify)\n");
		const char *m = (const char *)si.tr.manifest, *end = m + si.tr.manifest_len;
		while (m < end) {
			const char *nl = memchr(m, '\n', (size_t)(end - m));
			printf("#   %.*s\n", (int)(nl - m), m);
			m = nl + 1;
		}
		for (int i = 0; i < si.tr.n_rec; i++) {
			char id[65];
			sig_hex(si.tr.rec[i].keyid, 32, id);
			printf("#   sig %s %s\n", sig_alg_name(si.tr.rec[i].alg), id);
		}
	}
	sig_image_done(&si);
	(void)lseek(fd, 0, SEEK_SET);
}

static void
list_segment(void *ctx, const char *codec, uint64_t offset)
{
	char line[96];

	snprintf(line, sizeof line, "%s at offset %llu", codec ? codec : "plain cpio",
		 (unsigned long long)offset);
	sink_list_note(ctx, line);
}

int
cmd_list(int argc, char **argv)
{
	int verbose = 0, first, code = EXIT_OK;
	struct image *im = NULL;

	if (parse_args(argc, argv, NULL, &verbose, &first, NULL) < 0)
		return EXIT_USAGE;
	struct sink_list *s = sink_list_new(stdout, verbose);
	static struct image image;
	im = &image;
	if (!s) {
		log_fatal("out of memory");
		return EXIT_TEMP;
	}
	struct cpio_sink sink = { sink_list_entry, sink_list_data, sink_list_end, sink_list_trailer, s };
	for (int i = first; i < argc && code == EXIT_OK; i++) {
		struct unpack_result res;
		int fd = open_image(argv[i]);
		if (fd < 0) {
			code = EXIT_USAGE;
			break;
		}
		image_init(im, &sink);
		im->segment = list_segment;
		im->segment_ctx = s;
		if (argc - first > 1)
			printf("# image %s\n", argv[i]);
		print_manifest(fd);
		res.read_err = unpack_read_image(im, fd, &res.bytes_in);
		(void)io_close(fd);
		res.err = im->err;
		res.late = im->late;
		fflush(stdout);
		if (res.err.msg || res.late.msg || res.read_err)
			code = cmd_report(argv[i], &res);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_fatal("unable to write the listing: %s", strerror(errno));
		code = EXIT_TEMP;
	}
	sink_list_free(s);
	return code;
}
