/* cmd_unpack.c: popinit unpack [--root DIR] [-v] [-t] [-j1|-j2] [--consume]
 *                             [-s] [-k KEY]... [-r KEYID]...
 *                             [-m NAME:VERSION]... [-K RELEASE] [-n NAME] IMAGE...
 *
 * unpack -s or -k verifies each image first and unpacks its sealed
 * payload, as boot does with trusted keys (-s: boot's trust).  -t: each
 * image's phases, calls and memory, as popinit.timing at boot.  -j1, -j2:
 * one thread or two, whatever the CPUs online.  --consume: each image
 * file is given back as it is unpacked, then removed, as boot does with
 * the images of rootfs. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "../init/boot.h"
#include "../init/trust.h"
#include "../lib/clock.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "../unpack/unpack.h"
#include "cmd.h"

int
cmd_unpack(int argc, char **argv)
{
	const char *root = "/";
	int verbose = 0, first, code = EXIT_OK, late = EXIT_OK, flags = 0;
	uint64_t t0 = clock_ms(), bytes = 0;

	static struct cmd_verify_opts vo;
	if (cmd_image_args(argc, argv, &root, &verbose, &flags, &first, &vo) < 0 ||
	    (vo.on && cmd_trust_finish(&vo.t, vo.keys) < 0))
		return EXIT_USAGE;
	if (vo.on)
		vo.t.required = true;
	struct error e = { 0 };
	struct unpacker *u = unpacker_new(root, flags, &e);
	if (!u) {
		log_fatal("unable to %s %s: %s", e.msg, root, strerror(-e.err));
		return EXIT_TEMP;
	}
	int i, done = 0;
	for (i = first; i < argc && code == EXIT_OK; i++) {
		struct unpack_result res;
		/* --consume punches the file: open it for writing too */
		int fd = flags & UNPACK_RELEASE && strcmp(argv[i], "-") ?
			open(argv[i], O_RDWR | O_CLOEXEC | O_NOCTTY) : -1;
		if (fd < 0)
			fd = cmd_open_image(argv[i]);
		if (fd < 0) {
			code = EXIT_USAGE;
			break;
		}
		if (vo.on) {
			/* nothing of a refused image is written */
			static struct sig_image si;
			int m = trust_open_image(&vo.t, argv[i], fd, vo.name, true, &si);
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
		if (flags & UNPACK_TIMING)
			boot_timing(argv[i], &res);
		if (flags & UNPACK_RELEASE && !r && strcmp(argv[i], "-") && unlink(argv[i]) < 0)
			log_warn("unable to remove the consumed image %s: %s", argv[i], strerror(errno));
		bytes += res.bytes_in;
		/* unpacked to its end: no error the kernel would report */
		if (!res.err.msg && !res.read_err)
			done++;
		if (r < 0) {
			int c = boot_report(argv[i], &res);
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
