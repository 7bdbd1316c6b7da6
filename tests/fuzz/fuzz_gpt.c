/* fuzz_gpt.c: libFuzzer target for the GPT reader and attribute writer
 * (blkdev/gpt.c), with a torn-write model of a power cut.
 *
 *   input := ss  edit  torn-lo  torn-hi  disk-bytes
 *
 * The disk is a memfd holding the bytes, of sector size 4096 when ss bit
 * 0 is set, else 512.  gpt_read it; when a copy is valid, change the
 * attributes of entry (edit >> 4) (xor a pattern from edit's low bits),
 * plan the writes, and for each write K in turn, on the disk as it was,
 * apply them cut: the writes before K whole, write K torn after
 * torn-lo | torn-hi << 8 of its bytes (modulo its length + 1), none after;
 * last, all of them.  Checked:
 *   - returns are 0 or the documented -errnos; gpt_find within the table
 *   - a plan only writes whole sectors inside the disk
 *   - after the cut, the table reads, and the attributes it holds are all
 *     the old ones or all the new ones
 *   - the next plan (nothing changed) succeeds, and once applied whole,
 *     both copies are valid and hold what the cut table held
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../blkdev/gpt.h"

/* fuzz-options: -max_len=65540 (a 64 KiB disk of 512-byte sectors behind the 4-byte header of sector size, edit and tear) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct gpt g, h;
static struct gpt_plan plan, fix;
static uint64_t old[GPT_ENTRIES_MAX], want[GPT_ENTRIES_MAX];
static int fd = -1;

static void
die(const char *why)
{
	fprintf(stderr, "fuzz_gpt: %s\n", why);
	abort();
}

static void
check_read(int r)
{
	if (r != 0 && r != -ENOENT && r != -EUCLEAN && r != -EIO && r != -EINVAL)
		die("gpt_read returned an undocumented error");
}

/* the attributes of the copy in use of T are all in A */
static bool
holds(const struct gpt *t, const uint64_t *a, uint32_t count)
{
	return t->count == count && !memcmp(t->attr, a, count * sizeof *a);
}

/* the disk as the input has it, then the writes of PLAN cut at CUT */
static void
cut_at(const uint8_t *disk, size_t n, int cut, size_t torn, unsigned ss)
{
	if (pwrite(fd, disk, n, 0) != (ssize_t)n)
		abort();
	for (int i = 0; i < plan.n && i <= cut; i++) {
		const struct gpt_write *w = &plan.w[i];
		if (w->len != ss || w->off % ss || w->off + w->len > n)
			die("a write not of a whole sector of the disk");
		size_t len = i < cut ? w->len : torn % (w->len + 1);
		if (pwrite(fd, w->data, len, (off_t)w->off) != (ssize_t)len)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	if (fd < 0 && (fd = memfd_create("fuzz_gpt", MFD_CLOEXEC)) < 0)
		abort();
	const uint8_t *disk = data + 4;
	size_t n = size - 4;
	if (ftruncate(fd, 0) < 0 || pwrite(fd, disk, n, 0) != (ssize_t)n)
		abort();
	unsigned ss = data[0] & 1 ? 4096 : 512;
	int r = gpt_read(fd, ss, &g);
	check_read(r);
	if (r < 0)
		return 0;
	int found = gpt_find(&g, "rootfs_a");
	if (found != -ENOENT && (found < 0 || found >= (int)g.count))
		die("gpt_find out of the table");
	if (g.count > GPT_ENTRIES_MAX || g.use < 0 || g.use > 1 || g.c[g.use].state != GPT_VALID)
		die("the copy in use is not valid");

	uint32_t count = g.count;
	memcpy(old, g.attr, count * sizeof *old);
	unsigned at = (data[1] >> 4) % count;
	g.attr[at] ^= (uint64_t)(data[1] & 15) << 48 | (uint64_t)(data[1] >> 3 & 1) << 56 | (uint64_t)(data[1] & 7) << 52;
	memcpy(want, g.attr, count * sizeof *want);
	r = gpt_plan(&g, &plan);
	if (r == -EUCLEAN)
		return 0;	/* a foreign copy: nothing may be written */
	if (r != 0)
		die("gpt_plan returned an undocumented error");

	size_t torn = data[2] | (size_t)data[3] << 8;
	for (int cut = 0; cut <= plan.n; cut++) {
		cut_at(disk, n, cut, torn, ss);
		r = gpt_read(fd, ss, &h);
		if (r != 0)
			die("no valid copy after the cut");
		bool was = holds(&h, old, count);
		if (!was && !holds(&h, want, count))
			die("the cut table holds neither the old nor the new attributes");
		if (cut == plan.n && !holds(&h, want, count))
			die("the whole update did not take");

		/* the next run repairs, and changes nothing else */
		if (gpt_plan(&h, &fix) != 0)
			die("the table a cut left cannot be repaired");
		if (gpt_apply(fd, &fix, -1) != 0)
			abort();
		if (gpt_read(fd, ss, &h) != 0 || h.c[0].state != GPT_VALID || h.c[1].state != GPT_VALID)
			die("a copy is not valid after the repair");
		if (!holds(&h, was ? old : want, count))
			die("the repair changed the attributes");
	}
	return 0;
}
