/* fuzz_verity.c: libFuzzer target for the dm-verity superblock reader and
 * the table built from it (blkdev/verity.c): the superblock comes from a
 * hash device, the root hash and the options from the command line.
 *
 *   input := ctl  superblock (512 bytes, zeros when short)  root NUL opts
 *
 * ctl bit 0: strict options (a signed root hash).  Checked: returns are 0
 * or -EINVAL; an accepted superblock holds what the kernel takes (a
 * one-word algorithm name, block sizes powers of two from 512 to 64 KiB,
 * data blocks whose sectors fit in 64 bits, salt up to 256 bytes); the
 * options are "" or "N" and N words of [a-z_], none of the weaker ones
 * when strict; an accepted table is one line of exactly 10 words plus the
 * options, its length the data blocks' sectors.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../blkdev/verity.h"

/* fuzz-options: -max_len=1200 (a superblock block, the options and the root hash) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_verity: %s\n", what);
		abort();
	}
}

static bool
pow2(uint32_t v)
{
	return v >= 512 && v <= 65536 && !(v & (v - 1));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sbuf[VERITY_SB_SIZE] = { 0 };
	char root[300] = "", in[300] = "", opts[256], table[VERITY_TABLE_MAX];
	struct verity_sb sb;
	const char *why = NULL;
	uint64_t sectors = 0;

	if (size < 1)
		return 0;
	bool strict = data[0] & 1;
	data++, size--;
	size_t n = size < sizeof sbuf ? size : sizeof sbuf;
	memcpy(sbuf, data, n);
	data += n, size -= n;
	const uint8_t *nul = memchr(data, 0, size);
	size_t rl = nul ? (size_t)(nul - data) : size;
	if (rl < sizeof root)
		memcpy(root, data, rl);
	if (nul && size - rl - 1 < sizeof in)
		memcpy(in, nul + 1, size - rl - 1);
	in[sizeof in - 1] = '\0';

	int r = verity_sb_parse(sbuf, sizeof sbuf, &sb, &why);
	check(r == 0 || (r == -EINVAL && why), "verity_sb_parse: bad return");
	if (r < 0)
		return 0;
	size_t al = strlen(sb.alg);
	check(al > 0 && al < sizeof sb.alg &&
		      strspn(sb.alg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == al,
	      "algorithm not one word");
	check(sb.hash_type <= 1 && pow2(sb.data_block_size) && pow2(sb.hash_block_size), "bad fields accepted");
	check(sb.data_blocks && sb.data_blocks <= UINT64_MAX / sb.data_block_size && sb.salt_size <= 256,
	      "bad sizes accepted");

	int dropped = verity_opts(in, strict, opts, sizeof opts);
	check(dropped >= -EINVAL, "verity_opts: bad return");
	if (dropped == -EINVAL)
		strcpy(opts, "");
	check(memchr(opts, 0, sizeof opts) != NULL, "options not terminated");
	int words = 0;
	if (opts[0]) {
		char *end;
		long cnt = strtol(opts, &end, 10);
		for (char *p = end; *p; p++) {
			check(*p == ' ' || (*p >= 'a' && *p <= 'z') || *p == '_', "options: a character not [a-z_ ]");
			if (*p == ' ')
				words++;
		}
		check(cnt == words && cnt > 0, "options: the count is not the words'");
		char copy[256], *save;
		strcpy(copy, end);
		for (char *w = strtok_r(copy, " ", &save); strict && w; w = strtok_r(NULL, " ", &save))
			check(strcmp(w, "ignore_corruption") && strcmp(w, "check_at_most_once"),
			      "options: a weaker option kept");
	}
	r = verity_table(&sb, "/dev/vda1", "/dev/vda2", root, opts, table, sizeof table, &sectors, &why);
	check(r == 0 || ((r == -EINVAL || r == -ENAMETOOLONG) && why), "verity_table: bad return");
	if (r < 0)
		return 0;
	int fields = 1;
	for (const char *p = table; *p; p++) {
		check(*p > ' ' || (*p == ' ' && p[1] > ' '), "table: not one line of single-spaced words");
		fields += *p == ' ';
	}
	check(fields == 10 + (words ? words + 1 : 0), "table: not 10 words and the options");
	check(sectors == sb.data_blocks * (sb.data_block_size / 512), "table: length");
	return 0;
}
