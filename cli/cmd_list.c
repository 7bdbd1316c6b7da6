/* cmd_list.c: popinit list [-v] IMAGE...: what the kernel would create,
 * one entry a line (unpack/sink_list.c), with a "#" line at each segment
 * and a signed image's manifest (unverified). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../init/boot.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "../unpack/unpack.h"
#include "../verify/sigimage.h"
#include "cmd.h"

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

	if (cmd_image_args(argc, argv, NULL, &verbose, NULL, &first, NULL) < 0)
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
		int fd = cmd_open_image(argv[i]);
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
			code = boot_report(argv[i], &res);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_fatal("unable to write the listing: %s", strerror(errno));
		code = EXIT_TEMP;
	}
	sink_list_free(s);
	return code;
}
