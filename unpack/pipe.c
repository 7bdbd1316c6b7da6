/* pipe.c: a single-producer, single-consumer record queue to the writer;
 * or, in direct mode, the writer's thread running the reader too; or, in
 * direct mode where the target is the caller's own root, no thread. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pipe.h"

#define PIPE_RING (4u << 20)		/* bytes queued at most */
#define PIPE_BUFS 16			/* decoders' output buffers lent, DEC_CHUNK each */
#define PIPE_BLOCKS 2			/* blocks lent, DEC_BLOCK each: one decoded
					 * while the other is written */
#define PIPE_DATA_MAX (256u << 10)	/* payload of one DATA record at most */
/* the writer, once idle, is woken when this much is queued (or at a record
 * that must not wait): one wake-up per 128 KiB record cost two context
 * switches each, across CPUs */
#define PIPE_WAKE (1u << 20)

/* the types from REC_TRAILER on wake the writer at once */
enum rec_type {
	REC_PAD, REC_ENTRY, REC_DATA, REC_REF, REC_END, REC_RELEASE, REC_BUFDONE, REC_TRAILER, REC_IMAGE_END,
	REC_CALL, REC_QUIT
};

struct rec {
	uint32_t type, len;	/* len: payload bytes that follow */
	uint32_t arg;		/* END: the data sum */
	uint32_t pad;
};

/* REC_ENTRY payload: the entry, then name and target, NUL-terminated */
struct rec_entry {
	struct cpio_entry e;
	uint32_t name_len, target_len;	/* with their NULs; target 0: none */
};

/* REC_REF payload: data that stays where it is (pipe_stable, or a lent
 * buffer); REC_BUFDONE: a lent buffer back once what is before it is
 * written; REC_RELEASE: a call once what is before it is written;
 * REC_CALL: the reader's work */
struct rec_ref {
	const uint8_t *at;
	size_t len;
};
struct rec_call {
	void (*fn)(void *ctx, uint64_t arg);
	void *ctx;
	uint64_t arg;
};

struct pipe {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t can_put, can_get, idle, can_lend;
	size_t head, tail, used;	/* ring positions and fill */
	bool failed;			/* the writer recorded an error (locked) */
	bool waiting;			/* the writer sleeps on can_get (locked) */
	bool skipping;			/* writer only: skip to IMAGE_END */
	bool image_done;
	bool direct;			/* the reader runs in the writer's thread */
	bool here;			/* direct, and that thread is the caller's */
	size_t work;			/* data queued since the writer slept (locked) */
	const uint8_t *stable_lo, *stable_hi;	/* data queued by reference */
	uint8_t *pool;			/* PIPE_BUFS buffers lent to the decoders */
	uint32_t pool_free;		/* a bit each, set when free (locked) */
	uint8_t *blocks;		/* PIPE_BLOCKS blocks, made at the first use */
	uint32_t blocks_free;		/* as pool_free */
	struct dec_lend lend;
	int start_err;
	const char *start_what;
	const char *root;
	struct sink_fs *fs;
	struct error werr;		/* the writer's error */
	struct error wlate;		/* what it could not do as the kernel does */
	struct error *rerr;		/* the reader's */
	struct cpio_sink sink;
	struct sink_stats stats;
	struct timing *rtm;		/* the reader's time */
	struct timing wtm;		/* the writer's, for the image being written */
	struct timing wtm_out;		/* the writer's, for the last image ended */
	uint32_t rwaits, wwaits;	/* how often each side waited for the other */
	struct rec_call rel;		/* a release not made yet (locked) */
	bool giving, rwait;		/* one is being made; the reader waits */
	uint8_t *ring;
	uint8_t scratch[sizeof(struct rec_entry) + 2 * CPIO_PATH_MAX + 2];
};

static size_t
rec_size(size_t payload)
{
	return (sizeof(struct rec) + payload + 7) & ~(size_t)7;
}

/* put: queue one record made of HDR and the parts A, B, C; false if the
 * writer failed, unless the record is one that must get through */
static bool
put(struct pipe *p, struct rec *hdr, const void *a, size_t alen, const void *b, size_t blen,
    const void *c, size_t clen)
{
	size_t need = rec_size(hdr->len);
	bool force = hdr->type == REC_IMAGE_END || hdr->type == REC_QUIT || hdr->type == REC_BUFDONE;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		if (p->failed && !force)
			break;
		size_t to_end = PIPE_RING - p->tail;
		size_t want = need <= to_end ? need : to_end + need;
		if (PIPE_RING - p->used >= want)
			break;
		enum tm_phase was = tm_enter(p->rtm, TM_QUEUE);
		p->rwaits++;
		pthread_cond_wait(&p->can_put, &p->lock);
		tm_leave(p->rtm, was);
	}
	if (p->failed && !force) {
		pthread_mutex_unlock(&p->lock);
		return false;
	}
	if (PIPE_RING - p->tail < need) {
		/* a pad record (or bare slack) to the end, then wrap */
		if (PIPE_RING - p->tail >= sizeof(struct rec)) {
			struct rec pad = { REC_PAD, 0, 0, 0 };
			memcpy(p->ring + p->tail, &pad, sizeof pad);
		}
		p->used += PIPE_RING - p->tail;
		p->tail = 0;
	}
	size_t at = p->tail;
	pthread_mutex_unlock(&p->lock);

	/* only the writer reads [head, head+used): the space is ours */
	uint8_t *dst = p->ring + at;
	memcpy(dst, hdr, sizeof *hdr);
	dst += sizeof *hdr;
	if (alen)
		memcpy(dst, a, alen);
	if (blen)
		memcpy(dst + alen, b, blen);
	if (clen)
		memcpy(dst + alen + blen, c, clen);

	pthread_mutex_lock(&p->lock);
	p->tail = (at + need) % PIPE_RING;
	p->used += need;
	p->work += hdr->type == REC_REF ? ((const struct rec_ref *)a)->len : need;
	/* a writer that sleeps has emptied the ring; it is woken once a
	 * batch of work is queued, or for the records that end an image (a
	 * reader that waits for space has queued more than a batch) */
	if (p->waiting && (p->work >= PIPE_WAKE || hdr->type >= REC_TRAILER))
		pthread_cond_signal(&p->can_get);
	pthread_mutex_unlock(&p->lock);
	return true;
}

static int
refused(struct pipe *p)
{
	pthread_mutex_lock(&p->lock);
	if (p->werr.msg)
		*p->rerr = p->werr;
	pthread_mutex_unlock(&p->lock);
	return -1;
}

static int
q_entry(void *ctx, const struct cpio_entry *e)
{
	struct pipe *p = ctx;
	struct rec_entry re = { *e, (uint32_t)strlen(e->name) + 1, e->target ? (uint32_t)strlen(e->target) + 1 : 0 };
	struct rec h = { REC_ENTRY, (uint32_t)(sizeof re + re.name_len + re.target_len), 0, 0 };

	re.e.name = re.e.target = NULL;
	return put(p, &h, &re, sizeof re, e->name, re.name_len, e->target, re.target_len) ? 0 : refused(p);
}

static bool
in_pool(const struct pipe *p, const uint8_t *buf)
{
	return p->pool && buf >= p->pool && buf < p->pool + PIPE_BUFS * DEC_CHUNK;
}

static bool
in_blocks(const struct pipe *p, const uint8_t *buf)
{
	return p->blocks && buf >= p->blocks && buf < p->blocks + PIPE_BLOCKS * (size_t)DEC_BLOCK;
}

static int
q_data(void *ctx, const void *buf, size_t len)
{
	struct pipe *p = ctx;

	if (((const uint8_t *)buf >= p->stable_lo && (const uint8_t *)buf + len <= p->stable_hi) || in_pool(p, buf) ||
	    in_blocks(p, buf)) {
		struct rec_ref ref = { buf, len };
		struct rec h = { REC_REF, sizeof ref, 0, 0 };
		return put(p, &h, &ref, sizeof ref, NULL, 0, NULL, 0) ? 0 : refused(p);
	}
	while (len) {
		size_t n = len < PIPE_DATA_MAX ? len : PIPE_DATA_MAX;
		struct rec h = { REC_DATA, (uint32_t)n, 0, 0 };
		if (!put(p, &h, buf, n, NULL, 0, NULL, 0))
			return refused(p);
		buf = (const uint8_t *)buf + n;
		len -= n;
	}
	return 0;
}

static int
q_end(void *ctx, uint32_t sum)
{
	struct pipe *p = ctx;
	struct rec h = { REC_END, 0, sum, 0 };

	return put(p, &h, NULL, 0, NULL, 0, NULL, 0) ? 0 : refused(p);
}

static int
q_trailer(void *ctx)
{
	struct pipe *p = ctx;
	struct rec h = { REC_TRAILER, 0, 0, 0 };

	return put(p, &h, NULL, 0, NULL, 0, NULL, 0) ? 0 : refused(p);
}

/* the buffers lent to the decoders: taken by the reader (waiting, if all
 * are out, for the writer to finish with one), given back by the writer
 * (REC_BUFDONE, after the data in them), or by the reader for one not
 * emitted.  take: a free one of FREE (the lock held) */
static int
take(struct pipe *p, uint32_t *free)
{
	if (!*free) {
		/* a writer asleep on a small batch has our buffers queued */
		if (p->waiting)
			pthread_cond_signal(&p->can_get);
		enum tm_phase was = tm_enter(p->rtm, TM_QUEUE);
		while (!*free) {
			p->rwaits++;
			pthread_cond_wait(&p->can_lend, &p->lock);
		}
		tm_leave(p->rtm, was);
	}
	int i = __builtin_ctz(*free);
	*free &= ~(1u << i);
	return i;
}

static uint8_t *
lend_get(void *ctx)
{
	struct pipe *p = ctx;

	pthread_mutex_lock(&p->lock);
	int i = take(p, &p->pool_free);
	pthread_mutex_unlock(&p->lock);
	return p->pool + (size_t)i * DEC_CHUNK;
}

/* pool_back: BUF free again (the lock held); a reader waiting for one is
 * woken when half are free, not for each (all but one are queued when it
 * waits: half come back); a block at once */
static void
pool_back(struct pipe *p, const uint8_t *buf)
{
	if (in_blocks(p, buf)) {
		p->blocks_free |= 1u << (unsigned)((size_t)(buf - p->blocks) / DEC_BLOCK);
		pthread_cond_signal(&p->can_lend);
		return;
	}
	p->pool_free |= 1u << (unsigned)((size_t)(buf - p->pool) / DEC_CHUNK);
	if (__builtin_popcount(p->pool_free) == PIPE_BUFS / 2)
		pthread_cond_signal(&p->can_lend);
}

/* a block: NULL if none can be made (the decoder fails, out of memory) */
static uint8_t *
block_get(void *ctx)
{
	struct pipe *p = ctx;
	uint8_t *b = NULL;

	/* made under the lock: the writer reads p->blocks (pool_back) */
	pthread_mutex_lock(&p->lock);
	if (!p->blocks && (p->blocks = malloc(PIPE_BLOCKS * (size_t)DEC_BLOCK)))
		p->blocks_free = (1u << PIPE_BLOCKS) - 1;
	if (p->blocks)
		b = p->blocks + (size_t)take(p, &p->blocks_free) * DEC_BLOCK;
	pthread_mutex_unlock(&p->lock);
	return b;
}

/* a block or a buffer back once what was queued from it is written:
 * forced through (put) */
static void
queue_back(void *ctx, const uint8_t *buf)
{
	struct rec_ref ref = { buf, 0 };
	struct rec h = { REC_BUFDONE, sizeof ref, 0, 0 };

	(void)put(ctx, &h, &ref, sizeof ref, NULL, 0, NULL, 0);
}

static void
lend_put(void *ctx, uint8_t *buf)
{
	struct pipe *p = ctx;

	pthread_mutex_lock(&p->lock);
	pool_back(p, buf);
	pthread_mutex_unlock(&p->lock);
}

const struct dec_lend *
pipe_lend(struct pipe *p)
{
	return p->pool ? &p->lend : NULL;
}

void
pipe_lent_done(void *ctx, const uint8_t *buf)
{
	if (in_pool(ctx, buf))
		queue_back(ctx, buf);
}

/* the direct sink: the filesystem sink called in place, in the writer's
 * thread (inside pipe_call), its error copied as refused() does */
static int
direct_said(struct pipe *p, int r)
{
	if (r < 0 && p->werr.msg)
		*p->rerr = p->werr;
	return r < 0 ? -1 : 0;
}

static int
d_entry(void *ctx, const struct cpio_entry *e)
{
	struct pipe *p = ctx;

	return direct_said(p, sink_fs_entry(p->fs, e));
}

static int
d_data(void *ctx, const void *buf, size_t len)
{
	struct pipe *p = ctx;

	return direct_said(p, sink_fs_data(p->fs, buf, len));
}

static int
d_end(void *ctx, uint32_t sum)
{
	struct pipe *p = ctx;

	return direct_said(p, sink_fs_end(p->fs, sum));
}

static int
d_trailer(void *ctx)
{
	struct pipe *p = ctx;

	return direct_said(p, sink_fs_trailer(p->fs));
}

/* gives: the release not made yet made, unless one is being made (by
 * the other thread: it makes this one next; each covers those before it):
 * one at a time, by either thread; the lock held, dropped meanwhile.  Not
 * timed apart, as the writer's were not: in two threads a reader's giving
 * is in its queue phase (the firmware build's budget) */
static void
gives(struct pipe *p)
{
	while (p->rel.fn && !p->giving) {
		struct rec_call c = p->rel;
		p->rel.fn = NULL;
		p->giving = true;
		pthread_mutex_unlock(&p->lock);
		c.fn(c.ctx, c.arg);
		pthread_mutex_lock(&p->lock);
		p->giving = false;
	}
}

/* apply: one record, in the writer; false when it says quit */
static bool
apply(struct pipe *p, const struct rec *h, const uint8_t *payload)
{
	int r = 0;

	/* after an error nothing more is applied; lent buffers come back */
	if (p->skipping && h->type != REC_IMAGE_END && h->type != REC_QUIT && h->type != REC_BUFDONE)
		return true;
	switch (h->type) {
	case REC_PAD:
		break;
	case REC_ENTRY: {
		struct rec_entry re;
		memcpy(&re, payload, sizeof re);
		/* copy the strings out: the ring space is released afterwards */
		memcpy(p->scratch, payload + sizeof re, re.name_len + re.target_len);
		re.e.name = (const char *)p->scratch;
		re.e.target = re.target_len ? (const char *)p->scratch + re.name_len : NULL;
		r = sink_fs_entry(p->fs, &re.e);
		break;
	}
	case REC_DATA:
		r = sink_fs_data(p->fs, payload, h->len);
		break;
	case REC_REF: {
		struct rec_ref ref;
		memcpy(&ref, payload, sizeof ref);
		r = sink_fs_data(p->fs, ref.at, ref.len);
		break;
	}
	case REC_BUFDONE: {
		struct rec_ref ref;
		memcpy(&ref, payload, sizeof ref);
		pthread_mutex_lock(&p->lock);
		pool_back(p, ref.at);
		pthread_mutex_unlock(&p->lock);
		break;
	}
	case REC_RELEASE: {
		/* giving back (at boot, punching the rootfs file: an eighth
		 * of the writer's time for a plain archive) is left to a reader
		 * that waits for the image's end (wait_image), as a plain
		 * archive's does most of the time; but one left to it that it
		 * has not taken by the next (a busy machine) the writer makes,
		 * with the next: at most a step more of the image is held than
		 * if the writer made them all (a tmpfs as full as the image
		 * allows: cli/unpack/consume-gives-image-back-j2) */
		pthread_mutex_lock(&p->lock);
		bool left = p->rel.fn;
		memcpy(&p->rel, payload, sizeof p->rel);
		if (p->rwait && !left)
			pthread_cond_broadcast(&p->idle);
		else
			gives(p);
		pthread_mutex_unlock(&p->lock);
		break;
	}
	case REC_CALL: {
		struct rec_call c;
		memcpy(&c, payload, sizeof c);
		c.fn(c.ctx, c.arg);
		if (h->type == REC_CALL)
			sink_fs_image_end(p->fs);	/* an image's whole unpack */
		break;
	}
	case REC_END:
		r = sink_fs_end(p->fs, h->arg);
		break;
	case REC_TRAILER:
		r = sink_fs_trailer(p->fs);
		break;
	case REC_IMAGE_END:
		sink_fs_image_end(p->fs);
		p->skipping = false;
		break;
	case REC_QUIT:
		return false;
	}
	if (r < 0) {
		p->skipping = true;
		pthread_mutex_lock(&p->lock);
		p->failed = true;
		pthread_cond_broadcast(&p->can_put);
		pthread_mutex_unlock(&p->lock);
	}
	return true;
}

static void *
writer(void *arg)
{
	struct pipe *p = arg;
	int r = sink_fs_enter(p->fs, p->root);

	pthread_mutex_lock(&p->lock);
	p->start_err = r;
	p->image_done = true;	/* start-up handshake */
	pthread_cond_broadcast(&p->idle);
	pthread_mutex_unlock(&p->lock);
	if (r < 0)
		return NULL;

	for (bool go = true; go;) {
		pthread_mutex_lock(&p->lock);
		while (!p->used) {
			enum tm_phase was = tm_enter(&p->wtm, TM_IDLE);
			p->waiting = true;
			p->wwaits++;
			pthread_cond_wait(&p->can_get, &p->lock);
			p->waiting = false;
			tm_leave(&p->wtm, was);
		}
		p->work = 0;
		size_t at = p->head, avail = p->used;
		pthread_mutex_unlock(&p->lock);

		/* what was queued, in one go: the ring's space is given back
		 * a batch at a time, so that neither side takes the lock for
		 * each record */
		for (size_t done = 0, given = 0; done < avail;) {
			size_t pos = (at + done) % PIPE_RING, slack = PIPE_RING - pos, size;
			struct rec h = { REC_PAD, 0, 0, 0 };
			if (slack < sizeof h) {
				size = slack;	/* bare slack before the wrap */
			} else {
				memcpy(&h, p->ring + pos, sizeof h);
				size = h.type == REC_PAD ? slack : rec_size(h.len);
				go = apply(p, &h, p->ring + pos + sizeof h);
			}
			done += size;
			bool ended = go && (h.type == REC_IMAGE_END || h.type == REC_CALL);
			if (done < avail && done - given < PIPE_WAKE && !ended && go)
				continue;
			pthread_mutex_lock(&p->lock);
			p->head = (p->head + done - given) % PIPE_RING;
			p->used -= done - given;
			given = done;
			if (ended) {
				p->image_done = true;
				p->stats = *sink_fs_stats(p->fs);
				tm_stop(&p->wtm);
				p->wtm_out = p->wtm;
				tm_start(&p->wtm, p->wtm.on);
				pthread_cond_broadcast(&p->idle);
			}
			pthread_cond_signal(&p->can_put);
			pthread_mutex_unlock(&p->lock);
			if (ended || !go)
				break;
		}
	}
	return NULL;
}

struct pipe *
pipe_start(const char *root, int flags, struct error *e)
{
	struct pipe *p = calloc(1, sizeof *p);

	if (!p) {
		error_set(e, "allocate the writer", NULL, -ENOMEM, NULL, 0);
		return NULL;
	}
	tm_start(&p->wtm, flags & PIPE_TIMING);
	p->direct = flags & PIPE_DIRECT;
	p->fs = sink_fs_new(&p->werr, &p->wlate, &p->wtm);
	p->root = root;
	p->sink = p->direct ? (struct cpio_sink){ d_entry, d_data, d_end, d_trailer, p }
			    : (struct cpio_sink){ q_entry, q_data, q_end, q_trailer, p };
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->can_put, NULL);
	pthread_cond_init(&p->can_get, NULL);
	pthread_cond_init(&p->idle, NULL);
	pthread_cond_init(&p->can_lend, NULL);
	/* here: no thread, no queue (every record goes to the sink at once) */
	if ((p->here = p->direct && p->fs && sink_fs_here(p->fs, root))) {
		p->image_done = true;	/* and stays so: pipe_call */
		return p;
	}
	p->ring = malloc(PIPE_RING);
	if (!p->ring || !p->fs) {
		error_set(e, "allocate the writer", NULL, -ENOMEM, NULL, 0);
		goto fail;
	}
	/* two threads: the decoders write into buffers the writer writes from */
	if (!p->direct && (p->pool = malloc(PIPE_BUFS * DEC_CHUNK))) {
		p->pool_free = (1u << PIPE_BUFS) - 1;
		p->lend = (struct dec_lend){ lend_get, lend_put, p, block_get, queue_back };
	}
	int r = pthread_create(&p->thread, NULL, writer, p);
	if (r) {
		error_set(e, "start the writer thread", NULL, -r, NULL, 0);
		goto fail;
	}
	pthread_mutex_lock(&p->lock);
	while (!p->image_done)
		pthread_cond_wait(&p->idle, &p->lock);
	pthread_mutex_unlock(&p->lock);
	if (p->start_err < 0) {
		error_set(e, "confine the writer to the target (unshare, chroot)", NULL, p->start_err, NULL, 0);
		pthread_join(p->thread, NULL);
		goto fail;
	}
	return p;
fail:
	sink_fs_free(p->fs);
	free(p->ring);
	free(p->pool);
	free(p);
	return NULL;
}

const struct cpio_sink *
pipe_sink(struct pipe *p, struct error *err, struct timing *rtm)
{
	p->rerr = err;
	p->rtm = rtm;
	/* direct: one thread, one clock (the writer's would count twice) */
	sink_fs_set_timing(p->fs, p->direct ? rtm : &p->wtm);
	return &p->sink;
}

bool
pipe_direct(const struct pipe *p)
{
	return p->direct;
}

void
pipe_stable(struct pipe *p, const void *lo, const void *hi, int fd)
{
	p->stable_lo = lo;
	p->stable_hi = hi;
	/* the writer is idle between images (pipe_image_end, pipe_call):
	 * the first record's lock hands this over to it */
	if (lo)
		sink_fs_source(p->fs, fd, lo, hi);
}

void
pipe_release(struct pipe *p, void (*fn)(void *ctx, uint64_t arg), void *ctx, uint64_t arg)
{
	struct rec_call c = { fn, ctx, arg };
	struct rec h = { REC_RELEASE, sizeof c, 0, 0 };

	if (p->direct)
		fn(ctx, arg);
	else
		(void)put(p, &h, &c, sizeof c, NULL, 0, NULL, 0);
}

static int wait_image(struct pipe *p, struct error *err, struct error *late);

int
pipe_call(struct pipe *p, void (*fn)(void *ctx, uint64_t arg), void *ctx, struct error *err, struct error *late)
{
	struct rec_call c = { fn, ctx, 0 };
	struct rec h = { REC_CALL, sizeof c, 0, 0 };

	if (p->here) {
		/* what the writer does with REC_CALL, here (image_done stays
		 * true; the writer's clock is not used in direct mode, and
		 * its figures are the sink's own: pipe_stats) */
		fn(ctx, 0);
		sink_fs_image_end(p->fs);
		return wait_image(p, err, late);
	}
	pthread_mutex_lock(&p->lock);
	p->image_done = false;
	pthread_mutex_unlock(&p->lock);
	put(p, &h, &c, sizeof c, NULL, 0, NULL, 0);
	return wait_image(p, err, late);
}

int
pipe_image_end(struct pipe *p, struct error *err, struct error *late)
{
	struct rec h = { REC_IMAGE_END, 0, 0, 0 };

	pthread_mutex_lock(&p->lock);
	p->image_done = false;
	pthread_mutex_unlock(&p->lock);
	/* IMAGE_END gets through even after an error: the writer skips the
	 * rest, then closes the file and applies the directory mtimes */
	put(p, &h, NULL, 0, NULL, 0, NULL, 0);
	return wait_image(p, err, late);
}

/* wait_image: until the writer has ended the image; its errors into ERR
 * and LATE (see pipe_image_end) */
static int
wait_image(struct pipe *p, struct error *err, struct error *late)
{
	/* direct: the reader's clock runs in the writer's thread */
	struct timing *tm = p->direct ? NULL : p->rtm;

	pthread_mutex_lock(&p->lock);
	enum tm_phase was = tm_enter(tm, TM_QUEUE);
	/* the writer's releases meanwhile (see REC_RELEASE), and one left
	 * at the end, before the image's memory goes */
	for (gives(p); !p->image_done || p->rel.fn; gives(p)) {
		p->rwaits++;
		p->rwait = true;
		pthread_cond_wait(&p->idle, &p->lock);
		p->rwait = false;
	}
	tm_leave(tm, was);
	int r = 0;
	if (!late->msg && p->wlate.msg)
		*late = p->wlate;
	memset(&p->wlate, 0, sizeof p->wlate);
	if (p->werr.msg) {
		*err = p->werr;		/* earlier in the archive than any reader error */
		memset(&p->werr, 0, sizeof p->werr);
		r = 1;
	}
	p->failed = false;
	pthread_mutex_unlock(&p->lock);
	return r;
}

const struct sink_stats *
pipe_stats(struct pipe *p)
{
	return p->here ? sink_fs_stats(p->fs) : &p->stats;
}

void
pipe_timing(struct pipe *p, struct timing *writer, uint32_t *rwaits, uint32_t *wwaits)
{
	pthread_mutex_lock(&p->lock);
	*writer = p->wtm_out;
	*rwaits = p->rwaits;
	*wwaits = p->wwaits;
	pthread_mutex_unlock(&p->lock);
}

void
pipe_stop(struct pipe *p)
{
	struct rec h = { REC_QUIT, 0, 0, 0 };

	if (!p)
		return;
	if (!p->here) {
		put(p, &h, NULL, 0, NULL, 0, NULL, 0);
		pthread_join(p->thread, NULL);
	}
	sink_fs_free(p->fs);
	free(p->ring);
	free(p->pool);
	free(p->blocks);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->can_put);
	pthread_cond_destroy(&p->can_get);
	pthread_cond_destroy(&p->idle);
	pthread_cond_destroy(&p->can_lend);
	free(p);
}
