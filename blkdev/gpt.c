/* gpt.c: see gpt.h */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "../lib/crc32.h"
#include "../lib/io.h"
#include "../lib/le.h"
#include "../lib/sys.h"
#include "gpt.h"
#include "probe.h"

static unsigned
ent_sectors(const struct gpt *g, uint32_t count)
{
	return (unsigned)((count * 128u + g->ss - 1) / g->ss);
}

/* the header's CRC: over its size, the CRC field taken as 0 */
static uint32_t
hdr_crc(const uint8_t *h)
{
	static const uint8_t zero[4];
	uint32_t c = crc32_update(0, h, 16);

	c = crc32_update(c, zero, 4);
	return crc32_update(c, h + 20, le32(h + 12) - 20);
}

static uint32_t
ent_crc(const struct gpt_copy *c)
{
	return crc32_update(0, c->ent, le32(c->hdr + 80) * 128u);
}

static const char no_gpt[] = "no GPT header";

/* the fields of header H at LBA that say where things are (the CRC
 * aside): why they are wrong, or NULL */
static const char *
layout_bad(const struct gpt *g, const uint8_t *h, uint64_t lba)
{
	uint32_t count = le32(h + 80);
	uint64_t first = le64(h + 40), last = le64(h + 48), e = le64(h + 72);

	if (memcmp(h, "EFI PART", 8))
		return no_gpt;
	/* popinit writes there: the entries must be outside the usable area
	 * and the headers */
	uint64_t n = ent_sectors(g, count);
	if (le32(h + 12) < 92 || le32(h + 12) > g->ss || le64(h + 24) != lba || first > last || last >= g->sectors ||
	    le32(h + 84) != 128 || !count || count > GPT_ENTRIES_MAX || e < 2 || e >= g->sectors ||
	    n > g->sectors - e || (e <= last && e + n > first) || (lba >= e && lba < e + n))
		return "header fields out of bounds (or over 256 entries)";
	return NULL;
}

/* copy I at LBA: its header, and its entries when the header says where */
static void
read_copy(int fd, struct gpt *g, int i, uint64_t lba)
{
	struct gpt_copy *c = &g->c[i];
	const uint8_t *h = c->hdr;

	c->lba = lba;
	c->state = GPT_FOREIGN;
	if (io_pread_full(fd, c->hdr, g->ss, lba * g->ss) < 0) {
		c->why = "unreadable";
		return;
	}
	if ((c->why = layout_bad(g, h, lba)))
		return;
	c->entries_lba = le64(h + 72);
	if (io_pread_full(fd, c->ent, ent_sectors(g, le32(h + 80)) * g->ss, c->entries_lba * g->ss) < 0) {
		c->why = "entries unreadable";
		return;
	}
	c->state = GPT_DAMAGED;
	if (hdr_crc(h) != le32(h + 16))
		c->why = "header CRC mismatch";
	else if (ent_crc(c) != le32(h + 88))
		c->why = "entries CRC mismatch";
	else
		c->state = GPT_VALID;
}

/* bytes of a header that differ between the two copies, or with the
 * attributes: the CRCs, its own and the other's LBA, the entries' LBA */
static bool
own_field(unsigned k)
{
	return (k >= 16 && k < 20) || (k >= 24 && k < 40) || (k >= 72 && k < 80) || k >= 88;
}

static bool
apart(uint64_t a, uint64_t na, uint64_t b, uint64_t nb)
{
	return a + na <= b || b + nb <= a;
}

/* the copy not in use, against the one in use: VALID, STALE, DAMAGED or
 * FOREIGN */
static void
compare(struct gpt *g)
{
	const struct gpt_copy *u = &g->c[g->use];
	struct gpt_copy *o = &g->c[!g->use];
	uint64_t n = g->ent_sectors;

	if (o->state == GPT_FOREIGN)
		return;
	/* the same count (compared below): popinit writes both, and neither
	 * may land on the other */
	bool same = le64(o->hdr + 32) == u->lba && le64(u->hdr + 32) == o->lba &&
		    apart(u->lba, 1, o->entries_lba, n) && apart(o->lba, 1, u->entries_lba, n) &&
		    apart(u->entries_lba, n, o->entries_lba, n) && u->lba != o->lba;
	for (unsigned k = 8; same && k < 92; k++)
		same = own_field(k) || o->hdr[k] == u->hdr[k];
	bool attrs = true;
	for (unsigned e = 0; same && e < g->count; e++) {
		const uint8_t *a = o->ent + e * 128, *b = u->ent + e * 128;
		same = !memcmp(a, b, 48) && !memcmp(a + 56, b + 56, 72);
		attrs = attrs && !memcmp(a + 48, b + 48, 8);
	}
	if (!same) {
		o->state = GPT_FOREIGN;
		o->why = "differs from the other copy beyond attributes";
	} else if (o->state == GPT_VALID && !attrs) {
		o->state = GPT_STALE;
		o->why = "other attributes";
	}
}

int
gpt_read(int fd, unsigned ss, struct gpt *g)
{
	int n;

	memset(g, 0, offsetof(struct gpt, c));
	/* a disk says its sector size; a file has none (ENOTTY): 512 */
	off_t bytes = lseek(fd, 0, SEEK_END);
	if (bytes < 0)
		return -errno;
	if (!ss && ioctl(fd, SYS_BLKSSZGET, &n) == 0)
		ss = (unsigned)n;
	g->ss = ss ? ss : 512;
	if (g->ss < 512 || g->ss > GPT_SECTOR_MAX || (g->ss & (g->ss - 1)))
		return -EINVAL;
	g->sectors = (uint64_t)bytes / g->ss;
	if (g->sectors < 4)
		return -ENOENT;

	/* the backup where the primary says (a grown disk keeps it there),
	 * even when the primary's CRC is wrong; else at the end */
	read_copy(fd, g, GPT_PRIMARY, 1);
	const uint8_t *h = g->c[GPT_PRIMARY].hdr;
	uint64_t alt = le64(h + 32);
	if (!layout_bad(g, h, 1) && alt > le64(h + 48) && alt > 1 && alt < g->sectors)
		read_copy(fd, g, GPT_BACKUP, alt);
	else
		read_copy(fd, g, GPT_BACKUP, g->sectors - 1);

	struct gpt_copy *p = &g->c[GPT_PRIMARY], *b = &g->c[GPT_BACKUP];
	if (p->state != GPT_VALID && b->state != GPT_VALID) {
		return p->why == no_gpt && b->why == no_gpt ? -ENOENT : -EUCLEAN;
	}
	g->use = p->state == GPT_VALID ? GPT_PRIMARY : GPT_BACKUP;
	g->count = le32(g->c[g->use].hdr + 80);
	g->ent_sectors = ent_sectors(g, g->count);
	for (unsigned e = 0; e < g->count; e++)
		g->attr[e] = le64(g->c[g->use].ent + e * 128 + 48);
	compare(g);
	return 0;
}

int
gpt_find(const struct gpt *g, const char *label)
{
	static const uint8_t unused[16];
	char name[80];

	for (unsigned i = 0; i < g->count; i++) {
		const uint8_t *p = g->c[g->use].ent + i * 128;
		probe_utf16(name, sizeof name, p + 56, 36);
		if (memcmp(p, unused, 16) && !strcmp(name, label))
			return (int)i;
	}
	return -ENOENT;
}

static void
add(struct gpt_plan *p, uint64_t off, const uint8_t *data, unsigned len)
{
	p->w[p->n++] = (struct gpt_write){ off, data, len, false };
}

int
gpt_plan(struct gpt *g, struct gpt_plan *p)
{
	p->n = 0;
	for (int k = 0; k < 2; k++)
		if (g->c[k].state == GPT_FOREIGN)
			return -EUCLEAN;
	/* the copy not in use, then the one in use */
	for (int k = 0; k < 2; k++) {
		struct gpt_copy *c = &g->c[k ? g->use : !g->use];
		uint64_t dirty = 0;	/* sectors: at most 64 (GPT_TABLE_MAX / 512) */
		for (unsigned e = 0; e < g->count; e++) {
			uint8_t *a = c->ent + e * 128 + 48;
			if (le64(a) != g->attr[e]) {
				put_le64(a, g->attr[e]);
				dirty |= (uint64_t)1 << (e * 128 / g->ss);
			}
		}
		for (unsigned s = 0; s < g->ent_sectors; s++)
			if (dirty >> s & 1)
				add(p, (c->entries_lba + s) * g->ss, c->ent + s * g->ss, g->ss);
		if (dirty)
			p->w[p->n - 1].sync = true;
		uint32_t e0 = le32(c->hdr + 88), h0 = le32(c->hdr + 16);
		put_le32(c->hdr + 88, ent_crc(c));
		put_le32(c->hdr + 16, hdr_crc(c->hdr));
		if (le32(c->hdr + 88) != e0 || le32(c->hdr + 16) != h0) {
			add(p, c->lba * g->ss, c->hdr, g->ss);
			p->w[p->n - 1].sync = true;
		}
		c->state = GPT_VALID;
		c->why = NULL;
	}
	return 0;
}

int
gpt_apply(int fd, const struct gpt_plan *p, int max)
{
	for (int i = 0; i < p->n; i++) {
		const struct gpt_write *w = &p->w[i];
		int r;
		if (max >= 0 && i >= max)
			return -ECANCELED;
		if (lseek(fd, (off_t)w->off, SEEK_SET) < 0)
			return -errno;
		if ((r = io_write_full(fd, w->data, w->len)) < 0)
			return r;
		if (w->sync && fsync(fd) < 0)
			return -errno;
	}
	return 0;
}
