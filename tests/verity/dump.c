/* dump.c: blkdev/verity.c on the host, for tests/verity/run.sh.
 *
 *   dump HASHDEV                          the superblock, in the words of
 *                                         `veritysetup dump`
 *   dump HASHDEV DATA HASH ROOT [OPTS [strict]]
 *                                         the table: "0 SECTORS verity ..."
 *
 * Exit 0, or 1 with the reason on stderr.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../blkdev/verity.h"

int
main(int argc, char **argv)
{
	uint8_t b[VERITY_SB_SIZE] = { 0 };
	struct verity_sb sb;
	const char *why;
	int fd = argc > 1 ? open(argv[1], O_RDONLY) : -1;

	if (fd < 0 || read(fd, b, sizeof b) < 0) {
		perror(argc > 1 ? argv[1] : "usage: dump HASHDEV [DATA HASH ROOT [OPTS [strict]]]");
		return 1;
	}
	close(fd);
	if (verity_sb_parse(b, sizeof b, &sb, &why) < 0) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	if (argc < 5) {
		const uint8_t *u = sb.uuid;
		printf("UUID: %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\n", u[0], u[1],
		       u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
		printf("Hash type: %u\nData blocks: %llu\nData block size: %u\nHash block size: %u\n"
		       "Hash algorithm: %s\nSalt: ", (unsigned)sb.hash_type, (unsigned long long)sb.data_blocks,
		       (unsigned)sb.data_block_size, (unsigned)sb.hash_block_size, sb.alg);
		for (unsigned i = 0; i < sb.salt_size; i++)
			printf("%02x", sb.salt[i]);
		printf("%s\n", sb.salt_size ? "" : "-");
		return 0;
	}
	char opts[256], table[VERITY_TABLE_MAX];
	uint64_t sectors;
	int dropped = verity_opts(argc > 5 ? argv[5] : "", argc > 6, opts, sizeof opts);
	if (dropped < 0) {
		fprintf(stderr, "options: not a list of words: %s\n", opts);
		return 1;
	}
	if (verity_table(&sb, argv[2], argv[3], argv[4], opts, table, sizeof table, &sectors, &why) < 0) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	printf("0 %llu verity %s\n", (unsigned long long)sectors, table);
	if (dropped)
		printf("dropped %d\n", dropped);
	return 0;
}
