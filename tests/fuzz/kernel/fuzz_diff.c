/* fuzz_diff.c: libFuzzer target: popinit's image reader (unpack/image.c
 * and its decoders) against the kernel's own unpack_to_rootfs() (kinit.c:
 * init/initramfs.c and lib/decompress_*.c of Linux 6.1, built for
 * userspace), both written down as the filesystem calls the kernel makes
 * when every call succeeds.  A difference aborts, both records printed.
 *
 * The popinit side turns the cpio_sink callbacks into those calls the way
 * do_name(), do_copy() and do_symlink() do (the hardlink table is popinit's
 * links.c; directory mtimes last, newest first).
 *
 * DIFF_MASK (comma-separated) names the known differences not to stop at:
 *   decoder-error-path  both fail, one of them in a decoder: popinit's
 *                       decoder libraries notice corrupt data at other
 *                       points than the kernel's, so emit more or less
 *                       before failing (xz, zstd, bzip2), or name it
 *                       otherwise (zstd 1.5.4's error codes vs 1.5.2's)
 *   xz-settings         the kernel refuses an xz stream (a check other
 *                       than CRC32 or none, a filter other than LZMA2 and
 *                       BCJ) that popinit takes
 *   lz4-cut-block       an lz4 block cut short by the end of the image:
 *                       the kernel decodes the zeros after it ("Decoding
 *                       failed"), popinit says "data corrupted"
 *   lzma-stated-size    a .lzma header with a size (not -1): the kernel
 *                       stops at the size or at an end marker, whichever
 *                       comes first; liblzma wants the marker after it.
 *                       Masked where popinit calls the data corrupt and
 *                       the kernel unpacks all that popinit did and goes
 *                       on (to its end, or to a later error), or where
 *                       the kernel ends in the bytes after the member
 *                       ("invalid magic") and popinit unpacks all
 *   xz-rc-first-byte    an LZMA chunk of an .xz stream whose range coder
 *                       starts with a byte other than 0: the kernel's
 *                       decoder shifts that byte out unread (lib/xz/
 *                       xz_dec_lzma2.c, rc_read_init: "the first byte
 *                       gets completely ignored"), liblzma and xz -t call
 *                       the stream corrupt (known/xz-rc-first-byte).
 *                       Masked only when popinit, given the image with
 *                       those bytes set to 0, does what the kernel did
 *                       (built with XZ_KERNEL, run.sh's KXZ=1: the
 *                       kernel's lib/xz on popinit's side too: never
 *                       masked, and decoder-error-path leaves out .xz)
 * DIFF_SHOW=1 prints both records; DIFF_NOABORT=1 never aborts.
 *
 * The output cap (../fuzz.h): both records end with "capped" where the
 * data written and four times the record's length reach FUZZ_OUT_CAP, cut
 * at that byte whatever the pieces; then popinit's sink refuses and the
 * kernel's flush_buffer() (ORACLE, run.sh) stops its decoder. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../../unpack/image.h"
#include "../../../unpack/links.h"
#include "../fuzz.h"

char *kernel_unpack(const unsigned char *buf, size_t len, int *ub, unsigned long long cap);

struct kern {
	char *text;
	size_t len, cap;
	uint64_t data;		/* data bytes written, for the output cap */
	bool capped;
	struct links links;
	struct error *err;
	bool crc;
	uint32_t check, mtime;
	uint64_t bytes, hash;
	struct dir { char *name; uint32_t mtime; } *dirs;
	size_t ndirs;
};

/* the output cap, by the rule of kinit.c's record: after each line and
 * each piece of data (cut at the cap), the data and 4 times the record's
 * length reach FUZZ_OUT_CAP: "capped", and the sink refuses from then on */
static void
capped_if_over(struct kern *k)
{
	if (!k->capped && !fuzz_room(k->data, k->len)) {
		k->capped = true;
		memcpy(k->text + k->len, "capped\n", 8);	/* room: see out() */
		k->len += 7;
	}
}

static void
out(struct kern *k, const char *s)
{
	size_t n = strlen(s);
	if (k->capped)
		return;
	if (k->len + n + 8 > k->cap) {
		k->cap = (k->len + n + 8) * 2;
		k->text = realloc(k->text, k->cap);
	}
	memcpy(k->text + k->len, s, n + 1);
	k->len += n;
	if (n && s[n - 1] == '\n')
		capped_if_over(k);
}

static void outf(struct kern *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
outf(struct kern *k, const char *fmt, ...)
{
	char b[700];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	out(k, b);
}

static void
q(struct kern *k, const char *tag, const char *s)
{
	char *buf = malloc(4200 * 4 + 4);
	size_t j = 0;
	for (size_t i = 0; s[i] && i < 4200; i++) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			buf[j++] = c;
		else
			j += sprintf(buf + j, "\\x%02x", c);
	}
	buf[j] = 0;
	out(k, tag);
	out(k, "\"");
	out(k, buf);
	out(k, "\"");
	free(buf);
}

static int
k_entry(void *ctx, const struct cpio_entry *e)
{
	struct kern *k = ctx;
	int err = 0;
	const char *old = NULL;
	unsigned mode = e->mode & 0xffff;

	if (k->capped)
		return -1;
	if (S_ISREG(e->mode)) {
		int ml = 0;
		if (e->nlink >= 2) {
			old = links_find(&k->links, e, &err);
			if (old) {
				q(k, "link ", old);
				q(k, " ", e->name);
				out(k, "\n");
				ml = 1;
			}
		}
		q(k, "open ", e->name);
		outf(k, " trunc=%d mode=0%o\n", ml != 1, mode);
		outf(k, "fchown %u %u\n", e->uid, e->gid);
		outf(k, "fchmod 0%o\n", mode);
		if (e->filesize)
			outf(k, "truncate %lld\n", (long long)e->filesize);
		k->crc = e->crc;
		k->check = e->check;
		k->mtime = e->mtime;
		k->bytes = 0;
		k->hash = 0xcbf29ce484222325ull;
	} else if (S_ISDIR(e->mode)) {
		q(k, "mkdir ", e->name);
		outf(k, " 0%o\n", mode);
		q(k, "chown ", e->name);
		outf(k, " %u %u 0\n", e->uid, e->gid);
		q(k, "chmod ", e->name);
		outf(k, " 0%o\n", mode);
		k->dirs = realloc(k->dirs, (k->ndirs + 1) * sizeof *k->dirs);
		k->dirs[k->ndirs].name = strdup(e->name);
		k->dirs[k->ndirs++].mtime = e->mtime;
	} else if (S_ISBLK(e->mode) || S_ISCHR(e->mode) || S_ISFIFO(e->mode) || S_ISSOCK(e->mode)) {
		if (e->nlink >= 2)
			old = links_find(&k->links, e, &err);
		if (old) {
			q(k, "link ", old);
			q(k, " ", e->name);
			out(k, "\n");
		} else {
			q(k, "mknod ", e->name);
			outf(k, " 0%o 0x%x\n", mode, e->rdev);
			q(k, "chown ", e->name);
			outf(k, " %u %u 0\n", e->uid, e->gid);
			q(k, "chmod ", e->name);
			outf(k, " 0%o\n", mode);
			q(k, "utime ", e->name);
			outf(k, " %lld\n", (long long)e->mtime);
		}
	} else if (S_ISLNK(e->mode)) {
		q(k, "symlink ", e->target);
		q(k, " ", e->name);
		out(k, "\n");
		q(k, "chown ", e->name);
		outf(k, " %u %u 1\n", e->uid, e->gid);
		q(k, "utime ", e->name);
		outf(k, " %lld\n", (long long)e->mtime);
	}
	return err ? -1 : 0;
}

static int
k_data(void *ctx, const void *buf, size_t len)
{
	struct kern *k = ctx;
	const unsigned char *b = buf;
	uint64_t room = fuzz_room(k->data, k->len);
	size_t n = len < room ? len : (size_t)room;
	if (k->capped)
		return -1;
	for (size_t i = 0; i < n; i++)
		k->hash = (k->hash ^ b[i]) * 0x100000001b3ull;
	k->bytes += len;
	k->data += n;
	capped_if_over(k);
	return 0;
}

static int
k_end(void *ctx, uint32_t sum)
{
	struct kern *k = ctx;
	if (k->capped)
		return -1;
	outf(k, "futime %lld\n", (long long)k->mtime);
	outf(k, "close bytes=%llu fnv=%016llx\n", (unsigned long long)k->bytes, (unsigned long long)k->hash);
	if (k->crc && sum != k->check) {
		error_set(k->err, "bad data checksum", NULL, 0, NULL, 0);
		return -1;
	}
	return 0;
}

static int
k_trailer(void *ctx)
{
	struct kern *k = ctx;
	links_reset(&k->links);
	return 0;
}

static char *
popinit_unpack(const uint8_t *buf, size_t len, size_t chunk)
{
	static struct image im;
	struct kern k;
	struct cpio_sink sink = { k_entry, k_data, k_end, k_trailer, &k };

	memset(&k, 0, sizeof k);
	out(&k, "");
	image_init(&im, &sink);
	k.err = &im.err;
	for (size_t at = 0; at < len; at += chunk)
		if (image_push(&im, buf + at, len - at < chunk ? len - at : chunk) < 0)
			break;
	image_finish(&im);
	while (k.ndirs--) {
		q(&k, "utime ", k.dirs[k.ndirs].name);
		outf(&k, " %lld\n", (long long)k.dirs[k.ndirs].mtime);
		free(k.dirs[k.ndirs].name);
	}
	free(k.dirs);
	links_reset(&k.links);
	outf(&k, "error: %s\n", im.err.msg ? im.err.msg : "none");
	return k.text;
}

static int
parser_msg(const char *e)
{
	static const char *const own[] = {
		"no cpio magic", "incorrect cpio method used", "broken padding", "malformed archive",
		"junk within compressed archive", "junk at the end of compressed archive",
		"invalid magic at start of compressed archive", "bad data checksum", "write error", "none",
	};
	for (size_t i = 0; i < sizeof own / sizeof *own; i++)
		if (!strncmp(e, own[i], strlen(own[i])))
			return 1;
	return 0;
}

/* xz_rc_zeroed: a copy of BUF in which the first byte of every LZMA
 * chunk's range coder, in each .xz stream found, is 0 (the .xz format:
 * stream header, blocks of LZMA2 chunks, the index).  Only a stream that
 * parses to its index is changed: a magic in file data (or a stream cut
 * short) is left as it is, and the search goes on (a real stream may
 * follow it) */
static uint8_t *
xz_rc_zeroed(const uint8_t *buf, size_t len)
{
	uint8_t *c = malloc(len ? len : 1);

	memcpy(c, buf, len);
	for (const uint8_t *m = buf; (m = memmem(m, (size_t)(buf + len - m), "\xfd" "7zXZ\0", 6)); m++) {
		size_t at = (size_t)(m - buf) + 12;
		if (at > len)
			break;
		size_t check = m[7] & 15, check_len = check ? 4u << ((check - 1) / 3) : 0;
		bool bad = false;
		size_t zeroed[64], nz = 0;
		while (!bad && at < len && buf[at]) {	/* a block header; 0 starts the index */
			size_t start = at;
			at += ((size_t)buf[at] + 1) * 4;
			for (;;) {
				if (at >= len) {
					bad = true;
					break;
				}
				unsigned ctl = buf[at];
				if (!ctl) {		/* the end of the block's chunks */
					at++;
					break;
				}
				if (at + 6 > len || (ctl > 2 && ctl < 0x80)) {
					bad = true;
					break;
				}
				if (ctl <= 2) {		/* stored: size - 1 */
					at += 3 + ((size_t)buf[at + 1] << 8 | buf[at + 2]) + 1;
					continue;
				}
				size_t hdr = ctl >= 0xc0 ? 6 : 5;	/* with properties */
				if (at + hdr < len && nz < sizeof zeroed / sizeof *zeroed) {
					c[at + hdr] = 0;
					zeroed[nz++] = at + hdr;
				}
				at += hdr + ((size_t)buf[at + 3] << 8 | buf[at + 4]) + 1;
			}
			at += (4 - (at - start) % 4) % 4 + check_len;
		}
		if (bad || at >= len)	/* not a stream: as it was */
			while (nz--)
				c[zeroed[nz]] = buf[zeroed[nz]];
	}
	return c;
}

/* xz_rc_first_byte: popinit, given DATA with those bytes 0, does what
 * the kernel did (WANT) */
static int
xz_rc_first_byte(const uint8_t *data, size_t size, const char *want)
{
	if (!memmem(data, size, "\xfd" "7zXZ\0", 6))
		return 0;
	uint8_t *z = xz_rc_zeroed(data, size);
	char *got = popinit_unpack(z, size, size ? size : 1);
	int same = !strcmp(want, got);
	free(z);
	free(got);
	return same;
}

/* lzma_stated_size: the input has a .lzma header (properties 0x5d, the
 * dictionary's low byte 0) and either popinit stopped at "LZMA data is
 * corrupt" where the kernel did all popinit did before it (the directory
 * times that end both records aside) and went on, or the kernel stopped
 * at the bytes after the member where popinit unpacked all */
static int
lzma_stated_size(const uint8_t *data, size_t size, const char *want, const char *got)
{
	static const char corrupt[] = "error: LZMA data is corrupt\n";
	size_t n = strlen(got), c = sizeof corrupt - 1;

	if (!memmem(data, size, "\x5d\x00", 2))
		return 0;
	if (strstr(want, "error: invalid magic") && strstr(got, "error: none"))
		return 1;
	if (n < c || strcmp(got + n - c, corrupt) || !strcmp(want, got))
		return 0;
	n -= c;
	while (n) {		/* back over the last lines, the directories' times */
		size_t b = n - 1;	/* got[n - 1] ends the line */
		while (b && got[b - 1] != '\n')
			b--;
		if (strncmp(got + b, "utime ", 6))
			break;
		n = b;
	}
	return !strncmp(want, got, n);
}

/* last_error: the message of R's "error: " line, or NULL (capped) */
static const char *
last_error(const char *r)
{
	const char *e = strstr(r, "error: ");
	while (e && strstr(e + 1, "error: "))
		e = strstr(e + 1, "error: ");
	return e ? e + 7 : NULL;
}

static bool
capped(const char *r)
{
	size_t n = strlen(r);
	return n >= 7 && !strcmp(r + n - 7, "capped\n");
}

/* both failed, and one of them in a decoder: the decoders' own error
 * paths (how much they emit before they notice); or one reached the
 * output cap and the other failed in a decoder (before it, by as much) */
static int
decoder_error_path(const char *a, const char *b)
{
	const char *ea = last_error(a), *eb = last_error(b);
#ifdef XZ_KERNEL
	/* the kernel's own xz decoder on both sides: no error path of it
	 * may differ (CRC64 and SHA-256 streams are xz-settings') */
	if ((ea && strstr(ea, "XZ")) || (eb && strstr(eb, "XZ")))
		return 0;
#endif
	if (capped(a) || capped(b))
		return (ea && !parser_msg(ea)) || (eb && !parser_msg(eb));
	if (!ea || !eb || !strncmp(ea, "none", 4) || !strncmp(eb, "none", 4))
		return 0;
	return !parser_msg(ea) || !parser_msg(eb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *mask;
	static int mask_read;
	int ub = 0;
	char *want = kernel_unpack(data, size, &ub, FUZZ_OUT_CAP);
	char *got = popinit_unpack(data, size, size ? size : 1);

	if (!mask_read) {
		mask = getenv("DIFF_MASK");
		mask_read = 1;
	}
	int masked = mask && ((strstr(mask, "decoder-error-path") && decoder_error_path(want, got)) ||
			      (strstr(mask, "xz-settings") &&
			       strstr(want, "error: Input was encoded with settings that are not supported")) ||
			      (strstr(mask, "lz4-cut-block") && strstr(want, "error: Decoding failed") &&
			       strstr(got, "error: data corrupted")) ||
			      (strstr(mask, "xz-rc-first-byte") && xz_rc_first_byte(data, size, want)) ||
			      (strstr(mask, "lzma-stated-size") && lzma_stated_size(data, size, want, got)));
	if (!ub && !masked && strcmp(want, got) && !getenv("DIFF_NOABORT")) {
		fprintf(stderr, "fuzz_diff: popinit and the kernel differ (%zu bytes)\n--- kernel\n%s--- popinit\n%s---\n",
			size, want, got);
		abort();
	}
	if (getenv("DIFF_SHOW"))
		printf("%s--- kernel above, popinit below%s\n%s", want, ub ? " (kernel UB)" : "", got);
	free(want);
	free(got);
	return 0;
}
