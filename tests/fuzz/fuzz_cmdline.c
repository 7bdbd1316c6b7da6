/* fuzz_cmdline.c: libFuzzer target for the kernel command-line parser
 * (init/cmdline.c).  The input is the text of /proc/cmdline (up to its
 * first NUL).  Checked: the return is 0 or -E2BIG, and only -E2BIG when
 * a limit was reached; every pointer the parser leaves points into its
 * own copy and is NUL-terminated there; the counts stay in bounds.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../init/cmdline.h"

/* fuzz-options: -max_len=8192 (twice the parser's limit, CMDLINE_MAX) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct boot_opts o;

static void
inside(const char *what, const char *p)
{
	/* NULL: absent; a literal "": a flag given without a value */
	if (!p || (!*p && (p < o.buf || p > o.buf + CMDLINE_MAX)))
		return;
	if (p < o.buf || p > o.buf + CMDLINE_MAX || !memchr(p, 0, (size_t)(o.buf + sizeof o.buf - p))) {
		fprintf(stderr, "fuzz_cmdline: %s points outside the parser's copy\n", what);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	memset(&o, 0xa5, sizeof o);	/* the parser must set what it reports */
	int r = cmdline_parse(&o, text);
	size_t n = strlen(text);
	if (r != 0 && r != -E2BIG)
		abort();
	if (r == -E2BIG && n <= CMDLINE_MAX && o.n_words < CMDLINE_MAX_WORDS && o.n_images < CMDLINE_MAX_IMAGES) {
		fprintf(stderr, "fuzz_cmdline: -E2BIG with no limit reached\n");
		abort();
	}
	if (o.n_words < 0 || o.n_words > CMDLINE_MAX_WORDS || o.n_images < 0 || o.n_images > CMDLINE_MAX_IMAGES)
		abort();
	for (int i = 0; i < o.n_words; i++) {
		inside("a word's key", o.words[i].key);
		inside("a word's value", o.words[i].val);
	}
	for (int i = 0; i < o.n_images; i++)
		inside("popinit.image=", o.images[i]);
	const char *root = o.root;
	if (root && (root < o.buf || root > o.buf + CMDLINE_MAX)) {
		/* roothash= without root= names the verity device: a literal */
		if (!o.roothash || strcmp(root, "/dev/mapper/root")) {
			fprintf(stderr, "fuzz_cmdline: root= outside the copy, and not implied by roothash=\n");
			abort();
		}
		root = NULL;
	}
	const char *const s[] = { root, o.rootfstype, o.rootflags, o.init, o.break_at, o.run, o.elevator, o.verify,
				  o.revoke, o.floors, o.roothash, o.verity_data, o.verity_hash, o.verity_options,
				  o.volatile_mode, o.overlay, o.root_image };
	for (size_t i = 0; i < sizeof s / sizeof *s; i++)
		inside("an option", s[i]);
	free(text);
	return 0;
}
