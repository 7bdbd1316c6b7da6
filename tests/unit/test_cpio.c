/* test_cpio.c: the cpio push parser (unpack/cpio.c) against the kernel's
 * state machine (init/initramfs.c, 6.1): split invariance, header
 * decoding, what is skipped, what is an error, and the KUnit cases of
 * init/initramfs_test.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../unpack/cpio.h"
#include "harness.h"
#include "mkcpio.h"
#include "sink_mem.h"
#include "t.h"

#define N_ALIGN(n) ((((size_t)(n) + 1) & ~(size_t)3) + 2)

static uint64_t
fnv(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ull;
	return h;
}

/* the kernel's new_encode_dev(MKDEV(maj, min)), MKDEV cut to 32 bits */
static uint32_t
kernel_rdev(uint32_t maj, uint32_t min)
{
	uint32_t dev = (uint32_t)((uint64_t)maj << 20 | min);
	uint32_t major = dev >> 20, minor = dev & 0xfffff;

	return (minor & 0xff) | major << 8 | (minor & ~0xffu) << 12;
}

/* what sink_mem prints for an entry of table row E at offset AT */
static void
want_entry(struct sink_mem *w, const char *type, const struct mk_entry *e, size_t at,
	   const char *target)
{
	const char *data = e->data;
	size_t datalen = e->datalen ? e->datalen : data ? strlen(data) : 0;
	uint32_t filesize = (e->flags & MK_FILESIZE) ? e->filesize : (uint32_t)datalen;
	uint32_t check = e->check;

	if (e->flags & MK_CSUM)
		for (size_t i = 0; i < datalen; i++)
			check += (unsigned char)data[i];
	sink_mem_printf(w, "entry %s mode=0%o ino=%u uid=%u gid=%u nlink=%u mtime=%u size=%u "
			"dev=%u,%u rdev=0x%x crc=%d check=0x%x name=\"%s\" target=%s%s%s at=%zu\n",
			type, (unsigned)(e->mode & 0xffff), (unsigned)e->ino, (unsigned)e->uid,
			(unsigned)e->gid, (unsigned)e->nlink, (unsigned)e->mtime, (unsigned)filesize,
			(unsigned)e->devmajor, (unsigned)e->devminor,
			(unsigned)kernel_rdev(e->rdevmajor, e->rdevminor),
			e->magic && !strcmp(e->magic, "070702"), (unsigned)check, e->name,
			target ? "\"" : "-", target ? target : "", target ? "\"" : "", at);
}

/* want_end: the end() of a file holding DATA; CRC: a 070702 entry, whose
 * data the parser sums (070701 data is not summed: 0) */
static void
want_end(struct sink_mem *w, const char *data, bool crc)
{
	size_t n = strlen(data);
	uint32_t sum = 0;

	for (size_t i = 0; crc && i < n; i++)
		sum += (unsigned char)data[i];
	char head[17];

	snprintf(head, sizeof head, "%s", data);
	sink_mem_printf(w, "end bytes=%zu sum=0x%x fnv=%016llx data=", n, (unsigned)sum,
			(unsigned long long)fnv(data, n));
	sink_mem_quote(w, head, sizeof head);
	sink_mem_printf(w, "%s\n", n > 16 ? "..." : "");
}

/* check_split: NAME passes when the parser, fed BUF whole, cut in two at
 * every offset, 1, 3 and 7 bytes at a time and cut at random, through
 * cpio_flush() and through cpio_write() as the kernel's top loop drives
 * it, always gives the same record; and, if WANT, that record is WANT.
 * Returns the record (malloc'd). */
static char *
check_split(const char *name, const uint8_t *buf, size_t len, unsigned opts, const char *want)
{
	char *bad = NULL, *bad_w = NULL;
	size_t limit = len > 100000 ? 40 : 600;
	char *whole = split_check(run_cpio, buf, len, opts, limit, &bad);
	char *whole_w = split_check(run_cpio, buf, len, opts | RUN_WRITE, limit, &bad_w);

	if (bad)
		T_CHECK(name, 0, "cpio_flush: %s", bad);
	else if (bad_w)
		T_CHECK(name, 0, "cpio_write: %s", bad_w);
	else if (want && strcmp(whole, want))
		T_CHECK(name, 0, "record:\n%s\nwanted:\n%s", whole, want);
	else if (want && strcmp(whole_w, want))
		T_CHECK(name, 0, "record through cpio_write:\n%s\nwanted:\n%s", whole_w, want);
	else
		T_CHECK(name, 1, "-");
	free(bad);
	free(bad_w);
	free(whole_w);
	return whole;
}

/* once: one whole run through cpio_flush() (malloc'd record) */
static char *
once(const struct mk_buf *b, unsigned opts)
{
	return run_cpio(b->p, b->len, NULL, opts);
}

static void
check_has(const char *name, const char *rec, const char *needle)
{
	T_CHECK(name, has(rec, needle), "no \"%s\" in:\n%s", needle, rec);
}

/* ---------------------------------------------------------------- */

/* every entry type, hardlinks, both symlink styles, a 070702 file,
 * NULs between entries, a trailer and an entry after it */
static void
test_all_types(void)
{
	struct mk_entry t[] = {
		{ .ino = 1, .mode = 0100644, .uid = 1000, .gid = 100, .nlink = 1, .mtime = 0x5f000000,
		  .devmajor = 3, .devminor = 1, .name = "file", .data = "hello\n" },
		{ .ino = 2, .mode = 0100600, .nlink = 1, .name = "empty" },
		{ .ino = 3, .mode = 040755, .nlink = 2, .mtime = 7, .name = "dir" },
		{ .ino = 4, .mode = 0120777, .nlink = 1, .name = "dir/link", .data = "file",
		  .datalen = 5 },
		{ .ino = 5, .mode = 0120777, .nlink = 1, .name = "dir/gnulink", .data = "../file" },
		{ .ino = 6, .mode = 020600, .nlink = 1, .rdevmajor = 5, .rdevminor = 1,
		  .name = "dev/console" },
		{ .ino = 7, .mode = 060660, .gid = 6, .nlink = 1, .rdevmajor = 7, .name = "dev/loop0" },
		{ .ino = 8, .mode = 010644, .nlink = 1, .name = "fifo" },
		{ .ino = 9, .mode = 0140755, .nlink = 1, .name = "sock" },
		{ .ino = 10, .mode = 0100755, .nlink = 2, .name = "h1" },
		{ .ino = 10, .mode = 0100755, .nlink = 2, .name = "h2", .data = "ASDF" },
		{ .magic = "070702", .ino = 11, .mode = 0100644, .nlink = 1, .name = "crc",
		  .data = "ASDF", .flags = MK_CSUM },
	};
	struct mk_buf b = { 0 };
	struct sink_mem w;
	size_t at[16];

	sink_mem_init(&w, NULL);
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		at[i] = b.len;
		mk_add(&b, &t[i]);
		if (i == 4)
			mk_fill(&b, 0, 8);	/* NULs between entries, a multiple of 4 */
	}
	mk_trailer(&b);
	size_t after = b.len;
	struct mk_entry last = { .ino = 12, .mode = 0100644, .nlink = 1, .name = "after", .data = "x" };
	mk_add(&b, &last);
	mk_align(&b, 512);

	const char *type[] = { "reg", "reg", "dir", "lnk", "lnk", "chr", "blk", "fifo", "sock",
			       "reg", "reg", "reg" };
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		want_entry(&w, type[i], &t[i], at[i],
			   i == 3 ? "file" : i == 4 ? "../file" : NULL);
		if (!strcmp(type[i], "reg"))
			want_end(&w, t[i].data ? t[i].data : "", t[i].magic != NULL);
	}
	sink_mem_printf(&w, "trailer\n");
	want_entry(&w, "reg", &last, after, NULL);
	want_end(&w, "x", false);
	sink_mem_printf(&w, "error: none\nstate: mid=0 this_header=%zu\n", b.len);
	free(check_split("unit/cpio/split-all-entry-types", b.p, b.len, 0, w.text));
	sink_mem_free(&w);

	/* the same archive in uppercase hex */
	struct mk_buf u = { 0 };
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		t[i].flags |= MK_UPPER;
		mk_add(&u, &t[i]);
		if (i == 4)
			mk_fill(&u, 0, 8);
	}
	mk_trailer(&u);
	last.flags |= MK_UPPER;
	mk_add(&u, &last);
	mk_align(&u, 512);
	char *lower = once(&b, 0), *upper = once(&u, 0);
	T_CHECK("unit/cpio/hex-uppercase-same-as-lowercase", u.len == b.len &&
		memcmp(u.p, b.p, b.len) && has(upper, "uid=1000 gid=100") &&
		has(upper, "mtime=1593835520") && !strcmp(lower, upper),
		"uppercase header decoded differently:\n%s", upper);
	free(lower);
	free(upper);
	mk_free(&u);
	mk_free(&b);
}

/* errors at the end of an archive are split-invariant too, offsets included */
static void
test_split_errors(void)
{
	struct mk_entry ok = { .ino = 1, .mode = 0100644, .nlink = 1, .name = "ok", .data = "data" };
	struct mk_buf b = { 0 };
	char *r;

	mk_add(&b, &ok);
	mk_add(&b, &(struct mk_entry){ .mode = 0100644, .name = "abc", .namesize = 3, .flags = MK_NAMESIZE });
	r = check_split("unit/cpio/split-malformed-name", b.p, b.len, 0, NULL);
	check_has("unit/cpio/name-without-nul-is-malformed-archive", r,
		  "error: \"malformed archive\" why=name without NUL terminator err=0 what=\"ab\" offset=120");
	free(r);
	mk_free(&b);

	mk_add(&b, &ok);
	mk_add(&b, &(struct mk_entry){ .mode = 0120777, .name = "lnk", .namesize = 3,
				       .flags = MK_NAMESIZE, .data = "ok" });
	r = once(&b, 0);
	check_has("unit/cpio/symlink-name-without-nul-is-malformed-archive", r,
		  "error: \"malformed archive\" why=symlink without NUL terminator");
	T_CHECK("unit/cpio/symlink-name-without-nul-creates-nothing", count(r, "entry ") == 1,
		"%s", r);
	free(r);
	mk_free(&b);

	mk_add(&b, &ok);
	mk_add(&b, &(struct mk_entry){ .magic = "070707", .mode = 0100644, .name = "old" });
	r = check_split("unit/cpio/split-070707", b.p, b.len, 0, NULL);
	check_has("unit/cpio/magic-070707-message", r,
		  "error: \"incorrect cpio method used: use -H newc option\" why=- err=0 what=\"\" offset=120");
	free(r);
	mk_free(&b);

	const char *bad_magic[] = { "070703", "0707O1", "070700", "07070 ", "000000" };
	for (size_t i = 0; i < sizeof bad_magic / sizeof *bad_magic; i++) {
		mk_add(&b, &ok);
		mk_add(&b, &(struct mk_entry){ .magic = bad_magic[i], .mode = 0100644, .name = "x" });
		r = once(&b, 0);
		char name[80];
		snprintf(name, sizeof name, "unit/cpio/magic-%s-no-cpio-magic", bad_magic[i]);
		for (char *c = name; *c; c++)
			if (*c == ' ')
				*c = '_';
		T_CHECK(name, has(r, "error: \"no cpio magic\"") && has(r, "offset=120") &&
			count(r, "entry ") == 1, "%s", r);
		free(r);
		mk_free(&b);
	}

	/* an entry, one NUL, then a header at an offset that is not a multiple of 4 */
	mk_add(&b, &ok);
	mk_fill(&b, 0, 1);
	mk_add(&b, &ok);
	r = check_split("unit/cpio/split-broken-padding", b.p, b.len, 0, NULL);
	check_has("unit/cpio/broken-padding", r,
		  "error: \"broken padding\" why=an archive must start at a multiple of 4 err=0 what=\"\" offset=121");
	free(r);
	mk_free(&b);

	/* cpio_flush: decompressed data with a byte that is neither '0' nor NUL */
	mk_add(&b, &ok);
	mk_bytes(&b, "XYZW", 4);
	r = check_split("unit/cpio/split-junk-within", b.p, b.len, 0, NULL);
	check_has("unit/cpio/flush-junk-within-compressed-archive", r,
		  "error: \"junk within compressed archive\" why=- err=0 what=\"\" offset=120");
	free(r);
	r = run_cpio(b.p, b.len, NULL, RUN_WRITE);
	check_has("unit/cpio/write-stops-before-junk", r, "stopped at 120\nerror: none");
	free(r);
	mk_free(&b);
}

/* lenient 6.1 hex: simple_strtoul(field, NULL, 16) on 8 characters */
static void
test_header_hex(void)
{
	struct {
		const char *name, *field;
		unsigned value;
	} cases[] = {
		{ "unit/cpio/hex-0x-prefix", "0x123456", 0x123456 },
		{ "unit/cpio/hex-0X-prefix", "0X12345f", 0x12345f },
		{ "unit/cpio/hex-lowercase", "deadbeef", 0xdeadbeef },
		{ "unit/cpio/hex-uppercase", "DEADBEEF", 0xdeadbeef },
		{ "unit/cpio/hex-mixed-case", "dEaDbEeF", 0xdeadbeef },
		{ "unit/cpio/hex-stop-at-G", "0000000G", 0 },
		{ "unit/cpio/hex-stop-mid-field", "12G45678", 0x12 },
		{ "unit/cpio/hex-leading-space-is-0", " 1234567", 0 },
		{ "unit/cpio/hex-plus-sign-is-0", "+1234567", 0 },
		{ "unit/cpio/hex-0x-only-once", "0x0x1234", 0 },
		{ "unit/cpio/hex-x-after-digits", "00000x12", 0 },
		{ "unit/cpio/hex-0x-then-junk", "0xZZZZZZ", 0 },
		{ "unit/cpio/hex-max", "ffffffff", 0xffffffff },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct mk_buf b = { 0 };
		struct mk_entry e = { .mode = 040755, .nlink = 2, .name = "d" };
		e.raw[2] = cases[i].field;	/* uid */
		mk_add(&b, &e);
		char *r = once(&b, 0);
		char want[40];
		snprintf(want, sizeof want, " uid=%u gid=0 ", cases[i].value);
		check_has(cases[i].name, r, want);
		free(r);
		mk_free(&b);
	}

	/* "0x" on the name size moves nothing: 0x000005 == 5 */
	struct mk_buf b = { 0 };
	struct mk_entry e = { .mode = 0100644, .nlink = 1, .name = "name", .data = "dat",
			      .raw = { [11] = "0x000005", [6] = "0X000003" } };
	mk_add(&b, &e);
	mk_add(&b, &(struct mk_entry){ .mode = 0100644, .nlink = 1, .name = "next" });
	char *r = check_split("unit/cpio/hex-0x-on-sizes", b.p, b.len, 0, NULL);
	T_CHECK("unit/cpio/hex-0x-sizes-frame-entries", has(r, "name=\"name\"") &&
		has(r, "data=\"dat\"") && has(r, "name=\"next\"") && has(r, "error: none"), "%s", r);
	free(r);
	mk_free(&b);

	/* mode is a umode_t: bits above 15 are dropped */
	mk_add(&b, &(struct mk_entry){ .nlink = 1, .name = "m", .data = "x",
				       .raw = { [1] = "FFFF81ED" } });
	mk_add(&b, &(struct mk_entry){ .nlink = 1, .name = "n", .raw = { [1] = "000141ed" } });
	r = once(&b, 0);
	T_CHECK("unit/cpio/mode-truncated-to-16-bits",
		has(r, "entry reg mode=0100755 ") && has(r, "data=\"x\"") &&
		has(r, "entry dir mode=040755 "), "%s", r);
	free(r);
	mk_free(&b);

	/* rdev: new_encode_dev(MKDEV(rmaj, rmin)) with MKDEV cut to 32 bits */
	struct { uint32_t maj, min, want; } dev[] = {
		{ 5, 1, 0x501 }, { 7, 0, 0x700 }, { 259, 300, 0x11032c },
		{ 0x1000, 0, 0 },		/* major bits above 11 are lost */
		{ 0x1001, 1, 0x101 },
		{ 2, 0x312345, 0x12300345 },	/* minor bits 20+ leak into the major */
		{ 8, 0x100000, 0x900 },
		{ 0xfff, 0xfffff, 0xffffffff },
	};
	int bad = 0;
	char why[400] = "";
	for (size_t i = 0; i < sizeof dev / sizeof *dev; i++) {
		mk_add(&b, &(struct mk_entry){ .mode = 020600, .nlink = 1, .name = "c",
					       .rdevmajor = dev[i].maj, .rdevminor = dev[i].min });
		r = once(&b, 0);
		char want[40];
		snprintf(want, sizeof want, " rdev=0x%x ", (unsigned)dev[i].want);
		if (!has(r, want) || kernel_rdev(dev[i].maj, dev[i].min) != dev[i].want) {
			bad++;
			snprintf(why, sizeof why, "rdev %#x:%#x: want%s in %.200s", (unsigned)dev[i].maj,
				 (unsigned)dev[i].min, want, r);
		}
		free(r);
		mk_free(&b);
	}
	T_CHECK("unit/cpio/rdev-encoding", !bad, "%s", why);

	/* every other field lands where it belongs */
	mk_add(&b, &(struct mk_entry){ .ino = 0x11111111, .mode = 0100644, .uid = 0x22222222,
				       .gid = 0x33333333, .nlink = 0x44444444, .mtime = 0xfedcba98,
				       .devmajor = 0x55555555, .devminor = 0x66666666,
				       .check = 0x77777777, .name = "f", .data = "" });
	r = once(&b, 0);
	check_has("unit/cpio/header-field-order", r,
		  "mode=0100644 ino=286331153 uid=572662306 gid=858993459 nlink=1145324612 "
		  "mtime=4275878552 size=0 dev=1431655765,1717986918 rdev=0x0 crc=0 check=0x77777777");
	free(r);
	mk_free(&b);
}

/* entries the kernel skips whole, silently */
static void
test_skips(void)
{
	struct mk_buf b = { 0 };
	struct mk_entry next = { .ino = 9, .mode = 0100644, .nlink = 1, .name = "next", .data = "N" };
	char *r;

	/* namesize 0: N_ALIGN(0) + filesize bytes skipped */
	mk_add(&b, &(struct mk_entry){ .mode = 0100644, .name = "zz", .namesize = 0,
				       .flags = MK_NAMESIZE, .data = "12345" });
	mk_add(&b, &next);
	r = check_split("unit/cpio/split-namesize-0", b.p, b.len, 0, NULL);
	T_CHECK("unit/cpio/namesize-0-skipped", count(r, "entry ") == 1 && has(r, "name=\"next\"") &&
		has(r, "error: none"), "%s", r);
	free(r);
	mk_free(&b);

	/* namesize 4097 (PATH_MAX + 1): skipped with its data */
	char big[4200];
	memset(big, 'a', sizeof big);
	big[4096] = '\0';
	mk_add(&b, &(struct mk_entry){ .mode = 0100644, .nlink = 1, .name = big, .data = "skipme" });
	mk_add(&b, &next);
	r = once(&b, 0);
	T_CHECK("unit/cpio/namesize-4097-skipped", count(r, "entry ") == 1 &&
		has(r, "name=\"next\"") && !has(r, "skipme") && has(r, "error: none"), "%s", r);
	free(r);
	mk_free(&b);

	/* namesize 0xffffffff: N_ALIGN does not wrap */
	mk_add(&b, &(struct mk_entry){ .mode = 0100644, .name = "x", .raw = { [11] = "ffffffff" } });
	r = once(&b, 0);
	T_CHECK("unit/cpio/namesize-huge-skipped", !has(r, "entry ") && has(r, "error: none") &&
		has(r, "mid=1"), "%s", r);
	free(r);
	mk_free(&b);

	/* namesize 4096, the largest taken */
	big[4095] = '\0';
	mk_add(&b, &(struct mk_entry){ .mode = 0100644, .nlink = 1, .name = big, .data = "kept" });
	r = once(&b, 0);
	T_CHECK("unit/cpio/namesize-4096-taken", count(r, "entry ") == 1 && has(r, "data=\"kept\""),
		"%.300s", r);
	free(r);
	mk_free(&b);

	/* B18: data on a directory, a device, a fifo: not created */
	uint32_t modes[] = { 040755, 020600, 060600, 010644, 0140755, 0 };
	for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
		mk_add(&b, &(struct mk_entry){ .mode = modes[i], .nlink = 1, .name = "skipped",
					       .data = "0707010000" });
		mk_add(&b, &next);
	}
	r = check_split("unit/cpio/split-nonregular-with-data", b.p, b.len, 0, NULL);
	T_CHECK("unit/cpio/nonregular-with-data-skipped", !has(r, "skipped") &&
		count(r, "name=\"next\"") == 6 && has(r, "error: none"), "%s", r);
	free(r);
	mk_free(&b);

	/* non-regular entries without data are reported, unknown types too */
	mk_add(&b, &(struct mk_entry){ .mode = 0170644, .nlink = 1, .name = "weird" });
	mk_add(&b, &(struct mk_entry){ .mode = 0644, .nlink = 1, .name = "typeless" });
	r = once(&b, 0);
	T_CHECK("unit/cpio/unknown-type-without-data-reported",
		has(r, "entry unknown mode=0170644 ") && has(r, "entry unknown mode=0644 ") &&
		!has(r, "end bytes"), "%s", r);
	free(r);
	mk_free(&b);

	/* symlinks: target up to 4096 bytes taken, 4097 skipped */
	char target[4098];
	memset(target, 't', sizeof target);
	target[4097] = '\0';
	mk_add(&b, &(struct mk_entry){ .mode = 0120777, .nlink = 1, .name = "long", .data = target });
	target[4096] = '\0';
	mk_add(&b, &(struct mk_entry){ .mode = 0120777, .nlink = 1, .name = "max", .data = target });
	mk_add(&b, &next);
	r = check_split("unit/cpio/split-long-symlinks", b.p, b.len, 0, NULL);
	T_CHECK("unit/cpio/symlink-over-4096-skipped", !has(r, "name=\"long\"") &&
		has(r, "name=\"max\"") && has(r, "name=\"next\""), "%.400s", r);
	char *t = strstr(r, "name=\"max\" target=\"");
	T_CHECK("unit/cpio/symlink-4096-target-whole",
		t && strspn(t + 19, "t") == 4096 && t[19 + 4096] == '"', "%.300s", t ? t : r);
	free(r);
	mk_free(&b);

	/* the target ends at its first NUL, or after filesize bytes */
	mk_add(&b, &(struct mk_entry){ .mode = 0120777, .nlink = 1, .name = "a",
				       .data = "tgt\0junk", .datalen = 8 });
	mk_add(&b, &(struct mk_entry){ .mode = 0120777, .nlink = 1, .name = "b", .data = "abcdef",
				       .filesize = 3, .flags = MK_FILESIZE });
	mk_add(&b, &(struct mk_entry){ .mode = 0120777, .nlink = 1, .name = "c" });
	r = once(&b, 0);
	T_CHECK("unit/cpio/symlink-target-cut", has(r, "name=\"a\" target=\"tgt\"") &&
		has(r, "name=\"b\" target=\"abc\"") && has(r, "name=\"c\" target=\"\""), "%s", r);
	free(r);
	mk_free(&b);
}

static void
test_trailer(void)
{
	struct mk_buf b = { 0 };
	char *r;

	mk_add(&b, &(struct mk_entry){ .mode = 0100644, .nlink = 1, .name = "a", .data = "1" });
	mk_trailer(&b);
	mk_align(&b, 512);
	mk_add(&b, &(struct mk_entry){ .mode = 0100644, .nlink = 1, .name = "b", .data = "2" });
	mk_trailer(&b);
	r = check_split("unit/cpio/split-two-archives", b.p, b.len, 0, NULL);
	T_CHECK("unit/cpio/trailer-callback-and-continue", count(r, "trailer\n") == 2 &&
		has(r, "name=\"b\"") && has(r, "error: none") && !has(r, "TRAILER"), "%s", r);
	free(r);
	mk_free(&b);

	/* any mode: it is the name that counts (but data on a non-regular
	 * entry skips it first, and symlinks are never trailers) */
	mk_add(&b, &(struct mk_entry){ .mode = 040755, .name = "TRAILER!!!" });
	mk_add(&b, &(struct mk_entry){ .mode = 040755, .name = "TRAILER!!!", .data = "abc" });
	mk_add(&b, &(struct mk_entry){ .mode = 0120777, .name = "TRAILER!!!", .data = "t" });
	mk_add(&b, &(struct mk_entry){ .mode = 0100644, .name = "TRAILER!!!\0x", .namelen = 12, .namesize = 13,
				       .flags = MK_NAMESIZE });
	mk_add(&b, &(struct mk_entry){ .mode = 0100644, .name = "TRAILER!!" });
	r = once(&b, 0);
	T_CHECK("unit/cpio/trailer-by-name", count(r, "trailer\n") == 2 &&
		has(r, "entry lnk ") && has(r, "name=\"TRAILER!!\"") && count(r, "entry ") == 2,
		"%s", r);
	free(r);
	mk_free(&b);
}

static void
test_regular_files(void)
{
	struct mk_buf b = { 0 };
	char *r;

	/* end() for empty files, even with nothing after the name */
	mk_add(&b, &(struct mk_entry){ .mode = 0100644, .nlink = 1, .name = "e1" });
	mk_add(&b, &(struct mk_entry){ .mode = 0100644, .nlink = 1, .name = "e2" });
	r = check_split("unit/cpio/split-empty-files", b.p, b.len, 0, NULL);
	T_CHECK("unit/cpio/end-called-for-empty-file",
		count(r, "end bytes=0 sum=0x0 fnv=cbf29ce484222325 data=\"\"\n") == 2, "%s", r);
	free(r);
	mk_free(&b);

	/* data bytes are unsigned in the sum */
	uint8_t ff[1000];
	memset(ff, 0xff, sizeof ff);
	mk_add(&b, &(struct mk_entry){ .magic = "070702", .mode = 0100644, .nlink = 1, .name = "ff",
				       .data = ff, .datalen = sizeof ff, .flags = MK_CSUM });
	r = once(&b, RUN_CRC);
	T_CHECK("unit/cpio/checksum-unsigned-bytes", has(r, "end bytes=1000 sum=0x3e418 ") &&
		has(r, "check=0x3e418 ") && has(r, "error: none"), "%s", r);
	free(r);
	mk_free(&b);

	/* padding bytes are never looked at */
	mk_add(&b, &(struct mk_entry){ .mode = 0100644, .nlink = 1, .name = "p", .data = "x",
				       .namepad = 0xff, .datapad = 0xff });
	mk_add(&b, &(struct mk_entry){ .mode = 040755, .nlink = 1, .name = "pp", .namepad = 'Z' });
	mk_add(&b, &(struct mk_entry){ .mode = 0100644, .nlink = 1, .name = "q\0garbage",
				       .namelen = 9, .namesize = 11, .flags = MK_NAMESIZE });
	r = check_split("unit/cpio/split-padding-not-inspected", b.p, b.len, 0, NULL);
	T_CHECK("unit/cpio/padding-not-inspected", has(r, "name=\"p\"") && has(r, "name=\"pp\"") &&
		has(r, "name=\"q\"") && has(r, "error: none"), "%s", r);
	free(r);
	mk_free(&b);

	/* a file whose data is a cpio header is data */
	struct mk_buf inner = { 0 };
	mk_add(&inner, &(struct mk_entry){ .mode = 0100644, .nlink = 1, .name = "inner" });
	mk_add(&b, &(struct mk_entry){ .mode = 0100644, .nlink = 1, .name = "outer",
				       .data = inner.p, .datalen = inner.len });
	r = once(&b, 0);
	T_CHECK("unit/cpio/data-is-not-parsed", !has(r, "name=\"inner\"") &&
		has(r, "end bytes=116 "), "%s", r);
	free(r);
	mk_free(&b);
	mk_free(&inner);
}

/* cpio_mid_entry(): inside a header, name or data; not in the padding
 * after the data, nor between entries */
static void
test_mid_entry(void)
{
	struct mk_entry t[] = {
		{ .mode = 0100644, .nlink = 1, .name = "a", .data = "0123456789" },
		{ .mode = 040755, .nlink = 1, .name = "dd" },
		{ .mode = 040755, .nlink = 1, .name = "skipped", .data = "xyz" },
		{ .mode = 0120777, .nlink = 1, .name = "s", .data = "a" },
		{ .mode = 0100644, .nlink = 1, .name = "b", .data = "B" },
	};
	struct mk_buf b = { 0 };
	size_t start[8], end[8], n = sizeof t / sizeof *t;

	for (size_t i = 0; i < n; i++) {
		start[i] = b.len;
		mk_add(&b, &t[i]);
		end[i] = start[i] + 110 + N_ALIGN(strlen(t[i].name) + 1) + strlen(t[i].data ? t[i].data : "");
		if (i == 1)
			mk_fill(&b, 0, 4);
	}
	int bad = 0;
	char why[300] = "";
	for (size_t len = 0; len <= b.len; len++) {
		bool want = false;
		for (size_t i = 0; i < n; i++)
			if (len > start[i] && len < end[i])
				want = true;
		for (int step = 0; step < 2; step++) {
			struct split one = { NULL, 0, 1 };
			char *r = run_cpio(b.p, len, step ? &one : NULL, 0);
			if (has(r, "mid=1") != want || !has(r, "error: none")) {
				bad++;
				snprintf(why, sizeof why, "length %zu: want mid=%d: %s", len, want,
					 strstr(r, "error:"));
			}
			free(r);
		}
	}
	T_CHECK("unit/cpio/mid-entry", !bad, "%d lengths wrong, e.g. %s", bad, why);
	mk_free(&b);
}

/* sinks that fail stop the parser, and the first error is kept */
static void
test_sink_failure(void)
{
	struct mk_buf b = { 0 };
	for (int i = 0; i < 4; i++)
		mk_add(&b, &(struct mk_entry){ .mode = 0100644, .nlink = 1, .name = "f", .data = "abc" });

	for (long k = 1; k <= 8; k++) {
		static struct cpio_parser p;
		struct error err = { 0 };
		struct cpio_sink sink;
		struct sink_mem m;
		sink_mem_init(&m, &err);
		m.fail_after = k;
		sink_mem_sink(&m, &sink);
		cpio_init(&p, &sink, &err);
		int rc = cpio_flush(&p, b.p, b.len);
		/* callbacks per entry: entry, data, end */
		size_t entries = count(m.text, "entry ");
		char name[64];
		snprintf(name, sizeof name, "unit/cpio/sink-failure-stops-%ld", k);
		T_CHECK(name, rc == -1 && err.msg && !strcmp(err.msg, "write error") &&
			err.why && !strcmp(err.why, "injected") &&
			entries == (size_t)(k + 2) / 3 && has(m.text, "injected failure") &&
			cpio_flush(&p, b.p, b.len) == -1 && count(m.text, "entry ") == entries,
			"rc %d err %s, %zu entries: %s", rc, err.msg ? err.msg : "none", entries, m.text);
		sink_mem_free(&m);
	}
	mk_free(&b);

	/* a sink that fails without saying why: "write error" */
	struct error err = { 0 };
	error_set(&err, "first", NULL, 0, "w", 1);
	error_set(&err, "second", "why", -1, "x", 2);
	T_CHECK("unit/cpio/first-error-kept", !strcmp(err.msg, "first") && !err.why &&
		!strcmp(err.what, "w") && err.offset == 1, "%s", err.msg);
}

static int
refuse(void *ctx, const struct cpio_entry *e)
{
	(void)ctx;
	(void)e;
	return -1;
}

static void
test_sink_silent_failure(void)
{
	static struct cpio_parser p;
	struct error err = { 0 };
	struct sink_mem m;
	struct cpio_sink sink;
	struct mk_buf b = { 0 };

	mk_add(&b, &(struct mk_entry){ .mode = 040755, .nlink = 1, .name = "dir" });
	sink_mem_init(&m, &err);
	sink_mem_sink(&m, &sink);
	sink.entry = refuse;
	cpio_init(&p, &sink, &err);
	cpio_flush(&p, b.p, b.len);
	T_CHECK("unit/cpio/sink-failure-without-message-is-write-error",
		err.msg && !strcmp(err.msg, "write error") && !strcmp(err.what, "dir"),
		"%s", err.msg ? err.msg : "no error");
	sink_mem_free(&m);
	mk_free(&b);
}

/* init/initramfs_test.c, with what the parser reports for what the
 * kernel asserts on the tree */
static void
test_kunit(void)
{
	struct mk_buf b = { 0 };
	char *r;

	/* initramfs_test_extract */
	mk_add(&b, &(struct mk_entry){ .ino = 1, .mode = S_IFREG | 0777, .uid = 12, .gid = 34,
				       .nlink = 1, .mtime = 56, .devminor = 1,
				       .name = "initramfs_test_extract" });
	mk_add(&b, &(struct mk_entry){ .ino = 2, .mode = S_IFDIR | 0777, .nlink = 1, .mtime = 57,
				       .devminor = 1, .name = "initramfs_test_extract_dir" });
	mk_add(&b, &(struct mk_entry){ .namesize = 11, .name = "TRAILER!!!" });
	T_CHECK("unit/cpio/kunit-extract-header", b.len == 400 && !memcmp(b.p,
		"07070100000001000081ff0000000c00000022000000010000003800000000000000000000000100000000000000000000001700000000", 110),
		"mkcpio wrote %zu bytes: %.110s", b.len, b.p);
	r = check_split("unit/cpio/kunit-extract", b.p, b.len, 0, NULL);
	T_CHECK("unit/cpio/kunit-extract-record",
		has(r, "entry reg mode=0100777 ino=1 uid=12 gid=34 nlink=1 mtime=56 size=0 dev=0,1 rdev=0x0 crc=0 check=0x0 name=\"initramfs_test_extract\"") &&
		has(r, "entry dir mode=040777 ino=2 uid=0 gid=0 nlink=1 mtime=57 size=0 dev=0,1 ") &&
		has(r, "trailer\nerror: none"), "%s", r);
	free(r);
	mk_free(&b);

	/* initramfs_test_fname_overrun: no NUL anywhere in the name */
	mk_fill(&b, 'B', 110 + 4096 + 3);
	b.p[110 + 28 + 20] = 0;
	struct mk_buf h = { 0 };
	mk_add(&h, &(struct mk_entry){ .ino = 1, .mode = S_IFREG | 0777, .nlink = 1, .mtime = 1,
				       .devminor = 1, .name = "initramfs_test_fname_overrun" });
	memcpy(b.p, h.p, h.len);
	b.len = h.len;
	for (size_t i = b.len; i-- > 0 && b.p[i] == 0;)
		b.p[i] = 'P';
	r = check_split("unit/cpio/kunit-fname-overrun", b.p, b.len, 0, NULL);
	T_CHECK("unit/cpio/kunit-fname-overrun-malformed", b.len == 140 &&
		has(r, "error: \"malformed archive\"") && !has(r, "entry "), "%s", r);
	free(r);
	mk_free(&b);
	mk_free(&h);

	/* initramfs_test_data */
	mk_add(&b, &(struct mk_entry){ .ino = 1, .mode = S_IFREG | 0777, .nlink = 1, .mtime = 1,
				       .devminor = 1, .name = "initramfs_test_data", .data = "ASDF" });
	r = check_split("unit/cpio/kunit-data", b.p, b.len, 0, NULL);
	T_CHECK("unit/cpio/kunit-data-record", b.len == 136 &&
		has(r, "size=4 ") && has(r, "end bytes=4 sum=0x0 ") && has(r, "data=\"ASDF\""),
		"%zu: %s", b.len, r);
	free(r);
	mk_free(&b);

	/* initramfs_test_csum: the sink checks as the kernel's do_copy does */
	for (int bad = 0; bad < 2; bad++) {
		mk_add(&b, &(struct mk_entry){ .magic = "070702", .ino = 1, .mode = S_IFREG | 0777,
					       .nlink = 1, .devminor = 1, .check = bad ? 285 : 286,
					       .name = "initramfs_test_csum", .data = "ASDF" });
		mk_add(&b, &(struct mk_entry){ .ino = 2, .mode = S_IFREG | 0777, .nlink = 1,
					       .devminor = 1, .check = 5555,
					       .name = "initramfs_test_csum_not_here", .data = "ASDF" });
		r = check_split(bad ? "unit/cpio/kunit-csum-bad" : "unit/cpio/kunit-csum", b.p, b.len,
				RUN_CRC, NULL);
		if (!bad)
			T_CHECK("unit/cpio/kunit-csum-record", b.len == 280 && has(r, "crc=1 check=0x11e") &&
				has(r, "crc=0 check=0x15b3") && count(r, "entry ") == 2 &&
				has(r, "error: none"), "%s", r);
		else
			T_CHECK("unit/cpio/kunit-csum-bad-stops", count(r, "entry ") == 1 &&
				has(r, "end bytes=4 sum=0x11e") &&
				has(r, "error: \"bad data checksum\""), "%s", r);
		free(r);
		mk_free(&b);
	}

	/* initramfs_test_hardlink */
	mk_add(&b, &(struct mk_entry){ .ino = 1, .mode = S_IFREG | 0777, .nlink = 2, .devminor = 1,
				       .name = "initramfs_test_hardlink" });
	mk_add(&b, &(struct mk_entry){ .ino = 1, .mode = S_IFREG | 0777, .nlink = 2, .devminor = 1,
				       .name = "initramfs_test_hardlink_link", .data = "ASDF" });
	r = check_split("unit/cpio/kunit-hardlink", b.p, b.len, 0, NULL);
	T_CHECK("unit/cpio/kunit-hardlink-record", b.len == 280 && count(r, "ino=1 ") == 2 &&
		count(r, "nlink=2 ") == 2 && has(r, "end bytes=0 ") && has(r, "end bytes=4 "),
		"%s", r);
	free(r);
	mk_free(&b);

	/* initramfs_test_many */
	for (int i = 0; i < 1000; i++) {
		char name[64];
		snprintf(name, sizeof name, "initramfs_test_many-%d", i);
		mk_add(&b, &(struct mk_entry){ .ino = (uint32_t)i, .mode = S_IFREG | 0777, .nlink = 1,
					       .devminor = 1, .name = name });
	}
	r = check_split("unit/cpio/kunit-many", b.p, b.len, 0, NULL);
	T_CHECK("unit/cpio/kunit-many-record", b.len == 135960 && count(r, "entry reg") == 1000 &&
		has(r, "name=\"initramfs_test_many-999\"") && has(r, "error: none"), "%zu", b.len);
	free(r);
	mk_free(&b);

	/* initramfs_test_fname_pad: namesize 3986 puts the data at 4096 */
	const char *pad_data = "this file data is aligned at 4K in the archive";
	mk_add(&b, &(struct mk_entry){ .ino = 1, .mode = S_IFREG | 0777, .nlink = 1, .mtime = 1,
				       .devminor = 1, .namesize = 4096 - 110, .flags = MK_NAMESIZE,
				       .name = "padded_fname", .data = pad_data, .datalen = 47 });
	r = check_split("unit/cpio/kunit-fname-pad", b.p, b.len, 0, NULL);
	T_CHECK("unit/cpio/kunit-fname-pad-record", b.len == 4144 && !memcmp(b.p + 4096, pad_data, 47) &&
		has(r, "name=\"padded_fname\"") && has(r, "end bytes=47 ") &&
		has(r, "data=\"this file data i\"..."), "%s", r);
	free(r);
	mk_free(&b);

	/* initramfs_test_fname_path_max */
	char over[4097], okname[4096];
	memset(over, '/', sizeof over);
	memcpy(over, "fname_oversize", 14);
	over[4096] = '\0';
	memset(okname, '/', sizeof okname);
	memcpy(okname, "fname_ok", 8);
	okname[4095] = '\0';
	mk_add(&b, &(struct mk_entry){ .ino = 1, .mode = S_IFDIR | 0777, .nlink = 1, .name = over,
				       .data = "this file data will not be unpacked", .datalen = 36 });
	size_t second = b.len;
	mk_add(&b, &(struct mk_entry){ .ino = 2, .mode = S_IFDIR | 0777, .nlink = 1, .name = okname });
	r = check_split("unit/cpio/kunit-fname-path-max", b.p, b.len, 0, NULL);
	T_CHECK("unit/cpio/kunit-fname-path-max-record", b.len == 8452 && second == 4244 &&
		count(r, "entry ") == 1 && has(r, "name=\"fname_ok////") && !has(r, "oversize") &&
		has(r, "error: none"), "%zu %zu %.200s", b.len, second, r);
	free(r);
	mk_free(&b);

	/* initramfs_test_hdr_hex: 6.1's simple_strtoul takes the "0x" (the
	 * newest kernels' hex2bin would say "damaged header") */
	mk_add(&b, &(struct mk_entry){ .ino = 1, .mode = S_IFREG | 0777, .uid = 0x123456, .gid = 0x123457,
				       .nlink = 1, .name = "initramfs_test_hdr_hex_0",
				       .data = "this file data will not be unpacked", .datalen = 36,
				       .flags = MK_OX });
	mk_add(&b, &(struct mk_entry){ .ino = 2, .mode = S_IFDIR | 0777, .uid = 0x56, .gid = 0x57,
				       .nlink = 1, .name = "initramfs_test_hdr_hex_1", .flags = MK_OX });
	T_CHECK("unit/cpio/kunit-hdr-hex-header", b.len == 308 && !memcmp(b.p,
		"07070100000001000081ff0x1234560X123457000000010000000000000024000000000000000000000000000000000x00001900000000", 110),
		"%.110s", b.p);
	r = check_split("unit/cpio/kunit-hdr-hex", b.p, b.len, 0, NULL);
	T_CHECK("unit/cpio/kunit-hdr-hex-lenient-6.1",
		has(r, "uid=1193046 gid=1193047 ") && has(r, "uid=86 gid=87 ") &&
		has(r, "end bytes=36 ") && has(r, "error: none"), "%s", r);
	free(r);
	mk_free(&b);
}

void
test_cpio(void)
{
	test_all_types();
	test_split_errors();
	test_header_hex();
	test_skips();
	test_trailer();
	test_regular_files();
	test_mid_entry();
	test_sink_failure();
	test_sink_silent_failure();
	test_kunit();
}
