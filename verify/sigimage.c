/* sigimage.c: verify a signed image and hand over a sealed copy of its
 * payload, so that the bytes hashed are the bytes unpacked.
 *
 * Order, and why:
 *   1. the trailer is read from the end (after any NUL tail) and its frame
 *      checked byte for byte;
 *   2. a signature by a trusted key is verified over the exact manifest
 *      bytes, before the manifest is parsed;
 *   3. the manifest is parsed strictly, and its name, version floor,
 *      kernel binding and payload size checked;
 *   4. the payload is copied into a memfd, hashed as it is copied, and
 *      the memfd sealed (no write, no resize): the source may change
 *      afterwards (a block device, a file someone else can write), the
 *      copy cannot (a pipe's spool is that memfd already: sealed as it
 *      is); or, without SEAL, hashed in place;
 *   5. only if the hash matches does the caller get the memfd.
 * No decoder ever sees a byte of the image before step 5.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/io.h"
#include "sha256.h"
#include "sigimage.h"

#define CHUNK (1u << 20)

static uint8_t chunk[CHUNK];

/* The payload's hash: the manifest's SHA-256, or its SHA-384 where it has
 * one and this CPU hashes that the faster: a 64-bit CPU without SHA-256
 * instructions, where BearSSL's SHA-512 rounds, on 64-bit words, take 128
 * bytes where SHA-256's take 64 (tests/bench/hash.sh: x0.74 of the time
 * under qemu-x86_64, x0.6 under qemu-aarch64, x0.64 on this host's CPU).
 * Either digest is signed, so checking one is checking the payload. */
struct phash {
	bool big;
	struct sha256 h;
	br_sha384_context b;
};

static void
phash_init(struct phash *ph, const struct sig_manifest *m)
{
	ph->big = m->has_sha384 && UINTPTR_MAX > 0xffffffffu && !sha256_hw();
	if (ph->big)
		br_sha384_init(&ph->b);
	else
		sha256_init(&ph->h);
}

static void
phash_update(struct phash *ph, const void *p, size_t n)
{
	if (ph->big)
		br_sha384_update(&ph->b, p, n);
	else
		sha256_update(&ph->h, p, n);
}

/* the hash matches the manifest's */
static bool
phash_match(struct phash *ph, const struct sig_manifest *m)
{
	uint8_t out[48];

	if (ph->big)
		br_sha384_out(&ph->b, out);
	else
		sha256_out(&ph->h, out);
	return !memcmp(out, ph->big ? m->sha384 : m->sha256, ph->big ? 48 : 32);
}

/* spool: a pipe's bytes into a memfd, which can then be read at offsets */
static int
spool(int fd)
{
	int m = io_memfd("popinit-image");

	if (m < 0)
		return m;
	for (;;) {
		ssize_t n = io_read_full(fd, chunk, CHUNK);
		int r = n < 0 ? (int)n : n ? io_write_full(m, chunk, (size_t)n) : 0;
		if (r < 0) {
			(void)io_close(m);
			return r;
		}
		if (n == 0)
			return m;
	}
}

/* data_end: just past the last non-NUL byte at or before SIZE: 64 KiB
 * first (a file's trailer), then 1 MiB at a time (a partition's zeros) */
static int
data_end(int fd, uint64_t size, uint64_t *end)
{
	size_t step = 64u << 10;

	for (; size; step = CHUNK) {
		size_t n = size < step ? (size_t)size : step;
		int r = io_pread_full(fd, chunk, n, size - n);
		if (r < 0)
			return r;
		for (size_t i = n; i; i--)
			if (chunk[i - 1]) {
				*end = size - n + i;
				return 0;
			}
		size -= n;
	}
	*end = 0;
	return 0;
}

int
sig_image_read(int fd, struct sig_image *si, struct error *why)
{
	uint64_t size, end, t0 = clock_ns();
	int r;

	memset(si, 0, sizeof *si);
	si->fd = -1;
	si->spool = -1;
	r = io_size(fd, &size);
	if (r == -ESPIPE) {
		r = si->spool = spool(fd);
		if (r >= 0)
			r = io_size(fd = si->spool, &size);
	}
	if (r >= 0)
		r = data_end(fd, size, &end);
	if (r < 0)
		return r;
	si->fd = fd;
	si->size = size;
	size_t n = end < SIG_TRAILER_MAX ? (size_t)end : SIG_TRAILER_MAX;
	si->tail_off = end - n;
	si->tail_len = n;
	r = io_pread_full(fd, si->tail, n, end - n);
	si->ns_trailer = clock_ns() - t0;
	if (r < 0)
		return r;
	return sig_parse_trailer(si->tail, n, end, &si->tr, why) < 0 ? -EBADMSG : 0;
}

void
sig_image_done(struct sig_image *si)
{
	if (si->spool >= 0)
		(void)io_close(si->spool);
	si->spool = -1;
}

/* frame: the payload ends where the manifest says, then the NUL pad */
static int
check_frame(const struct sig_image *si, struct error *why)
{
	uint64_t p = si->m.payload_size, pad = (4 - p % 4) % 4;

	if (p > si->tr.header_off || si->tr.header_off - p != pad)
		return sig_fail(why, si->tr.header_off, "payload size %llu does not match the trailer at offset %llu",
				(unsigned long long)p, (unsigned long long)si->tr.header_off);
	for (uint64_t i = p; i < si->tr.header_off; i++)
		if (si->tail[i - si->tail_off])
			return sig_fail(why, i, "non-NUL byte in the pad before the trailer");
	return 0;
}

/* The device's reads, on a thread of their own, the hash behind them: the
 * device fills the next step while the CPU hashes the one before (with a
 * DMA even on one CPU; under QEMU's TCG the reading is the emulated CPU's
 * own work, so only a second CPU hides it).  DONE: the payload's bytes
 * read so far; no more will be once all are, or after ERR. */
struct ahead {
	pthread_mutex_t lock;
	pthread_cond_t moved;
	uint8_t *p;
	uint64_t n, span, done;
	int fd, fl, err;
};

static void *
read_ahead(void *arg)
{
	struct ahead *a = arg;
	int r = 0;

	for (uint64_t off = 0; !r && off < a->n;) {
		size_t k = a->span - off < 4 * CHUNK ? (size_t)(a->span - off) : 4 * CHUNK;
		ssize_t got = io_pread_direct(a->fd, a->p + off, k, off, &a->fl);
		if (got <= 0)
			r = got ? (int)got : -EIO;	/* 0: the device ended before its size */
		else	/* the last read may go past the payload (rounded up) */
			off += a->n - off < (uint64_t)got ? a->n - off : (uint64_t)got;
		pthread_mutex_lock(&a->lock);
		a->done = off;
		a->err = r;
		pthread_cond_signal(&a->moved);
		pthread_mutex_unlock(&a->lock);
	}
	return NULL;
}

/* copy_device: a block device's payload read straight into the memfd's
 * pages, with O_DIRECT where the device takes it (no page-cache copy, no
 * copy from a buffer), hashed there a step behind the reads: the memfd,
 * -errno, or 1 when FD is no block device (then copy it through the
 * buffer) */
static int
copy_device(struct sig_image *si, struct phash *h)
{
	struct stat st;
	uint64_t n = si->m.payload_size, span = (n + 4095) & ~(uint64_t)4095;

	if (!n || span > SIZE_MAX || fstat(si->fd, &st) < 0 || !S_ISBLK(st.st_mode))
		return 1;
	struct ahead a = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, MAP_FAILED, n, span, 0,
			   si->fd, io_direct(si->fd), 0 };
	int m = io_memfd("popinit-payload"), r = m < 0 ? m : 0;
	if (!r && ftruncate(m, (off_t)span) < 0)
		r = -errno;
	if (!r && (a.p = mmap(NULL, (size_t)span, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0)) == MAP_FAILED)
		r = -errno;
	if (!r) {
		pthread_t t;
		bool apart = !pthread_create(&t, NULL, read_ahead, &a);
		if (!apart)
			(void)read_ahead(&a);	/* no thread: all read, then hashed */
		for (uint64_t off = 0;;) {
			pthread_mutex_lock(&a.lock);
			while (a.done == off && off < n && !a.err)
				pthread_cond_wait(&a.moved, &a.lock);
			uint64_t done = a.done;
			bool end = done >= n || a.err;
			pthread_mutex_unlock(&a.lock);
			phash_update(h, a.p + off, (size_t)(done - off));
			off = done;
			if (end)
				break;
		}
		if (apart)
			(void)pthread_join(t, NULL);
		r = a.err;
	}
	if (a.p != MAP_FAILED)
		(void)munmap(a.p, (size_t)span);
	si->direct = a.fl >= 0;
	io_undirect(si->fd, a.fl);
	if (!r && ftruncate(m, (off_t)n) < 0)
		r = -errno;
	if (!r)
		r = io_seal(m);
	if (r) {
		if (m >= 0)
			(void)io_close(m);
		return r;
	}
	return m;
}

/* copy: the payload into a sealed memfd, hashing it on the way; a pipe's
 * spool, ours already, sealed as it is and hashed in place; without SEAL
 * only hashed where it is (verify alone: no RAM for a copy; boot, a file
 * of rootfs, which nothing else runs to change).  Read by pread into one
 * buffer where the CPU's SHA-256 instructions hash it: there a mapping's
 * page walks cost more than the copy (a fifth of the hash's time for a
 * 74 MB image on a virtualised CPU: popinit verify 106 to 85 ms); where
 * BearSSL's code does, the copy is the dearer (under QEMU's TCG, 16 MB:
 * 216 to 238 ms by pread, 195 to 210 mapped) */
static int
copy(struct sig_image *si, bool seal, struct phash *h)
{
	bool write = seal && si->spool < 0;
	int m = 0;

	if (seal && !write) {
		/* the spool holds the trailer too: cut to the payload */
		m = ftruncate(si->spool, (off_t)si->m.payload_size) < 0 ? -errno : io_seal(si->spool);
		if (m < 0)
			return m;
		m = si->spool;
		si->spool = -1;		/* the caller's now (si->fd reads it) */
	} else if (write) {
		m = copy_device(si, h);
		if (m != 1)
			return m;
		m = io_memfd("popinit-payload");
		if (m < 0)
			return m;
	}
	/* hashed by BearSSL's code: through a mapping, no copy */
	uint8_t *map = !seal && (h->big || !h->h.ni) && si->m.payload_size <= SIZE_MAX ?
		mmap(NULL, (size_t)si->m.payload_size, PROT_READ, MAP_SHARED, si->fd, 0) : MAP_FAILED;
	for (uint64_t off = 0; off < si->m.payload_size;) {
		uint64_t left = si->m.payload_size - off;
		size_t n = left < CHUNK ? (size_t)left : CHUNK;
		uint8_t *q = map == MAP_FAILED ? chunk : map + off;
		int r = map == MAP_FAILED ? io_pread_full(si->fd, chunk, n, off) : 0;
		if (r == 0 && write)
			r = io_write_full(m, chunk, n);
		if (r < 0) {
			if (seal)
				(void)io_close(m);
			return r;
		}
		phash_update(h, q, n);
		off += n;
	}
	if (map != MAP_FAILED)
		(void)munmap(map, (size_t)si->m.payload_size);
	int r = write ? io_seal(m) : 0;
	if (r < 0) {
		(void)io_close(m);
		return r;
	}
	return m;
}

int
sig_image_open(const struct sig_trust *t, int fd, const char *name, bool seal, struct sig_image *si,
	       struct error *why)
{
	struct phash h;
	int r = sig_image_read(fd, si, why);

	if (r < 0)
		return r;
	uint64_t t0 = clock_ns();
	r = sig_verify(t, &si->tr, &si->used, why);
	si->ns_sig = clock_ns() - t0;
	if (r < 0)
		return -EBADMSG;
	if (sig_parse_manifest(si->tr.manifest, si->tr.manifest_len, &si->m, why) < 0) {
		why->offset += si->tr.header_off + SIG_HDR_LEN;
		return -EBADMSG;
	}
	if (check_frame(si, why) < 0 || sig_check_manifest(t, &si->m, name, why) < 0)
		return -EBADMSG;
	t0 = clock_ns();
	phash_init(&h, &si->m);
	si->sha384 = h.big;
	int m = copy(si, seal, &h);
	si->ns_hash = clock_ns() - t0;
	if (m < 0)
		return m;
	if (!phash_match(&h, &si->m)) {
		if (seal)
			(void)io_close(m);
		(void)sig_fail(why, 0, "payload hash mismatch (%s, %llu bytes)", si->sha384 ? "sha384" : "sha256",
		    (unsigned long long)si->m.payload_size);
		return -EBADMSG;
	}
	return m;
}
