/* main.c: runs every unit test file; exit status 1 if any check failed. */
#include "t.h"

int t_failed;

int
main(void)
{
	/* line by line: a crash loses no result already printed */
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_cpio();
	test_image();
	test_links();
	return t_failed ? 1 : 0;
}
