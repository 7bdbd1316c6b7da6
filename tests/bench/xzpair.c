/* xzpair.c: where an xz decode's time goes on or1k (tests/bench/or1k.sh):
 * the kernel's own decoder (lib/xz of linux-source-6.1, built for user
 * space through boot/xz_config.h; its sources are not kept here)
 * against liblzma as popinit links it, decoding the same image the way
 * each is used (the kernel's decompress_unxz: multi-call, a 4 KiB output
 * buffer; popinit: lzma_stream_decoder, the check verified, DEC_CHUNK's
 * 128 KiB of output at a time), the output discarded, alternately, REPS
 * times; and liblzma with the kernel's 4 KiB buffer too ("liblzma-4k").
 *
 *   xzpair IMAGE [REPS]     one line per repetition on stdout
 *   as PID 1                IMAGE is /main.img, REPS 5; the lines go to
 *                           /dev/console, then NEXT (a -D of the build:
 *                           the next variant) is run, or the machine
 *                           powered off
 */
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xz_config.h"

#ifndef VARIANT
#define VARIANT "liblzma"
#endif

static uint8_t out[4096], lout[128 * 1024];	/* codec/decomp.h: DEC_CHUNK */

static double
now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static unsigned long
kernel_xz(const uint8_t *in, size_t n)
{
	unsigned long total = 0;
	struct xz_dec *s = xz_dec_init(XZ_DYNALLOC, (uint32_t)-1);
	struct xz_buf b = { in, 0, n, out, 0, sizeof out };
	enum xz_ret r = XZ_MEM_ERROR;

	if (!s)
		return 0;
	do {
		r = xz_dec_run(s, &b);
		total += b.out_pos;
		b.out_pos = 0;
	} while (r == XZ_OK);
	xz_dec_end(s);
	return r == XZ_STREAM_END ? total : 0;
}

static unsigned long
liblzma(const uint8_t *in, size_t n, uint8_t *out, size_t size)
{
	unsigned long total = 0;
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r;

	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
		return 0;
	s.next_in = in;
	s.avail_in = n;
	do {
		s.next_out = out;
		s.avail_out = size;
		r = lzma_code(&s, LZMA_FINISH);
		total += size - s.avail_out;
	} while (r == LZMA_OK);
	lzma_end(&s);
	return r == LZMA_STREAM_END ? total : 0;
}

int
main(int argc, char **argv)
{
	int pid1 = getpid() == 1, reps = argc > 2 ? atoi(argv[2]) : 5;
	const char *img = pid1 ? "/main.img" : argc > 1 ? argv[1] : NULL;
	struct stat st;
	int fd;

	if (pid1 && (fd = open("/dev/console", O_RDWR)) >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	if (!img || (fd = open(img, O_RDONLY)) < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "usage: xzpair IMAGE [REPS]\n");
		return 100;
	}
	const uint8_t *in = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (in == MAP_FAILED)
		return 111;
	xz_crc32_init();
	for (int i = 0; i < reps; i++) {
		double t0 = now();
		unsigned long a = kernel_xz(in, (size_t)st.st_size);
		double t1 = now();
		unsigned long b = liblzma(in, (size_t)st.st_size, lout, sizeof lout);
		double t2 = now();
		unsigned long c = liblzma(in, (size_t)st.st_size, out, sizeof out);
		double t3 = now();
		printf("@@XZPAIR kernel %.1f %s %.1f 4k %.1f bytes %lu %lu %lu\n", t1 - t0, VARIANT, t2 - t1, t3 - t2, a, b, c);
	}
	fflush(stdout);
	if (pid1) {
#ifdef NEXT
		execv(NEXT, (char *[]){ NEXT, NULL });
#endif
		printf("@@PAYLOAD-END\n");
		fflush(stdout);
		reboot(RB_POWER_OFF);
	}
	return 0;
}
