/* unpack.c: images in, one writer thread out.  See unpack.h.
 *
 * An image that is a regular file (a file of rootfs, a memfd) is mapped,
 * not read: the decoders read it in place (lz4 a whole block, ahead of
 * the pushes) and a plain archive's data goes from the file to each file
 * by sendfile(2) (the sink's source, named by pipe_stable), so no byte is
 * copied in user memory.  It
 * is pushed UNPACK_STEP at a time; after each step what the image will
 * not read again is given back: dropped from the mapping (the resident
 * size stays bounded), and with UNPACK_RELEASE punched out of the file
 * (its RAM freed as it is consumed, as the kernel frees its initrd only
 * at the end).  In the two-thread mode both happen in the writer, after
 * it has written what was queued before, since data is queued by
 * reference to the mapping.
 *
 * A block device's image is read into anonymous memory laid out as its
 * mapping would be, each step just before it is pushed, with O_DIRECT when
 * the device takes it: the device writes the bytes where the decoders read
 * them and the writer writes from (no copy through the page cache, none
 * into the queue; under emulation the device's copy is the host's, not an
 * emulated one), and each step's pages, once unpacked, go under a later
 * step (give_steps, take_step below).
 * Unlike a mapping of the device itself, a bad block is a read error
 * (EIO), never a SIGBUS that would kill PID 1.  Other files (pipes) are
 * read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/io.h"
#include "pipe.h"
#include "unpack.h"

#define UNPACK_READ (256u << 10)
#define UNPACK_STEP (4u << 20)		/* a mapped image's pushes */
#define UNPACK_PAGE 4096u		/* what is given back is rounded to it */

struct unpacker {
	struct pipe *pipe;
	int flags;
	/* the image being unpacked */
	int fd;
	const uint8_t *map;		/* mapped, or NULL: read */
	uint64_t size;
	uint64_t limit;			/* the image is the first LIMIT bytes (0: all) */
	uint64_t asked;			/* given back up to here: the reader's count */
	uint64_t given;			/* the same, done (the writer's, in two threads) */
	bool punch;			/* UNPACK_RELEASE, and the file takes it */
	bool fill;			/* map is memory, read from fd as pushed */
	uint64_t filled;		/* that far */
	uint64_t base;			/* fd's offset of the image's byte 0 */
	size_t span;			/* the memory's length */
	int fd_flags;			/* fd's, before O_DIRECT (-1: not direct) */
	/* a filled image's consumed steps, their pages kept for the next
	 * reads (a ring: the giver fills slots, fill() empties them) */
	uint8_t *spare;			/* SPARES steps of address space, or NULL */
	uint64_t moved;			/* steps below this given back */
	unsigned spare_in, spare_out;	/* slots filled, emptied */
	struct unpack_result *res;
	struct image im;
};

struct unpacker *
unpacker_new(const char *root, int flags, struct error *e)
{
	struct unpacker *u = calloc(1, sizeof *u);

	if (!u) {
		error_set(e, "allocate the writer", NULL, -ENOMEM, NULL, 0);
		return NULL;
	}
	u->flags = flags;
	/* one CPU: a second thread would only add its wake-ups */
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	bool direct = flags & UNPACK_THREADS1 || (!(flags & UNPACK_THREADS2) && cpus == 1);
	u->pipe = pipe_start(root, (flags & UNPACK_TIMING ? PIPE_TIMING : 0) | (direct ? PIPE_DIRECT : 0), e);
	if (!u->pipe) {
		free(u);
		return NULL;
	}
	return u;
}

/* mem_sample: the RAM in use now, its peak in RES (timing only) */
static void
mem_sample(struct unpack_result *res)
{
	struct sysinfo si;

	if (!res || sysinfo(&si) < 0)
		return;
	uint64_t used = (uint64_t)(si.totalram - si.freeram) * si.mem_unit;
	if (!res->mem_start)
		res->mem_start = used;
	if (used > res->mem_peak)
		res->mem_peak = used;
}

/* read_image: FD to its end, or LIMIT bytes of it (0: no limit) */
static int
read_image(struct image *im, int fd, uint64_t limit, uint64_t *bytes, struct unpack_result *res)
{
	static uint8_t buf[UNPACK_READ];
	int r = 0;

	*bytes = 0;
	for (;;) {
		size_t want = limit && limit - *bytes < sizeof buf ? (size_t)(limit - *bytes) : sizeof buf;
		enum tm_phase was = tm_enter(im->tm, TM_READ);
		ssize_t n = want ? io_read_full(fd, buf, want) : 0;
		tm_leave(im->tm, was);
		if (res) {
			res->reads++;
			if (!(res->reads & 15))
				mem_sample(res);
		}
		if (n < 0) {
			r = (int)n;
			break;
		}
		*bytes += (uint64_t)n;
		if (n == 0 || image_push(im, buf, (size_t)n) < 0)
			break;
	}
	(void)image_finish(im);
	return r;
}

int
unpack_read_image(struct image *im, int fd, uint64_t *bytes)
{
	return read_image(im, fd, 0, bytes, NULL);
}

/* The pages of a filled image's consumed step are moved, not dropped, to
 * be moved again to the step about to be read: no page is faulted in,
 * zeroed and freed a step (the kernel's cost of fresh memory, which under
 * emulation is most of what a direct read costs).  MREMAP_DONTUNMAP
 * leaves the source mapped (empty), so that no hole opens in either range
 * for another thread's mapping to land in; without it (before 5.7), or
 * with the ring full, the step is dropped as a mapped image's is. */
#define SPARES 2u

static bool
move_step(uint8_t *from, uint8_t *to)
{
	return mremap(from, UNPACK_STEP, UNPACK_STEP, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
		      to) != MAP_FAILED;
}

/* the consumed steps below UPTO to the spares (the giver's thread) */
static void
give_steps(struct unpacker *u, uint64_t upto)
{
	for (; (u->moved + 1) * UNPACK_STEP <= upto && (u->moved + 1) * UNPACK_STEP <= u->span; u->moved++) {
		uint8_t *step = (uint8_t *)u->map + u->moved * UNPACK_STEP;
		unsigned in = u->spare_in, out = __atomic_load_n(&u->spare_out, __ATOMIC_ACQUIRE);
		if (u->spare && in - out < SPARES && move_step(step, u->spare + (in % SPARES) * UNPACK_STEP))
			__atomic_store_n(&u->spare_in, in + 1, __ATOMIC_RELEASE);
		else
			(void)madvise(step, UNPACK_STEP, MADV_DONTNEED);
	}
}

/* a spare's pages to the step at OFF, about to be read (fill's thread) */
static void
take_step(struct unpacker *u, uint64_t off)
{
	unsigned out = u->spare_out, in = __atomic_load_n(&u->spare_in, __ATOMIC_ACQUIRE);

	if (!u->spare || out == in || off % UNPACK_STEP || off + UNPACK_STEP > u->span)
		return;
	if (move_step(u->spare + (out % SPARES) * UNPACK_STEP, (uint8_t *)u->map + off))
		__atomic_store_n(&u->spare_out, out + 1, __ATOMIC_RELEASE);
}

/* give_back: the bytes of the mapped image before UPTO will not be read
 * again: out of the mapping, and out of the file when it may be punched
 * (in the writer's thread in two-thread mode, after what came before) */
static void
give_back(void *ctx, uint64_t upto)
{
	struct unpacker *u = ctx;
	uint64_t from = u->given;

	upto &= ~(uint64_t)(UNPACK_PAGE - 1);
	if (upto <= from)
		return;
	/* the reader's clock in one thread, the writer's in two */
	struct timing *tm = pipe_direct(u->pipe) ? &u->res->reader : NULL;
	enum tm_phase was = tm_enter(tm, TM_GIVE);
	if (u->fill) {
		give_steps(u, upto);
		u->given = upto;
		tm_leave(tm, was);
		return;
	}
	if (u->punch && fallocate(u->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)from,
				  (off_t)(upto - from)) < 0)
		u->punch = false;	/* ramfs, a sealed memfd: kept to the end */
	/* a punched range is out of the mapping already */
	if (!u->punch)
		(void)madvise((void *)(u->map + from), upto - from, MADV_DONTNEED);
	u->given = upto;
	tm_leave(tm, was);
}

/* fill: the block device's image read into the memory up to UPTO (rounded
 * up to a page, within the memory); 0, or the -errno of the read */
static int
fill(struct unpacker *u, uint64_t upto)
{
	uint64_t end = (upto + UNPACK_PAGE - 1) & ~(uint64_t)(UNPACK_PAGE - 1);

	if (end > u->span)
		end = u->span;
	if (u->filled < upto)
		take_step(u, u->filled);
	while (u->filled < upto) {
		ssize_t n = io_pread_direct(u->fd, (uint8_t *)u->map + u->filled, (size_t)(end - u->filled),
					    u->base + u->filled, &u->fd_flags);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EIO;	/* the device ended before its size */
		u->filled += (uint64_t)n;
		if (u->res)
			u->res->reads++;
	}
	return 0;
}

static void
push_mapped(struct unpacker *u)
{
	struct image *im = &u->im;
	struct unpack_result *res = u->res;

	im->mapped = true;
	/* the decoders may read ahead what is there: the whole mapping, or
	 * what is read of the device (never past the image: a signed
	 * image's payload ends there) */
	im->map = u->map;
	im->map_end = u->fill ? u->map : u->map + u->size;
	pipe_stable(u->pipe, u->map, u->map + u->size, u->fill ? -1 : u->fd);
	for (uint64_t off = 0; off < u->size && !im->err.msg;) {
		size_t n = u->size - off < UNPACK_STEP ? (size_t)(u->size - off) : UNPACK_STEP;
		if (u->fill) {
			enum tm_phase was = tm_enter(im->tm, TM_READ);
			int e = fill(u, off + n);
			tm_leave(im->tm, was);
			if (e < 0) {
				res->read_err = e;
				res->bytes_in = u->filled;	/* where the failing read began */
				break;
			}
			im->map_end = u->map + (u->filled < u->size ? u->filled : u->size);
		}
		(void)image_push(im, u->map + off, n);
		off += n;
		res->bytes_in = off;
		if (res->reader.on)
			mem_sample(res);
		uint64_t kept = image_kept(im);
		if (kept >= u->asked + UNPACK_STEP) {
			u->asked = kept;
			pipe_release(u->pipe, give_back, u, kept);
		}
	}
	(void)image_finish(im);
	pipe_stable(u->pipe, NULL, NULL, -1);
}

/* run: one image, read or mapped, to its end (in the writer's thread in
 * direct mode) */
static void
run(void *ctx, uint64_t unused)
{
	struct unpacker *u = ctx;
	struct image *im = &u->im;
	struct unpack_result *res = u->res;
	(void)unused;

	image_init(im, pipe_sink(u->pipe, &im->err, &res->reader));
	im->tm = &res->reader;
	if ((im->lend = pipe_lend(u->pipe)))
		im->lent_done = pipe_lent_done;
	if (u->map)
		push_mapped(u);
	else
		res->read_err = read_image(im, u->fd, u->limit, &res->bytes_in, res->reader.on ? res : NULL);
}

/* fill_start: a block device's image of N bytes (0: none) into memory */
static void
fill_start(struct unpacker *u, int fd)
{
	off_t base = lseek(fd, 0, SEEK_CUR);
	uint64_t end;

	if (base < 0 || io_size(fd, &end) < 0 || end <= (uint64_t)base)
		return;
	uint64_t n = end - (uint64_t)base;
	if (u->limit && u->limit < n)
		n = u->limit;
	uint64_t span = (n + UNPACK_PAGE - 1) & ~(uint64_t)(UNPACK_PAGE - 1);
	void *m = span <= SIZE_MAX ? mmap(NULL, (size_t)span, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) : MAP_FAILED;
	if (m == MAP_FAILED)
		return;	/* (a 32-bit address space): read */
	u->map = m;
	u->size = n;
	u->span = (size_t)span;
	u->base = (uint64_t)base;
	u->filled = 0;
	u->fill = true;
	u->punch = false;	/* never a device's blocks */
	u->moved = 0;
	u->spare_in = u->spare_out = 0;
	u->spare = mmap(NULL, SPARES * UNPACK_STEP, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (u->spare == MAP_FAILED)
		u->spare = NULL;	/* every step dropped when consumed */
	u->fd_flags = io_direct(fd);
}

/* map: FD's pages, when it is a regular file (a file of rootfs, a memfd);
 * memory filled from FD, when it is a block device */
static void
map(struct unpacker *u, int fd)
{
	struct stat st;

	u->map = NULL;
	u->fill = false;
	u->fd = fd;
	u->asked = u->given = 0;
	u->punch = u->flags & UNPACK_RELEASE;
	enum tm_phase was = tm_enter(&u->res->reader, TM_READ);
	if (fstat(fd, &st) < 0) {
		;	/* read */
	} else if (S_ISBLK(st.st_mode)) {
		fill_start(u, fd);
	} else if (S_ISREG(st.st_mode) && st.st_size > 0) {
		uint64_t n = u->limit && u->limit < (uint64_t)st.st_size ? u->limit : (uint64_t)st.st_size;
		void *m = n <= SIZE_MAX ? mmap(NULL, (size_t)n, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
		if (m != MAP_FAILED) {
			u->map = m;
			u->size = n;
		}
	}
	tm_leave(&u->res->reader, was);
}

int
unpacker_run(struct unpacker *u, int fd, struct unpack_result *res)
{
	return unpacker_run_part(u, fd, 0, res);
}

int
unpacker_run_part(struct unpacker *u, int fd, uint64_t size, struct unpack_result *res)
{
	struct image *im = &u->im;
	bool timing = u->flags & UNPACK_TIMING;
	struct sink_stats before = *pipe_stats(u->pipe);
	uint32_t rw0, ww0;

	memset(res, 0, sizeof *res);
	pipe_timing(u->pipe, &res->writer, &rw0, &ww0);
	tm_start(&res->reader, timing);
	uint64_t t0 = timing ? clock_ns() : 0;
	if (timing)
		mem_sample(res);
	u->res = res;
	u->limit = size;
	map(u, fd);
	/* a writer error comes before any error of the reader; it names
	 * the file, which is where it happened */
	if (pipe_direct(u->pipe)) {
		(void)pipe_call(u->pipe, run, u, &im->err, &im->late);
	} else {
		run(u, 0);
		(void)pipe_image_end(u->pipe, &im->err, &im->late);
	}
	if (u->map)
		(void)munmap((void *)u->map, u->fill ? u->span : u->size);
	if (u->fill)
		io_undirect(fd, u->fd_flags);
	if (u->fill && u->spare)
		(void)munmap(u->spare, SPARES * UNPACK_STEP);
	res->err = im->err;
	res->late = im->late;
	if (timing) {
		tm_stop(&res->reader);
		mem_sample(res);
		res->ns = clock_ns() - t0;
		pipe_timing(u->pipe, &res->writer, &res->rwaits, &res->wwaits);
		res->rwaits -= rw0;
		res->wwaits -= ww0;
		res->stats = *pipe_stats(u->pipe);
		for (int i = 0; i < SC_CALLS; i++)
			res->stats.calls[i] -= before.calls[i];
		res->stats.files -= before.files;
		res->stats.dirs -= before.dirs;
		res->stats.symlinks -= before.symlinks;
		res->stats.nodes -= before.nodes;
		res->stats.links -= before.links;
		res->stats.bytes -= before.bytes;
		res->mapped = u->map != NULL && !u->fill;
		res->filled = u->fill;
		res->direct = u->fill && u->fd_flags >= 0;
		res->released = u->punch ? u->given : 0;
	}
	return res->err.msg || res->late.msg || res->read_err ? -1 : 0;
}

const struct sink_stats *
unpacker_stats(struct unpacker *u)
{
	return pipe_stats(u->pipe);
}

void
unpacker_free(struct unpacker *u)
{
	if (!u)
		return;
	pipe_stop(u->pipe);
	free(u);
}
