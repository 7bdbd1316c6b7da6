/* main.c: runs every unit test file; exit status 1 if any check failed. */
#include "t.h"

int t_failed;

void
t_fail(const char *name, const char *why, const char *file, int line)
{
	t_failed++;
	printf("FAIL %s: ", name);
	for (const char *c = why; *c; c++)
		putchar(*c == '\n' ? '|' : *c);
	printf(" (%s:%d)\n", file, line);
}

int
main(void)
{
	/* line by line: a crash loses no result already printed */
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_cpio();
	test_io();
	test_image();
	test_links();
	test_sha256();
	test_lz4_lent();
	return t_failed ? 1 : 0;
}
