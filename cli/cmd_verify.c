/* cmd_verify.c: popinit verify.
 *
 *   popinit verify [-k KEY]... [-r KEYID]... [-m NAME:VERSION]...
 *                [-n NAME | -N] [-K KERNEL] [-l] IMAGE...
 *
 * -n NAME: each image must be signed as NAME; -N: as the role boot gives
 * it (trust_role(): /initramfs.d/10-main.cpio.gz must be "10-main").
 *
 * verify without -k trusts what boot trusts: the compiled-in keys and
 * those of /etc/popinit/keys.  The format: verify/sig.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../init/trust.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "cmd.h"

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
			code = EXIT_USAGE;
			continue;
		}
		char rname[SIG_NAME_MAX + 1];
		if (role)
			trust_role(argv[i], rname, sizeof rname);
		int m = trust_open_image(&t, argv[i], fd, role ? rname : name, false, &si);
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
			printf("%s: verified: name=%s version=%llu payload %llu bytes (%s)%s%s, %s by key %s (%s)\n",
			       argv[i], si.m.name, (unsigned long long)si.m.version,
			       (unsigned long long)si.m.payload_size, si.sha384 ? "sha384" : "sha256",
			       si.m.kernel[0] ? " kernel=" : "",
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

