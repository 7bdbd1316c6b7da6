/* fuzz_sig.c: libFuzzer target for the signed-image trailer.
 *
 * The input is the end of an image.  It goes through the footer, frame
 * and record parser, signature verification against a real trusted key
 * (FUZZ_SIG_KEY, a PEM public key), the manifest parser, and the whole
 * intake (sig_image_open: NUL tail, pad, sealed copy, hash) from a memfd;
 * then through the key and list parsers as if it were a key file.
 * Invariant checked: an accepted image's sealed copy holds exactly
 * payload-size bytes whose SHA-256 (or SHA-384, the one checked) is the
 * manifest's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../verify/sigimage.h"

/* fuzz-options: -max_len=4096 (a signed trailer, a key, a small payload) */

static struct sig_trust trust;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static uint8_t buf[16384];
	struct error why;
	const char *path = getenv("FUZZ_SIG_KEY");
	(void)argc;
	(void)argv;

	FILE *f = path ? fopen(path, "rb") : NULL;
	size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
	if (f)
		fclose(f);
	if (!n || sig_trust_keys(&trust, buf, n, "fuzz", &why) < 0) {
		fprintf(stderr, "fuzz_sig: FUZZ_SIG_KEY must name a PEM public key\n");
		exit(1);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sig_image si;
	struct sig_trailer tr;
	struct sig_manifest m;
	struct error why;
	int used;

	if (sig_parse_trailer(data, size, size, &tr, &why) == 0) {
		(void)sig_verify(&trust, &tr, &used, &why);
		(void)sig_parse_manifest(tr.manifest, tr.manifest_len, &m, &why);
	}
	(void)sig_parse_manifest(data, size, &m, &why);

	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd >= 0 && write(fd, data, size) == (ssize_t)size) {
		int s = sig_image_open(&trust, fd, NULL, true, &si, &why);
		if (s >= 0) {
			static uint8_t copy[1 << 16];
			ssize_t n = pread(s, copy, sizeof copy, 0);
			/* the digest checked: SHA-384 where it was chosen */
			uint8_t h[48];
			size_t hlen = sig_digest(si.sha384, copy, n > 0 ? (size_t)n : 0, h);
			if (n < 0 || (uint64_t)n != si.m.payload_size ||
			    memcmp(h, si.sha384 ? si.m.sha384 : si.m.sha256, hlen))
				abort();
			close(s);
		}
		sig_image_done(&si);
	}
	if (fd >= 0)
		close(fd);

	static struct sig_trust t2;
	memset(&t2, 0, sizeof t2);
	(void)sig_trust_keys(&t2, data, size, "fuzz", &why);
	(void)sig_trust_parse_list(&t2, (const char *)data, size, size & 1, &why);
	return 0;
}
