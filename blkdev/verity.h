/* verity.h: dm-verity's superblock, as `veritysetup format` writes it at
 * the start of the hash device (version 1), and the table the kernel's
 * verity target takes.  Pure.
 *
 *   offset  size  field, little-endian
 *   0       8     "verity\0\0"
 *   8       4     superblock version: 1
 *   12      4     hash type: 1 normal, 0 Chrome OS
 *   16      16    UUID
 *   32      32    hash algorithm, NUL-padded: "sha256"
 *   64      4     data block size      } powers of two, 512 to 64 KiB
 *   68      4     hash block size      }
 *   72      8     data blocks
 *   80      2     salt size, at most 256
 *   82      6     zero
 *   88      256   salt
 *   344     168   zero
 *
 * The tree starts at the hash block after the superblock's (hash start
 * 1); the kernel computes its levels from these fields and checks, on
 * every read, each data block up to the root hash.
 *
 * The table (the kernel's Documentation/admin-guide/device-mapper/verity.rst):
 *   0 SECTORS verity TYPE DATA HASH DBS HBS BLOCKS START ALG ROOT SALT [N OPT...]
 */
#ifndef POPINIT_VERITY_H
#define POPINIT_VERITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VERITY_SB_SIZE 512
#define VERITY_ROOT_MAX 128	/* hex digits of the largest digest (sha512) */
#define VERITY_TABLE_MAX 1024

struct verity_sb {
	uint32_t hash_type, data_block_size, hash_block_size;
	uint64_t data_blocks;
	char alg[32];
	uint8_t uuid[16];
	uint8_t salt[256];
	unsigned salt_size;
};

/* verity_sb_parse: the superblock in the LEN bytes of B into SB.  0, or
 * -EINVAL with *WHY a static reason. */
int verity_sb_parse(const uint8_t *b, size_t len, struct verity_sb *sb, const char **why);

/* verity_opts: systemd.verity_root_options= (IN, a comma list) as the
 * table's optional words ("" or "N w1 w2...", '_' for '-': the kernel
 * knows panic_on_corruption, restart_on_corruption, ignore_zero_blocks,
 * ignore_corruption, check_at_most_once, and refuses the table for a word
 * it does not know).  STRICT leaves out the two that let changed data
 * through or unchecked.  The number left out, or -EINVAL for an item
 * that is not one word of [a-z_-] (a space would make the count lie, and
 * the kernel read a word left out) or a list longer than SIZE. */
int verity_opts(const char *in, bool strict, char *out, size_t size);

/* verity_table: the target's parameters (what follows "verity") for data
 * device DATA and hash device HASH (paths, or MAJ:MIN), ROOT the root hash
 * in hex, OPTS the optional words ("" or "N w1 w2..."), into OUT; *SECTORS
 * the target's length.  0, -EINVAL (a root hash that is not hex: its
 * length is the kernel's to check against the digest's), -ENAMETOOLONG. */
int verity_table(const struct verity_sb *sb, const char *data, const char *hash, const char *root, const char *opts,
		 char *out, size_t size, uint64_t *sectors, const char **why);

#endif
