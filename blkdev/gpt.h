/* gpt.h: the GUID partition table, both copies read and checked whole,
 * and its entries' attribute bits rewritten so that a write cut at any
 * point leaves a valid table holding the old or the new attributes.
 *
 *   LBA 1  header   +0 "EFI PART"  +12 size (92..sector)  +16 CRC32 of that
 *                   many bytes, this field 0  +24 its own LBA  +32 the other
 *                   header's LBA  +40 first, +48 last usable LBA  +56 disk
 *                   GUID  +72 entries' LBA  +80 count  +84 entry size (128)
 *                   +88 CRC32 of the count * 128 bytes of entries
 *   LBA 2  entries  +0 type GUID (zero: unused)  +16 unique GUID  +32 first,
 *                   +40 last LBA  +48 attributes (64 bits)  +56 name, 36
 *                   UTF-16LE units
 *   end    the backup: its entries, then its header (the primary's +32)
 *
 * Both copies are checked as the kernel checks one (block/partitions/efi.c)
 * plus the entries' place.  The primary is the one in use when valid (the
 * kernel reads only it, unless booted with "gpt"; cgpt prefers it too),
 * else the backup.
 *
 * Writing (gpt_plan, gpt_apply): the copy not in use first, then the one
 * in use; in each, the entries' sectors that change, sync, then the
 * header, sync.  Until the first copy is whole, the one in use is
 * untouched; once it is whole it holds the new state, and the copy in use
 * is only rewritten from then on: whatever is cut, a valid copy holds the
 * old or the new attributes, and the next gpt_plan brings the other in
 * line.  A copy is only rewritten where it differs from the one in use by
 * attribute fields and CRCs (which is all a cut write of popinit's can
 * leave); a copy that differs in anything else is left alone
 * (GPT_FOREIGN), and nothing is written.
 */
#ifndef POPINIT_GPT_H
#define POPINIT_GPT_H

#include <stdbool.h>
#include <stdint.h>

#define GPT_SECTOR_MAX 4096
#define GPT_ENTRIES_MAX 256		/* entries popinit reads: 32 KiB */
#define GPT_TABLE_MAX (GPT_ENTRIES_MAX * 128)
#define GPT_WRITES_MAX (2 * (GPT_TABLE_MAX / 512 + 1))

/* ChromeOS's attribute bits (cgpt -P, -T, -S): from bit 48 on, priority
 * (4 bits: 0 never boots), tries left (4), successful (1) */
#define GPT_SLOT_SHIFT 48

enum { GPT_PRIMARY, GPT_BACKUP };
/* the state of a copy */
enum {
	GPT_VALID,	/* valid, and as the one in use */
	GPT_STALE,	/* valid, but other attributes */
	GPT_DAMAGED,	/* not valid, as a cut write of popinit's leaves it */
	GPT_FOREIGN,	/* not valid, or other than the one in use beyond attributes */
};

struct gpt_copy {
	uint64_t lba, entries_lba;
	int state;
	const char *why;		/* not GPT_VALID: why */
	uint8_t hdr[GPT_SECTOR_MAX];
	uint8_t ent[GPT_TABLE_MAX];	/* whole sectors */
};

struct gpt {
	unsigned ss;			/* sector size */
	uint64_t sectors;		/* of the device */
	int use;			/* the copy in use */
	uint32_t count;			/* its entries */
	unsigned ent_sectors;
	uint64_t attr[GPT_ENTRIES_MAX];	/* the attributes wanted (gpt_plan) */
	struct gpt_copy c[2];
};

/* gpt_read: both copies of the table on FD (a disk or an image file), of
 * sector size SS (0: the device's, 512 for a file).  0 when a copy is
 * valid (G->use); -ENOENT no GPT at all, -EUCLEAN no valid copy (each
 * copy's why says), -EIO and others from reading. */
int gpt_read(int fd, unsigned ss, struct gpt *g);
/* gpt_find: the entry (0-based) of the copy in use named LABEL (UTF-8),
 * the first, or -ENOENT; its attributes are G->attr[entry] */
int gpt_find(const struct gpt *g, const char *label);

/* the writes that make both copies hold G->attr, in their order; a sync
 * after each one so marked */
struct gpt_write {
	uint64_t off;
	const uint8_t *data;	/* in G: G must not change before they are applied */
	uint32_t len;
	bool sync;
};
struct gpt_plan {
	int n;
	struct gpt_write w[GPT_WRITES_MAX];
};
/* gpt_plan: G becomes the table as it is once P is applied.  0 (P may be
 * empty: nothing to write), or -EUCLEAN when a copy is GPT_FOREIGN. */
int gpt_plan(struct gpt *g, struct gpt_plan *p);
/* gpt_apply: P's writes on FD, each sync an fsync; MAX >= 0 stops after
 * that many writes (-ECANCELED: the tests' power cut).  0 or -errno. */
int gpt_apply(int fd, const struct gpt_plan *p, int max);

#endif
