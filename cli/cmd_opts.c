/* cmd_opts.c: the options the commands share: images to read, the trust
 * options of verify and unpack, the arguments of unpack and list. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "../init/trust.h"
#include "../lib/log.h"
#include "../unpack/unpack.h"
#include "cmd.h"

int
cmd_open_image(const char *path)
{
	/* "-": a descriptor of its own, which the caller closes like any */
	int fd = !strcmp(path, "-") ? fcntl(0, F_DUPFD_CLOEXEC, 3)
				    : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		int e = errno;
		log_fatal("unable to open %s: %s", path, strerror(e));
		return -e;
	}
	return fd;
}

const char *
cmd_optarg(int argc, char **argv, int *i)
{
	if (argv[*i][2])
		return argv[*i] + 2;
	if (*i + 1 < argc)
		return argv[++*i];
	log_fatal("option %s needs a value", argv[*i]);
	return NULL;
}

int
cmd_trust_option(struct sig_trust *t, bool *keys, int argc, char **argv, int *i)
{
	char c = argv[*i][1];
	const char *v;

	if (!c || argv[*i][0] != '-' || !strchr("krmK", c))
		return 0;	/* "-" is standard input, not an option */
	if (!(v = cmd_optarg(argc, argv, i)))
		return -1;
	if (c == 'k') {
		*keys = true;
		return trust_file(t, v) < 0 ? -1 : 1;
	}
	if (c == 'r') {
		if (sig_trust_revoke(t, v) == 0)
			return 1;
		log_fatal("not a key id (64 lower-case hex digits): %s", v);
		return -1;
	}
	if (c == 'K') {
		if (strlen(v) < sizeof t->kernel) {
			strcpy(t->kernel, v);
			return 1;
		}
		log_fatal("kernel release too long: %s", v);
		return -1;
	}
	char name[SIG_NAME_MAX + 1];
	uint64_t min;
	if (sig_parse_floor(v, name, &min) < 0) {
		log_fatal("not NAME:VERSION: %s", v);
		return -1;
	}
	if (sig_trust_floor(t, name, min) < 0) {
		log_fatal("bad floor: %s", v);
		return -1;
	}
	return 1;
}

int
cmd_trust_finish(struct sig_trust *t, bool keys)
{
	if (keys)
		return 0;
	return trust_builtin(t) < 0 || trust_dir(t, TRUST_DIR) < 0 ? -1 : 0;
}

int
cmd_image_args(int argc, char **argv, const char **root, int *verbose, int *flags, int *first,
	       struct cmd_verify_opts *vo)
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
		} else if (flags && !strcmp(argv[i], "-t")) {
			*flags |= UNPACK_TIMING;
		} else if (flags && !strcmp(argv[i], "-j1")) {
			*flags |= UNPACK_THREADS1;
		} else if (flags && !strcmp(argv[i], "-j2")) {
			*flags |= UNPACK_THREADS2;
		} else if (flags && !strcmp(argv[i], "--consume")) {
			*flags |= UNPACK_RELEASE;
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
