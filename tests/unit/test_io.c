/* test_io.c: lib/io.c's readers */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/io.h"
#include "t.h"

void
test_io(void)
{
	char *b = NULL, path[] = "/tmp/popinit-test-io-XXXXXX";
	size_t n = 0;

	/* a /proc file's fstat says 0 bytes: read to its end all the same
	 * (/proc/modules is read so: the modules already loaded) */
	int r = io_slurp("/proc/self/status", 1u << 20, &b, &n);
	T_CHECK("unit/io/slurp-proc-file-of-size-0", r == 0 && n > 0 && strstr(b, "Name:") && strlen(b) == n,
		"r=%d, %zu bytes", r, n);
	free(b);

	/* a file of 10000 bytes: whole under a limit of 10000, -EFBIG under 9999 */
	int fd = mkstemp(path);
	char big[10000];
	memset(big, 'x', sizeof big);
	int w = fd >= 0 ? io_write_full(fd, big, sizeof big) : -1;
	if (fd >= 0)
		(void)io_close(fd);
	b = NULL;
	r = io_slurp(path, sizeof big, &b, &n);
	T_CHECK("unit/io/slurp-at-the-limit", w == 0 && r == 0 && n == sizeof big && b[n] == '\0', "r=%d n=%zu", r, n);
	free(b);
	/* no limit (SIZE_MAX, as module files are read): max + 1 wrapped to 0
	 * once and every module read failed */
	b = NULL;
	r = io_slurp(path, SIZE_MAX, &b, &n);
	T_CHECK("unit/io/slurp-without-limit", r == 0 && n == sizeof big && b && b[n] == '\0', "r=%d n=%zu", r, n);
	free(b);
	b = NULL;
	r = io_slurp(path, sizeof big - 1, &b, &n);
	T_CHECK("unit/io/slurp-over-the-limit", r == -EFBIG && !b, "r=%d", r);
	free(b);
	/* O_DIRECT refused by the read (a buffer and an offset not aligned):
	 * read again through the page cache, O_DIRECT off and said so */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	int fl0 = fd >= 0 ? io_direct(fd) : -1, fl = fl0;
	char got[101] = { 0 };
	ssize_t k = fd >= 0 ? io_pread_direct(fd, got + 1, 99, 3, &fl) : -1;
	int now = fd >= 0 ? fcntl(fd, F_GETFL) : -1;
	T_CHECK("unit/io/pread-direct-falls-back", k == 99 && got[1] == 'x' && got[99] == 'x' && fl == -1 &&
		now >= 0 && !(now & O_DIRECT), "direct %s, read %zd, flags %d, O_DIRECT %s",
		fl0 >= 0 ? "on" : "refused by the file system", k, fl, now >= 0 && (now & O_DIRECT) ? "still on" : "off");
	/* aligned, O_DIRECT kept where the file system takes it */
	static char al[4096] __attribute__((aligned(4096)));
	fl0 = fl = fd >= 0 ? io_direct(fd) : -1;
	k = fd >= 0 ? io_pread_direct(fd, al, sizeof al, 4096, &fl) : -1;
	T_CHECK("unit/io/pread-direct-aligned", k == (ssize_t)sizeof al && al[0] == 'x' && fl == fl0,
		"read %zd, flags %d then %d", k, fl0, fl);
	io_undirect(fd, fl);
	now = fd >= 0 ? fcntl(fd, F_GETFL) : -1;
	T_CHECK("unit/io/undirect", now >= 0 && !(now & O_DIRECT), "flags %d", now);
	if (fd >= 0)
		(void)io_close(fd);
	(void)unlink(path);
	b = NULL;
	r = io_slurp("/proc/self/status", 16, &b, &n);
	T_CHECK("unit/io/slurp-proc-over-the-limit", r == -EFBIG && !b, "r=%d", r);
	free(b);
}
