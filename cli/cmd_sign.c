/* cmd_sign.c: popinit sign -k KEY.pem [-k KEY2.pem]... -n NAME -V VERSION
 *                          [-K KERNEL] [-R|--roothash HEX] [-H sha256|sha384]
 *                          [-P sha384] [IN [OUT]]
 *
 * Appends the trailer of a signed image (verify/sig.h) to IN, streaming:
 * the payload is copied and hashed in one pass.  -P sha384: the manifest
 * also carries the payload's SHA-384, which a 64-bit CPU without SHA-256
 * instructions checks instead (verify/sigimage.c).  A host tool: left out of
 * a firmware build (make TOOLS=no).  boot/sign-image does the same with
 * openssl alone, for keys in an HSM or behind PKCS#11.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bearssl_hash.h>

#include "../boot/sign.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "../verify/sigimage.h"
#include "cmd.h"

#define KEY_FILE_MAX (64u << 10)

#define SIGN_KEYS_MAX SIG_RECORDS_MAX

struct sign_opts {
	const char *keys[SIGN_KEYS_MAX];
	int n_keys, hash;
	bool sha384;		/* -P sha384 */
	const char *name, *kernel, *roothash, *in, *out;
	uint64_t version;
	bool have_version;
};

static int
sign_args(int argc, char **argv, struct sign_opts *o)
{
	int i;
	const char *v;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		char c = argv[i][1];
		if (!strcmp(argv[i], "--roothash")) {
			argv[i] = "-R";	/* the same option, spelled as systemd's */
			c = 'R';
		}
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strchr("knVKHRP", c) || !(v = cmd_optarg(argc, argv, &i))) {
			if (!strchr("knVKHRP", c))
				log_fatal("unknown option: %s", argv[i]);
			return -1;
		}
		if (c == 'k') {
			if (o->n_keys == SIGN_KEYS_MAX) {
				log_fatal("at most %d keys", SIGN_KEYS_MAX);
				return -1;
			}
			o->keys[o->n_keys++] = v;
		} else if (c == 'n') {
			o->name = v;
		} else if (c == 'K') {
			o->kernel = v;
		} else if (c == 'R') {
			o->roothash = v;
		} else if (c == 'H') {
			o->hash = !strcmp(v, "sha256") ? 256 : !strcmp(v, "sha384") ? 384 : -1;
			if (o->hash < 0) {
				log_fatal("-H takes sha256 or sha384");
				return -1;
			}
		} else if (c == 'P') {
			if (strcmp(v, "sha384")) {
				log_fatal("-P takes sha384");
				return -1;
			}
			o->sha384 = true;
		} else if (sig_parse_u64(v, strlen(v), &o->version) < 0) {
			log_fatal("not a version (a decimal number): %s", v);
			return -1;
		} else {
			o->have_version = true;
		}
	}
	if (!o->n_keys || !o->name || !o->have_version) {
		(void)cmd_usage("sign");
		return -1;
	}
	if (!sig_name_ok(o->name, strlen(o->name))) {
		log_fatal("bad name \"%s\": 1-64 of A-Z a-z 0-9 . _ + @ -", o->name);
		return -1;
	}
	if (argc - i > 2) {
		log_fatal("too many arguments");
		return -1;
	}
	o->in = i < argc ? argv[i] : "-";
	o->out = i + 1 < argc ? argv[i + 1] : "-";
	return 0;
}

/* already_signed: IN ends with a trailer (it would be signed twice) */
static bool
already_signed(int fd)
{
	static struct sig_image si;
	struct error why;
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	int r = sig_image_read(fd, &si, &why);
	sig_image_done(&si);
	return r == 0;
}

static int
sign_stream(const struct sign_opts *o, struct sign_key *keys, int in, int out)
{
	static uint8_t buf[1u << 20];
	static char manifest[SIG_MANIFEST_MAX + 1];
	static uint8_t recs[SIG_RECORDS_MAX * SIG_RECORD_MAX];
	uint8_t hash[32], hash384[48], hdr[SIG_HDR_LEN], foot[SIG_FOOTER_LEN], pad[3] = { 0 };
	br_sha256_context h;
	br_sha384_context h384;
	uint64_t size = 0;
	struct error why;
	int r;

	br_sha256_init(&h);
	if (o->sha384)
		br_sha384_init(&h384);
	for (;;) {
		ssize_t n = io_read_full(in, buf, sizeof buf);
		if (n < 0) {
			log_fatal("unable to read %s: %s", o->in, strerror((int)-n));
			return EXIT_TEMP;
		}
		if (n == 0)
			break;
		br_sha256_update(&h, buf, (size_t)n);
		if (o->sha384)
			br_sha384_update(&h384, buf, (size_t)n);
		size += (uint64_t)n;
		if ((r = io_write_full(out, buf, (size_t)n)) < 0)
			goto write_err;
	}
	br_sha256_out(&h, hash);
	if (o->sha384)
		br_sha384_out(&h384, hash384);
	int mlen = sign_manifest(manifest, o->name, o->version, size, hash, o->sha384 ? hash384 : NULL, o->kernel,
				 o->roothash, &why);
	if (mlen < 0) {
		log_fatal("%s", why.what);
		return EXIT_USAGE;
	}
	size_t slen = 0;
	for (int i = 0; i < o->n_keys; i++) {
		int n = sign_record(&keys[i], (const uint8_t *)manifest, (size_t)mlen, recs + slen,
				    sizeof recs - slen, &why);
		if (n < 0) {
			log_fatal("%s: %s", o->keys[i], why.what);
			return EXIT_USAGE;
		}
		slen += (size_t)n;
	}
	sig_make_header(hdr, (uint32_t)((size_t)mlen + slen + SIG_FOOTER_LEN));
	sig_make_footer(foot, (uint32_t)mlen, (uint32_t)slen);
	if ((r = io_write_full(out, pad, (4 - size % 4) % 4)) < 0 ||
	    (r = io_write_full(out, hdr, sizeof hdr)) < 0 ||
	    (r = io_write_full(out, manifest, (size_t)mlen)) < 0 ||
	    (r = io_write_full(out, recs, slen)) < 0 || (r = io_write_full(out, foot, sizeof foot)) < 0)
		goto write_err;
	return EXIT_OK;
write_err:
	log_fatal("unable to write %s: %s", o->out, strerror(-r));
	return EXIT_TEMP;
}

int
cmd_sign(int argc, char **argv)
{
	static struct sign_key keys[SIGN_KEYS_MAX];
	static uint8_t kbuf[KEY_FILE_MAX];
	struct sign_opts o = { 0 };
	struct error why;
	char tmp[4096];
	int r;

	if (sign_args(argc, argv, &o) < 0)
		return EXIT_USAGE;
	for (int i = 0; i < o.n_keys; i++) {
		/* a key file of KEY_FILE_MAX bytes or more is refused */
		ssize_t len = io_read_file(o.keys[i], kbuf, sizeof kbuf - 1);
		if (len < 0) {
			log_fatal("unable to read %s: %s", o.keys[i], strerror((int)-len));
			return EXIT_USAGE;
		}
		r = sign_key_load(&keys[i], kbuf, (size_t)len, o.hash, &why);
		memset(kbuf, 0, sizeof kbuf);
		if (r < 0) {
			log_fatal("%s: %s", o.keys[i], why.what);
			return EXIT_USAGE;
		}
		for (int j = 0; j < i; j++)
			if (!memcmp(keys[j].keyid, keys[i].keyid, 32)) {
				log_fatal("%s: the same key as %s", o.keys[i], o.keys[j]);
				return EXIT_USAGE;
			}
	}
	int in = cmd_open_image(o.in);
	if (in < 0)
		return EXIT_USAGE;
	if (already_signed(in)) {
		log_fatal("%s is already signed (it ends with a trailer): sign the image it holds", o.in);
		(void)io_close(in);
		return EXIT_USAGE;
	}
	int out = 1;
	if (strcmp(o.out, "-")) {
		if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", o.out, (long)getpid()) >= (int)sizeof tmp) {
			log_fatal("output name too long");
			(void)io_close(in);
			return EXIT_USAGE;
		}
		out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (out < 0) {
			log_fatal("unable to create %s: %s", tmp, strerror(errno));
			(void)io_close(in);
			return EXIT_TEMP;
		}
	}
	int code = sign_stream(&o, keys, in, out);
	(void)io_close(in);
	memset(keys, 0, sizeof keys);
	if (out != 1) {
		if (code == EXIT_OK && (fsync(out) < 0 || io_close(out) < 0 || rename(tmp, o.out) < 0)) {
			log_fatal("unable to write %s: %s", o.out, strerror(errno));
			code = EXIT_TEMP;
		} else if (code != EXIT_OK) {
			(void)io_close(out);
		}
		if (code != EXIT_OK)
			(void)unlink(tmp);
	}
	return code;
}
