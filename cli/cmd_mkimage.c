/* cmd_mkimage.c: popinit mkimage [-o OUT] [-c CODEC] [-t EPOCH] [-C] LIST
 *
 * Writes the newc archive of a gen_init_cpio list (boot/mkimage.h),
 * compressed by piping it through the tool and options the kernel's own
 * build uses (the codec table, codec/decomp.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../boot/mkimage.h"
#include "../codec/decomp.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "cmd.h"

static int
parse_epoch(const char *s, int64_t *t)
{
	char *end;

	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < 0)
		return -1;
	*t = v;
	return 0;
}

/* compressor: a child reading from the returned fd, writing to OUT */
static int
compressor(int out, const char *const *argv, pid_t *pid)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	*pid = fork();
	if (*pid < 0) {
		int e = -errno;
		(void)io_close(p[0]);
		(void)io_close(p[1]);
		return e;
	}
	if (*pid == 0) {
		if (dup2(p[0], 0) < 0 || dup2(out, 1) < 0)
			_exit(127);
		/* a host tool, found on PATH as a shell would */
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "popinit: fatal: unable to run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	(void)io_close(p[0]);
	return p[1];
}

int
cmd_mkimage(int argc, char **argv)
{
	const char *out_path = NULL, *codec = NULL;
	struct mkimage_opts o = { -1, false };
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	int opt;

	if (sde && *sde && parse_epoch(sde, &o.mtime) < 0) {
		log_fatal("bad SOURCE_DATE_EPOCH: %s", sde);
		return EXIT_USAGE;
	}
	while ((opt = getopt(argc, argv, "o:c:t:C")) != -1) {
		switch (opt) {
		case 'o': out_path = strcmp(optarg, "-") ? optarg : NULL; break;	/* -: standard output */
		case 'c': codec = optarg; break;
		case 'C': o.crc = true; break;
		case 't':
			if (parse_epoch(optarg, &o.mtime) < 0) {
				log_fatal("bad timestamp: %s", optarg);
				return EXIT_USAGE;
			}
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		return cmd_usage("mkimage");
	}
	const char *const *cargv = NULL;
	if (codec && strcmp(codec, "none") && strcmp(codec, "cpio")) {
		const struct dec_codec *c = dec_by_name(codec);
		if (!c) {
			char known[128] = "";
			for (const struct dec_codec *const *k = dec_codecs; *k; k++)
				if ((*k)->tool[0])
					snprintf(known + strlen(known), sizeof known - strlen(known), "%s ", (*k)->name);
			log_fatal("unknown codec %s (%snone)", codec, known);
			return EXIT_USAGE;
		}
		cargv = c->tool;
	}
	const char *list_path = argv[optind];
	FILE *list = strcmp(list_path, "-") ? fopen(list_path, "re") : stdin;
	if (!list) {
		log_fatal("unable to open %s: %s", list_path, strerror(errno));
		return EXIT_USAGE;
	}
	int out = 1;
	if (out_path) {
		out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out < 0) {
			log_fatal("unable to create %s: %s", out_path, strerror(errno));
			fclose(list);
			return EXIT_TEMP;
		}
	}
	pid_t pid = -1;
	int sink = out;
	if (cargv) {
		sink = compressor(out, cargv, &pid);
		if (sink < 0) {
			log_fatal("unable to start %s: %s", cargv[0], strerror(-sink));
			return EXIT_TEMP;
		}
	}
	struct mkimage_error e;
	int r = mkimage_write(list, sink, &o, &e);
	int code = EXIT_OK;
	if (r < 0) {
		if (e.line)
			log_fatal("%s:%u: %s%s%s", list_path, e.line, e.msg, e.err ? ": " : "",
				  e.err ? strerror(-e.err) : "");
		else
			log_fatal("%s%s%s", e.msg, e.err ? ": " : "", e.err ? strerror(-e.err) : "");
		code = e.err && e.err != -ENOENT ? EXIT_TEMP : EXIT_USAGE;
	}
	if (cargv) {
		int st;
		(void)io_close(sink);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			log_fatal("%s failed (status %d)", cargv[0], WIFEXITED(st) ? WEXITSTATUS(st) : -1);
			code = EXIT_TEMP;
		}
	}
	if (list != stdin)
		fclose(list);
	if (out_path && io_close(out) < 0 && !code) {
		log_fatal("unable to write %s: %s", out_path, strerror(errno));
		code = EXIT_TEMP;
	}
	if (code && out_path)
		(void)unlink(out_path);
	return code;
}
