/* alloc.c: linked into every fuzz target: large heap blocks kept for the
 * next run instead of given back, with AddressSanitizer's checks intact,
 * and a cap on the size of one block.
 *
 * ASan serves a block over 128 KiB from a fresh mmap and writes its shadow
 * (an eighth of its size) three times: mapped, freed, recycled; each time
 * on pages just faulted in.  The decoders allocate such blocks whatever the
 * input: lz4's two 8 MiB buffers, a .lzma's 64 MiB dictionary, bzip2's
 * 3.6 MB, zstd's window, the writer's 4 MiB ring.  That was 3 ms of every
 * lz4 run and 15 ms of every .lzma one, 90% of the fuzzers' time.
 *
 * Here malloc() of BIG bytes or more hands out a kept block of its size
 * class (sizes rounded up by at most a quarter) if there is one, and
 * free() keeps the block instead of freeing it:
 *   - the block is ASan's own chunk: its redzones still catch an overflow,
 *     and the rest of its class past the size asked for is poisoned (an
 *     overflow there is reported as use-after-poison);
 *   - while kept, it is poisoned: a use after free is still reported
 *     (as use-after-poison);
 *   - handed out again, it holds what a fresh chunk holds (ASan fills the
 *     first 4 KiB with 0xbe, the rest is the zeros of a fresh mmap): it is
 *     zeroed when kept (the pages of a big one dropped, MADV_DONTNEED), so
 *     nothing of a run reaches the next one;
 *   - a free of a kept block is reported as the double free it is.
 * At most SLOTS blocks are kept (the least recently kept goes back to ASan)
 * and SLOTS lent.  Smaller blocks are ASan's from end to end.  ASan's
 * malloc and free are weak symbols (__interceptor_*) precisely so that a
 * program can wrap them.
 *
 * The memory cap: a block over FUZZ_ALLOC_MAX (64 MiB) is refused (NULL,
 * ENOMEM), as on a machine without the memory: a decoder asked for a
 * 1.5 GiB window by a header byte says it ran out of memory in
 * microseconds instead of poisoning 192 MiB of shadow.  64 MiB is the
 * dictionary of lzma -9, the kernel's own .lzma compression (the corpus's
 * .lzma seeds); libFuzzer's own tables take 20 MiB. */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sanitizer/allocator_interface.h>
#include <sanitizer/asan_interface.h>

#define FUZZ_ALLOC_MAX ((size_t)64 << 20)
#define BIG (128u << 10)
#define SLOTS 32
#define DROP (1u << 20)		/* from this size, pages are dropped, not zeroed */
#define FILL 4096		/* ASan's max_malloc_fill_size */
#define FILL_BYTE 0xbe		/* and malloc_fill_byte */

void *__interceptor_malloc(size_t n);
void *__interceptor_calloc(size_t n, size_t m);
void *__interceptor_realloc(void *p, size_t n);
void __interceptor_free(void *p);
size_t __interceptor_malloc_usable_size(void *p);

/* no coverage: whether a block was kept is no behaviour of the code
 * under test, and must not look like new coverage to the fuzzer; no ASan
 * instrumentation: free() runs before ASan has mapped its shadow (the
 * memset and memcpy called here are still ASan's, and check) */
#pragma clang attribute push(__attribute__((no_sanitize("coverage", "address"))), apply_to = function)

/* the shadow written with memset, never remapped: a kept block's shadow
 * pages stay in memory from one poisoning to the next */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "clear_shadow_mmap_threshold=1099511627776";
}

static struct block {
	void *p;
	size_t n;		/* lent: the size asked for */
	size_t cls;
	unsigned long age;
} kept[SLOTS], lent[SLOTS];
static unsigned long ages;
/* a spin lock: pthread_mutex_lock is an interceptor of ASan's, not set
 * up yet when the first free() comes (from dlsym, in ASan's start-up) */
static int locked;

static void
lock(void)
{
	while (__atomic_exchange_n(&locked, 1, __ATOMIC_ACQUIRE))
		sched_yield();
}

static void
unlock(void)
{
	__atomic_store_n(&locked, 0, __ATOMIC_RELEASE);
}

/* class: N rounded up to a multiple of a power of two between an eighth
 * and a quarter of it (at most a quarter more) */
static size_t
class(size_t n)
{
	size_t q = 1;

	while (q <= n / 8)
		q <<= 1;
	return (n + q - 1) & ~(q - 1);
}

static struct block *
find(struct block *t, void *p)
{
	for (size_t i = 0; i < SLOTS; i++)
		if (t[i].p == p)
			return &t[i];
	return NULL;
}

static int
refused(size_t n)
{
	if (n <= FUZZ_ALLOC_MAX)
		return 0;
	errno = ENOMEM;
	return 1;
}

/* lend: a block of N bytes (BIG or more), kept or new, as fresh */
static void *
lend(size_t n)
{
	size_t c = class(n);
	void *p = NULL;

	lock();
	struct block *slot = find(lent, NULL);
	if (!slot) {
		unlock();
		return __interceptor_malloc(n);		/* not kept afterwards */
	}
	for (size_t i = 0; i < SLOTS; i++)
		if (kept[i].p && kept[i].cls == c) {
			p = kept[i].p;
			kept[i].p = NULL;
			break;
		}
	*slot = (struct block){ p ? p : (void *)1, n, c, 0 };
	unlock();
	if (p) {	/* all zeros and poisoned: the size asked for opened */
		__asan_unpoison_memory_region(p, n);
		memset(p, FILL_BYTE, n < FILL ? n : FILL);
	} else if ((p = __interceptor_malloc(c))) {
		__asan_poison_memory_region((char *)p + n, c - n);
	} else {
		lock();
		slot->p = NULL;
		unlock();
		return NULL;
	}
	lock();
	slot->p = p;
	unlock();
	return p;
}

/* keep: P, lent as B, zeroed, poisoned and kept (the oldest kept block
 * goes back to ASan when there is no room).  Past the size asked for, a
 * block is zeros and poisoned already (ASan's fresh chunk: its fill is the
 * first 4 KiB, and BIG is more): only that size is zeroed and poisoned. */
static void
keep(void *p, struct block b)
{
	long pg = sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)p, e = a + b.n;
	uintptr_t a_up = (a + pg - 1) & ~(uintptr_t)(pg - 1), e_dn = e & ~(uintptr_t)(pg - 1);
	void *old = NULL;

	if (b.n > DROP && a_up < e_dn) {
		memset(p, 0, a_up - a);
		(void)madvise((void *)a_up, e_dn - a_up, MADV_DONTNEED);
		memset((void *)e_dn, 0, e - e_dn);
	} else {
		memset(p, 0, b.n);
	}
	__asan_poison_memory_region(p, b.n);
	lock();
	struct block *slot = find(kept, NULL);
	if (!slot) {
		slot = &kept[0];
		for (size_t i = 1; i < SLOTS; i++)
			if (kept[i].age < slot->age)
				slot = &kept[i];
		old = slot->p;
	}
	*slot = (struct block){ p, 0, b.cls, ++ages };
	unlock();
	if (old)
		__interceptor_free(old);
}

/* owned: P was lent (*B its record, now forgotten): 1; kept: abort */
static int
owned(void *p, struct block *b)
{
	lock();
	struct block *l = find(lent, p);
	int kept_already = !l && find(kept, p);
	if (l) {
		*b = *l;
		l->p = NULL;
	}
	unlock();
	if (kept_already) {
		fprintf(stderr, "fuzz alloc: double free of %p (freed before, kept)\n", p);
		abort();
	}
	return l != NULL;
}

void *
malloc(size_t n)
{
	if (refused(n))
		return NULL;
	return n >= BIG ? lend(n) : __interceptor_malloc(n);
}

void *
calloc(size_t n, size_t m)
{
	if (m && n > SIZE_MAX / m)
		return __interceptor_calloc(n, m);	/* ASan's overflow report */
	if (refused(n * m))
		return NULL;
	if (n * m < BIG)
		return __interceptor_calloc(n, m);
	void *p = lend(n * m);
	if (p)
		memset(p, 0, n * m < FILL ? n * m : FILL);	/* the rest is zeros already */
	return p;
}

void
free(void *p)
{
	struct block b;

	if (p && owned(p, &b))
		keep(p, b);
	else
		__interceptor_free(p);
}

void *
realloc(void *p, size_t n)
{
	struct block b;

	if (!p)
		return malloc(n);
	if (refused(n))
		return NULL;
	int ours = owned(p, &b);
	if (!ours && n < BIG)
		return __interceptor_realloc(p, n);
	/* a bad pointer: nothing copied, ASan's free says what it is */
	size_t old = ours ? b.n : __sanitizer_get_ownership(p) ? __sanitizer_get_allocated_size(p) : 0;
	void *q = malloc(n ? n : 1);
	if (!q) {
		if (ours) {	/* P stays lent, unchanged */
			lock();
			struct block *slot = find(lent, NULL);
			if (slot)
				*slot = b;
			unlock();
		}
		return NULL;
	}
	memcpy(q, p, old < n ? old : n);
	if (ours)
		keep(p, b);
	else
		__interceptor_free(p);
	return q;
}

size_t malloc_usable_size(void *p);
size_t
malloc_usable_size(void *p)
{
	lock();
	struct block *l = p ? find(lent, p) : NULL;
	size_t n = l ? l->n : 0;
	unlock();
	return l ? n : __interceptor_malloc_usable_size(p);
}

#pragma clang attribute pop
