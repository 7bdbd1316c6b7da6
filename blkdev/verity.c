/* verity.c: see verity.h */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../lib/str.h"
#include "verity.h"

static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

static bool
pow2(uint32_t v)
{
	return v >= 512 && v <= 65536 && !(v & (v - 1));
}

static unsigned
log2u(uint64_t v)
{
	unsigned n = 0;

	while (v >>= 1)
		n++;
	return n;
}

int
verity_sb_parse(const uint8_t *b, size_t len, struct verity_sb *sb, const char **why)
{
	memset(sb, 0, sizeof *sb);
	*why = "no verity superblock";
	if (len < VERITY_SB_SIZE || memcmp(b, "verity\0\0", 8))
		return -EINVAL;
	sb->hash_type = le32(b + 12);
	memcpy(sb->uuid, b + 16, 16);
	memcpy(sb->alg, b + 32, sizeof sb->alg - 1);	/* NUL-terminated */
	sb->data_block_size = le32(b + 64);
	sb->hash_block_size = le32(b + 68);
	sb->data_blocks = le32(b + 72) | (uint64_t)le32(b + 76) << 32;
	sb->salt_size = b[80] | b[81] << 8;
	memcpy(sb->salt, b + 88, sizeof sb->salt);
	/* the algorithm's name goes into the table: one word */
	size_t n = strlen(sb->alg);
	*why = "verity superblock not version 1, or a bad hash type, algorithm, block size, block count or salt size";
	if (le32(b + 8) != 1 || sb->hash_type > 1 || !n || b[63] ||
	    strspn(sb->alg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != n ||
	    !pow2(sb->data_block_size) || !pow2(sb->hash_block_size) || !sb->data_blocks ||
	    sb->data_blocks > UINT64_MAX >> log2u(sb->data_block_size) || sb->salt_size > sizeof sb->salt)
		return -EINVAL;
	return 0;
}

int
verity_opts(const char *in, bool strict, char *out, size_t size)
{
	char words[256] = "";
	int n = 0, dropped = 0;

	if (str_printf(out, size, "%s", in) < 0)
		return -EINVAL;
	for (char *s = out, *w; (w = str_item(&s, ','));) {
		/* one word of [a-z_] each: the count must be the words' */
		for (char *c = w; *c; c++) {
			if (*c == '-')
				*c = '_';
			if ((*c < 'a' || *c > 'z') && *c != '_')
				return -EINVAL;
		}
		if (strict && (!strcmp(w, "ignore_corruption") || !strcmp(w, "check_at_most_once"))) {
			dropped++;
			continue;
		}
		size_t l = strlen(words);
		if (str_printf(words + l, sizeof words - l, " %s", w) < 0)
			return -EINVAL;	/* a word cut short could be another */
		n++;
	}
	*out = '\0';
	/* the count too must fit: cut short, the list would lie */
	if (n && str_printf(out, size, "%d%s", n, words) < 0) {
		*out = '\0';
		return -EINVAL;
	}
	return dropped;
}

static void
hex(char *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}

int
verity_table(const struct verity_sb *sb, const char *data, const char *hash, const char *root, const char *opts,
	     char *out, size_t size, uint64_t *sectors, const char **why)
{
	char salt[2 * sizeof sb->salt + 1] = "-";
	size_t n = strlen(root);

	*why = "the root hash is not a digest in hex";
	if (!n || n > VERITY_ROOT_MAX || n % 2 || strspn(root, "0123456789abcdefABCDEF") != n)
		return -EINVAL;
	if (sb->salt_size)
		hex(salt, sb->salt, sb->salt_size);
	*sectors = sb->data_blocks << (log2u(sb->data_block_size) - 9);
	int len = snprintf(out, size, "%" PRIu32 " %s %s %" PRIu32 " %" PRIu32 " %" PRIu64 " 1 %s %s %s%s%s",
			   sb->hash_type, data, hash, sb->data_block_size, sb->hash_block_size, sb->data_blocks, sb->alg,
			   root, salt, *opts ? " " : "", opts);
	*why = "the verity table is too long";
	return len < 0 || (size_t)len >= size ? -ENAMETOOLONG : 0;
}
