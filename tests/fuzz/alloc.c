/* alloc.c: linked into every fuzz target: large heap blocks kept for the
 * next run instead of given back, with AddressSanitizer's checks intact.
 *
 * ASan serves a block over 128 KiB from a fresh mmap and writes its shadow
 * (an eighth of its size) three times: mapped, freed, recycled; each time
 * on pages just faulted in.  The decoders allocate such blocks whatever the
 * input: lz4's two 8 MiB buffers, a .lzma's 64 MiB dictionary, bzip2's
 * 3.6 MB, zstd's window, the writer's 4 MiB ring.  That was 3 ms of every
 * lz4 run and 15 ms of every .lzma one, 90% of the fuzzers' time.
 *
 * Here malloc() of BIG bytes or more takes a kept block of exactly that
 * size if there is one, and free() keeps the block instead of freeing it:
 *   - the block is ASan's own chunk of that exact size: its redzones still
 *     catch an overflow, as for any chunk;
 *   - while kept, it is poisoned: a use after free is still reported
 *     (as use-after-poison);
 *   - given out again, it holds what a fresh chunk holds (ASan fills the
 *     first 4 KiB with 0xbe, the rest is the zeros of a fresh mmap): the
 *     pages are dropped (MADV_DONTNEED) when kept, so nothing of a run
 *     reaches the next one;
 *   - a free of a kept block is reported as the double free it is.
 * At most SLOTS blocks and KEEP_MAX bytes are kept; past that, free() is
 * ASan's.  Smaller blocks are ASan's from end to end.
 *
 * The memory cap: a block over FUZZ_ALLOC_MAX (64 MiB) is refused (NULL,
 * ENOMEM), as on a machine without the memory: a decoder asked for a
 * 1.5 GiB window by a header byte says it ran out of memory in
 * microseconds instead of poisoning 192 MiB of shadow.  64 MiB is the
 * dictionary of lzma -9, the kernel's own .lzma compression (the corpus's
 * .lzma seeds); libFuzzer's own tables take 20 MiB.  ASan's malloc and
 * free are weak symbols (__interceptor_*) precisely so that a program can
 * wrap them. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sanitizer/asan_interface.h>
#include <sanitizer/allocator_interface.h>

#define FUZZ_ALLOC_MAX ((size_t)64 << 20)
#define BIG (128u << 10)
#define SLOTS 32
#define KEEP_MAX ((size_t)1 << 30)
#define DROP (1u << 20)
#define FILL 4096		/* ASan's max_malloc_fill_size */
#define FILL_BYTE 0xbe		/* and malloc_fill_byte */

void *__interceptor_malloc(size_t n);
void *__interceptor_calloc(size_t n, size_t m);
void *__interceptor_realloc(void *p, size_t n);
void __interceptor_free(void *p);

/* no coverage: whether a block was kept is no behaviour of the code
 * under test, and must not look like new coverage to the fuzzer */
#pragma clang attribute push(__attribute__((no_sanitize("coverage"))), apply_to = function)

static struct kept {
	void *p;
	size_t n;
} kept[SLOTS];
static size_t kept_bytes;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* take: a kept block of N bytes, as fresh, or NULL */
static void *
take(size_t n)
{
	void *p = NULL;

	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < SLOTS; i++)
		if (kept[i].p && kept[i].n == n) {
			p = kept[i].p;
			kept[i].p = NULL;
			kept_bytes -= n;
			break;
		}
	pthread_mutex_unlock(&lock);
	if (p) {
		__asan_unpoison_memory_region(p, n);
		memset(p, FILL_BYTE, n < FILL ? n : FILL);
	}
	return p;
}

/* keep: P (N bytes) for a later take(), or 0 when there is no room */
static int
keep(void *p, size_t n)
{
	long pg = sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)p, e = a + n, a_up = (a + pg - 1) & ~(uintptr_t)(pg - 1), e_dn = e & ~(uintptr_t)(pg - 1);
	int slot = -1;

	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < SLOTS; i++) {
		if (kept[i].p == p) {
			pthread_mutex_unlock(&lock);
			fprintf(stderr, "fuzz alloc: double free of %p (%zu bytes, kept)\n", p, n);
			abort();
		}
		if (!kept[i].p && slot < 0)
			slot = (int)i;
	}
	if (slot < 0 || kept_bytes + n > KEEP_MAX) {
		pthread_mutex_unlock(&lock);
		return 0;
	}
	kept[slot].p = p;
	kept[slot].n = n;
	kept_bytes += n;
	pthread_mutex_unlock(&lock);
	/* the zeros of a fresh mapping: a small block written over, whole
	 * pages of a big one dropped (faulted in again only if touched) */
	if (n > DROP && a_up < e_dn) {
		memset(p, 0, a_up - a);
		(void)madvise((void *)a_up, e_dn - a_up, MADV_DONTNEED);
		memset((void *)e_dn, 0, e - e_dn);
	} else {
		memset(p, 0, n);
	}
	__asan_poison_memory_region(p, n);
	return 1;
}

static int
refused(size_t n)
{
	if (n <= FUZZ_ALLOC_MAX)
		return 0;
	errno = ENOMEM;
	return 1;
}

void *
malloc(size_t n)
{
	if (refused(n))
		return NULL;
	void *p = n >= BIG ? take(n) : NULL;

	return p ? p : __interceptor_malloc(n);
}

void *
calloc(size_t n, size_t m)
{
	if (m && n > SIZE_MAX / m)
		return __interceptor_calloc(n, m);	/* ASan's overflow report */
	if (refused(n * m))
		return NULL;
	void *p = n * m >= BIG ? take(n * m) : NULL;
	if (p) {
		memset(p, 0, FILL);	/* the rest is zeros already */
		return p;
	}
	return __interceptor_calloc(n, m);
}

void
free(void *p)
{
	/* not a live chunk of ASan's: ASan says what it is (double free...) */
	size_t n = p && __sanitizer_get_ownership(p) ? __sanitizer_get_allocated_size(p) : 0;

	if (n < BIG || !keep(p, n))
		__interceptor_free(p);
}

void *
realloc(void *p, size_t n)
{
	size_t old = p && __sanitizer_get_ownership(p) ? __sanitizer_get_allocated_size(p) : 0;

	if (refused(n))
		return NULL;
	if (old < BIG && n < BIG)
		return __interceptor_realloc(p, n);
	if (!n) {
		free(p);
		return NULL;
	}
	void *q = malloc(n);
	if (q && p) {
		memcpy(q, p, old < n ? old : n);
		free(p);
	}
	return q;
}

#pragma clang attribute pop
