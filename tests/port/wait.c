/* wait.c: blockdev_wait() for a device that never comes, with a timeout:
 * it must end with -ETIMEDOUT.  Run in a time namespace whose monotonic
 * clock is past 2^31 ms (24.8 days), it shows whether the deadline
 * arithmetic survives a 32-bit long (tests/port.sh).
 *
 *   wait SPEC TIMEOUT_MS
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../blkdev/blockdev.h"

int
main(int argc, char **argv)
{
	struct blockdev bd;

	if (argc != 3)
		return 100;
	int r = blockdev_wait(argv[1], atoi(argv[2]), &bd);
	printf("%d\n", r);
	return r == -ETIMEDOUT ? 0 : 1;
}
