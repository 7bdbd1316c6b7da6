/* probe.c: see probe.h */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../lib/io.h"
#include "../lib/le.h"
#include "probe.h"

static void
uuid_str(char *out, const uint8_t *u)
{
	snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

/* a GUID as stored by GPT: the first three fields little-endian */
static void
guid_str(char *out, const uint8_t *g)
{
	snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12],
		 g[13], g[14], g[15]);
}

/* copy a fixed-size label, up to its NUL, without trailing spaces */
static void
label_str(char *out, size_t size, const uint8_t *in, size_t len)
{
	size_t n = 0;

	while (n < len && n < size - 1 && in[n])
		n++;
	memcpy(out, in, n);
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

static bool
zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

int
probe_fs(int fd, struct probe_fs *o)
{
	uint8_t b[4096];
	int r;

	memset(o, 0, sizeof *o);
	if ((r = io_pread_full(fd, b, sizeof b, 0)) < 0)
		return r;

	/* ext2/3/4: the type from the features, as blkid decides it */
	const uint8_t *sb = b + 1024;
	if (le16(sb + 56) == 0xef53) {
		uint32_t compat = le32(sb + 92), incompat = le32(sb + 96), ro_compat = le32(sb + 100);
		if ((incompat & ~0x0016u) || (ro_compat & ~0x0007u))	/* beyond what ext3 knows */
			o->type = "ext4";
		else if (compat & 0x0004)	/* HAS_JOURNAL */
			o->type = "ext3";
		else
			o->type = "ext2";
		uuid_str(o->uuid, sb + 104);
		label_str(o->label, sizeof o->label, sb + 120, 16);
		return 0;
	}
	if (!memcmp(b, "XFSB", 4)) {
		o->type = "xfs";
		uuid_str(o->uuid, b + 32);
		label_str(o->label, sizeof o->label, b + 108, 12);
		return 0;
	}
	if (le32(b + 1024) == 0xe0f5e1e2) {
		o->type = "erofs";
		if (!zero(b + 1024 + 48, 16))
			uuid_str(o->uuid, b + 1024 + 48);
		label_str(o->label, sizeof o->label, b + 1024 + 64, 16);
		return 0;
	}
	if (!memcmp(b, "hsqs", 4)) {
		o->type = "squashfs";
		return 0;
	}
	/* FAT: a boot sector with a BPB; FAT32 keeps its id and label later */
	if (b[510] == 0x55 && b[511] == 0xaa && (b[0] == 0xeb || b[0] == 0xe9) && le16(b + 11) >= 512) {
		const uint8_t *id = NULL, *lab = NULL;
		if (!memcmp(b + 82, "FAT32   ", 8)) {
			id = b + 67;
			lab = b + 71;
		} else if (!memcmp(b + 54, "FAT1", 4) || !memcmp(b + 54, "FAT     ", 8)) {
			id = b + 39;
			lab = b + 43;
		}
		if (id) {
			o->type = "vfat";
			snprintf(o->uuid, sizeof o->uuid, "%02X%02X-%02X%02X", id[3], id[2], id[1], id[0]);
			label_str(o->label, sizeof o->label, lab, 11);
			if (!strcmp(o->label, "NO NAME"))
				o->label[0] = '\0';
			return 0;
		}
	}
	uint8_t bt[4096];
	if (io_pread_full(fd, bt, sizeof bt, 65536) == 0 && !memcmp(bt + 64, "_BHRfS_M", 8)) {
		o->type = "btrfs";
		uuid_str(o->uuid, bt + 32);
		label_str(o->label, sizeof o->label, bt + 299, 256);
		return 0;
	}
	return 0;
}

void
probe_utf16(char *out, size_t size, const uint8_t *in, size_t units)
{
	size_t o = 0;

	for (size_t i = 0; i < units; i++) {
		unsigned c = le16(in + 2 * i);
		if (!c)
			break;
		if (c >= 0xd800 && c < 0xe000)
			c = '?';	/* no surrogate pairs in partition names we read */
		if (c < 0x80 && o + 1 < size) {
			out[o++] = (char)c;
		} else if (c < 0x800 && o + 2 < size) {
			out[o++] = (char)(0xc0 | c >> 6);
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else if (o + 3 < size) {
			out[o++] = (char)(0xe0 | c >> 12);
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	out[o] = '\0';
}

static int
gpt_part(int fd, unsigned number, unsigned ss, struct probe_part *o)
{
	uint8_t h[512], e[512];
	int r;

	if ((r = io_pread_full(fd, h, sizeof h, ss)) < 0)
		return r;
	if (memcmp(h, "EFI PART", 8))
		return -ENOENT;
	uint64_t lba = le64(h + 72);
	uint32_t count = le32(h + 80), esize = le32(h + 84);
	if (number > count || esize < 128 || esize > sizeof e)
		return -ENOENT;
	if ((r = io_pread_full(fd, e, esize, lba * ss + (uint64_t)(number - 1) * esize)) < 0)
		return r;
	if (zero(e, 16))
		return -ENOENT;	/* an unused entry */
	guid_str(o->uuid, e + 16);
	probe_utf16(o->label, sizeof o->label, e + 56, 36);
	o->start = le64(e + 32) * (ss / 512);
	o->sectors = (le64(e + 40) - le64(e + 32) + 1) * (ss / 512);
	return 0;
}

int
probe_part(int fd, unsigned number, unsigned ss, struct probe_part *o)
{
	uint8_t m[512];
	int r;

	memset(o, 0, sizeof *o);
	if (!number || ss < 512 || ss > 4096)
		return -EINVAL;
	if ((r = io_pread_full(fd, m, sizeof m, 0)) < 0)
		return r;
	if (m[510] != 0x55 || m[511] != 0xaa)
		return -ENOENT;
	/* a protective MBR (type ee) means GPT */
	for (int i = 0; i < 4; i++)
		if (m[446 + 16 * i + 4] == 0xee)
			return gpt_part(fd, number, ss, o);
	uint32_t sig = le32(m + 440);
	snprintf(o->uuid, sizeof o->uuid, "%08x-%02x", sig, number);
	if (number <= 4) {
		const uint8_t *p = m + 446 + 16 * (number - 1);
		if (!p[4])
			return -ENOENT;
		o->start = le32(p + 8);
		o->sectors = le32(p + 12);
		return 0;
	}
	/* logical partitions: the chain of EBRs in the extended partition */
	for (int i = 0; i < 4; i++) {
		const uint8_t *p = m + 446 + 16 * i;
		if (p[4] != 0x05 && p[4] != 0x0f && p[4] != 0x85)
			continue;
		uint64_t ext = le32(p + 8), ebr = ext;
		for (unsigned n = 5, hops = 0; hops < 128; n++, hops++) {
			uint8_t x[512];
			if ((r = io_pread_full(fd, x, sizeof x, ebr * 512)) < 0)
				return r;
			if (x[510] != 0x55 || x[511] != 0xaa)
				return -ENOENT;
			if (n == number) {
				o->start = ebr + le32(x + 446 + 8);
				o->sectors = le32(x + 446 + 12);
				return x[446 + 4] ? 0 : -ENOENT;
			}
			if (!x[462 + 4])
				return -ENOENT;
			ebr = ext + le32(x + 462 + 8);
		}
	}
	return -ENOENT;
}
