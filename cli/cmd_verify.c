/* cmd_sig.c: popinit verify, and the trust options of verify and unpack.
 *
 *   popinit verify [-k KEY]... [-r KEYID]... [-m NAME:VERSION]...
 *                [-n NAME | -N] [-K KERNEL] [-l] IMAGE...
 *
 * -n NAME: each image must be signed as NAME; -N: as the role boot gives
 * it (trust_role(): /initramfs.d/10-main.cpio.gz must be "10-main").
 *
 * verify without -k trusts what boot trusts: the compiled-in keys and
 * those of /etc/popinit/keys.  The format: unpack/sig.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/io.h"
#include "../lib/log.h"
#include "../verify/sigimage.h"
#include "cmd.h"
#include "../init/trust.h"

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
cmd_verify_image(const struct sig_trust *t, const char *label, int fd, const char *name, bool seal,
		 struct sig_image *si)
{
	struct error why;
	int m = sig_image_open(t, fd, name, seal, si, &why);

	if (m == -EBADMSG)
		log_fatal("%s: %s: %s (at offset %llu)", label, why.msg, why.what, (unsigned long long)why.offset);
	else if (m < 0)
		log_fatal("%s: unable to read: %s", label, strerror(-m));
	return m;
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
	const char *colon = strchr(v, ':');
	char name[SIG_NAME_MAX + 1];
	uint64_t min;
	if (!colon || (size_t)(colon - v) >= sizeof name ||
	    sig_parse_u64(colon + 1, strlen(colon + 1), &min) < 0) {
		log_fatal("not NAME:VERSION: %s", v);
		return -1;
	}
	memcpy(name, v, (size_t)(colon - v));
	name[colon - v] = 0;
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

static void
list_trust(const struct sig_trust *t)
{
	char id[65];

	for (int i = 0; i < t->n_keys; i++) {
		const struct sig_key *k = &t->key[i];
		sig_hex(k->keyid, 32, id);
		printf("key %s %s-%u %s\n", id, k->type == SIG_KEY_EC ? "ec" : "rsa", k->bits, k->src);
	}
	for (int i = 0; i < t->n_revoked; i++) {
		sig_hex(t->revoked[i], 32, id);
		printf("revoked %s\n", id);
	}
	for (int i = 0; i < t->n_floors; i++)
		printf("floor %s %llu\n", t->floor[i].name, (unsigned long long)t->floor[i].min);
	if (t->required)
		printf("required\n");
}

int
cmd_verify(int argc, char **argv)
{
	static struct sig_trust t;
	const char *name = NULL;
	bool list = false, keys = false, role = false;
	int i, code = EXIT_OK;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		int r = cmd_trust_option(&t, &keys, argc, argv, &i);
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "-l")) {
			list = true;
		} else if (!strcmp(argv[i], "-N")) {
			role = true;
		} else if (argv[i][1] == 'n') {
			if (!(name = cmd_optarg(argc, argv, &i)))
				return EXIT_USAGE;
		} else {
			log_fatal("unknown option: %s", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (cmd_trust_finish(&t, keys) < 0)
		return EXIT_USAGE;
	if (list) {
		list_trust(&t);
		return fflush(stdout) ? EXIT_TEMP : EXIT_OK;
	}
	if (i == argc) {
		log_fatal("no image given");
		return EXIT_USAGE;
	}
	for (; i < argc; i++) {
		static struct sig_image si;
		int fd = cmd_open_image(argv[i]);
		if (fd < 0) {
			log_fatal("unable to open %s: %s", argv[i], strerror(-fd));
			code = EXIT_USAGE;
			continue;
		}
		char rname[SIG_NAME_MAX + 1];
		if (role)
			trust_role(argv[i], rname, sizeof rname);
		int m = cmd_verify_image(&t, argv[i], fd, role ? rname : name, false, &si);
		(void)io_close(fd);
		if (m < 0) {
			if (code != EXIT_TEMP)
				code = m == -EBADMSG ? EXIT_USAGE : EXIT_TEMP;
		} else {
			char id[65];
			const struct sig_record *r = &si.tr.rec[si.used];
			const struct sig_key *k = NULL;
			for (int j = 0; j < t.n_keys; j++)
				if (!memcmp(t.key[j].keyid, r->keyid, 32))
					k = &t.key[j];
			sig_hex(r->keyid, 8, id);
			printf("%s: verified: name=%s version=%llu payload %llu bytes%s%s, %s by key %s (%s)\n",
			       argv[i], si.m.name, (unsigned long long)si.m.version,
			       (unsigned long long)si.m.payload_size, si.m.kernel[0] ? " kernel=" : "",
			       si.m.kernel, sig_alg_name(r->alg), id, k ? k->src : "?");
		}
		sig_image_done(&si);
	}
	if (fflush(stdout) != 0) {
		log_fatal("unable to write: %s", strerror(errno));
		return EXIT_TEMP;
	}
	return code;
}

