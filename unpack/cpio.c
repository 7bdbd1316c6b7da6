/* cpio.c: the kernel's cpio state machine (init/initramfs.c), as a push
 * parser with its state in struct cpio_parser.  See cpio.h. */
#include <string.h>
#include <sys/stat.h>

#include "cpio.h"

void
cpio_init(struct cpio_parser *p, const struct cpio_sink *sink, struct error *err)
{
	memset(p, 0, offsetof(struct cpio_parser, buf));
	p->state = CPIO_RESET;
	p->sink = sink;
	p->error = err;
}

/* Input cursor of one cpio_write() call: the kernel's victim/byte_count. */
struct cursor {
	const uint8_t *at;
	size_t left;
};

static void
eat(struct cpio_parser *p, struct cursor *c, size_t n)
{
	c->at += n;
	c->left -= n;
	p->this_header += n;
}

/* read_into: gather SIZE bytes into p->buf, then go to state NEXT */
static void
read_into(struct cpio_parser *p, size_t size, enum cpio_state next)
{
	p->want = size;
	p->have = 0;
	p->collect_next = next;
	p->state = CPIO_COLLECT;
}

/* Each field is what simple_strtoul(field, NULL, 16) gives in 6.1: an
 * optional "0x"/"0X", then hex digits up to the first other character.
 * Newer kernels (hex2bin) reject anything but 8 hex digits. */
static uint32_t
hex8(const char *s)
{
	uint32_t v = 0;
	int i = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	for (; i < 8; i++) {
		char ch = s[i];
		unsigned d;
		if (ch >= '0' && ch <= '9')
			d = (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			d = (unsigned)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			d = (unsigned)(ch - 'A' + 10);
		else
			break;
		v = v << 4 | d;
	}
	return v;
}

static void
parse_header(struct cpio_entry *e, const char *s)
{
	uint32_t f[13];

	for (int i = 0; i < 13; i++)
		f[i] = hex8(s + 6 + 8 * i);
	e->ino = f[0];
	e->mode = f[1] & 0xffff;	/* umode_t */
	e->uid = f[2];
	e->gid = f[3];
	e->nlink = f[4];
	e->mtime = f[5];
	e->filesize = f[6];
	e->devmajor = f[7];
	e->devminor = f[8];
	/* new_encode_dev(MKDEV(rmaj, rmin)): MKDEV truncated to 32 bits,
	 * so minor bits above 19 leak into the major */
	uint32_t dev = f[9] << 20 | f[10];
	uint32_t major = dev >> 20, minor = dev & 0xfffff;
	e->rdev = (minor & 0xff) | major << 8 | (minor & ~0xffu) << 12;
	e->namesize = f[11];
	e->check = f[12];
}

static int
do_start(struct cpio_parser *p, struct cursor *c)
{
	(void)c;
	p->entry_start = p->this_header;
	read_into(p, CPIO_HDR_LEN, CPIO_GOT_HEADER);
	return 0;
}

static int
do_collect(struct cpio_parser *p, struct cursor *c)
{
	size_t n = p->want - p->have;

	if (n > c->left)
		n = c->left;
	memcpy(p->buf + p->have, c->at, n);
	p->have += n;
	eat(p, c, n);
	if (p->have < p->want)
		return 1;
	p->state = p->collect_next;
	return 0;
}

static int
do_header(struct cpio_parser *p, struct cursor *c)
{
	struct cpio_entry *e = &p->e;
	(void)c;

	e->offset = p->this_header - CPIO_HDR_LEN;
	if (!memcmp(p->buf, "070701", 6)) {
		e->crc = false;
	} else if (!memcmp(p->buf, "070702", 6)) {
		e->crc = true;
	} else {
		if (!memcmp(p->buf, "070707", 6))
			error_set(p->error, "incorrect cpio method used: use -H newc option", NULL, 0, NULL, e->offset);
		else
			error_set(p->error, "no cpio magic", NULL, 0, NULL, e->offset);
		return 1;
	}
	parse_header(e, p->buf);
	p->content_end = p->this_header + CPIO_N_ALIGN(e->namesize) + e->filesize;
	p->next_header = (p->content_end + 3) & ~(uint64_t)3;
	/* entries the kernel skips whole, silently: a name of length 0 or
	 * beyond PATH_MAX, an over-long symlink, data on a non-regular file */
	p->state = CPIO_SKIP;
	if (e->namesize == 0 || e->namesize > CPIO_PATH_MAX)
		return 0;
	if (S_ISLNK(e->mode)) {
		if (e->filesize > CPIO_PATH_MAX)
			return 0;
		read_into(p, CPIO_N_ALIGN(e->namesize) + e->filesize, CPIO_GOT_SYMLINK);
		return 0;
	}
	if (S_ISREG(e->mode) || !e->filesize)
		read_into(p, CPIO_N_ALIGN(e->namesize), CPIO_GOT_NAME);
	return 0;
}

/* After every entry, skipped or not, the kernel goes to Reset: in 6.1 a
 * skipped entry follows a stale next_state that depends on where earlier
 * headers were split between buffers, which cannot be reproduced. */
static int
do_skip(struct cpio_parser *p, struct cursor *c)
{
	if (p->this_header + c->left < p->next_header) {
		eat(p, c, c->left);
		return 1;
	}
	eat(p, c, (size_t)(p->next_header - p->this_header));
	p->state = CPIO_RESET;
	return 0;
}

size_t
cpio_nuls(const uint8_t *p, size_t len)
{
	size_t n = 0;

	for (; n < len && ((uintptr_t)(p + n) & 7); n++)
		if (p[n])
			return n;
	for (; n + 32 <= len; n += 32) {
		uint64_t w[4];
		memcpy(w, p + n, sizeof w);
		if (w[0] | w[1] | w[2] | w[3])
			break;
	}
	while (n < len && !p[n])
		n++;
	return n;
}

static int
do_reset(struct cpio_parser *p, struct cursor *c)
{
	eat(p, c, cpio_nuls(c->at, c->left));
	if (c->left && (p->this_header & 3))
		error_set(p->error, "broken padding", "an archive must start at a multiple of 4", 0, NULL, p->this_header);
	return 1;
}

static bool
name_terminated(struct cpio_parser *p, const char *kind)
{
	if (p->buf[p->e.namesize - 1] == '\0')
		return true;
	/* the kernel prints "initramfs name without nulterm: NAME" */
	p->buf[p->e.namesize - 1] = '\0';
	error_set(p->error, "malformed archive", kind, 0, p->buf, p->e.offset);
	return false;
}

static int
sink_said(struct cpio_parser *p, int r)
{
	if (r < 0 && !p->error->msg)
		error_set(p->error, "write error", NULL, r, p->e.name, p->e.offset);
	return r < 0;
}

static int
do_name(struct cpio_parser *p, struct cursor *c)
{
	struct cpio_entry *e = &p->e;
	(void)c;

	p->state = CPIO_SKIP;
	if (!name_terminated(p, "name without NUL terminator"))
		return 1;
	e->name = p->buf;
	e->target = NULL;
	if (!strcmp(p->buf, "TRAILER!!!"))
		return sink_said(p, p->sink->trailer(p->sink->ctx));
	if (sink_said(p, p->sink->entry(p->sink->ctx, e)))
		return 1;
	if (S_ISREG(e->mode)) {
		p->body_left = e->filesize;
		p->sum = 0;
		p->state = CPIO_COPY;
	}
	return 0;
}

/* byte_sum: SUM plus the bytes of P, eight at a time: the even and the odd
 * bytes of each word add into four 16-bit lanes each, emptied before they
 * can overflow (256 words of bytes <= 255: 65280).  A byte loop was 15% of
 * a zstd unpack, for a sum only 070702 archives check. */
static uint32_t
byte_sum(uint32_t sum, const uint8_t *p, size_t n)
{
	const uint64_t m = 0x00ff00ff00ff00ffull;

	while (n >= 8) {
		uint64_t even = 0, odd = 0;
		size_t words = n / 8 < 256 ? n / 8 : 256;
		for (size_t i = 0; i < words; i++, p += 8) {
			uint64_t w;
			memcpy(&w, p, 8);
			even += w & m;
			odd += (w >> 8) & m;
		}
		n -= words * 8;
		for (int k = 0; k < 4; k++)
			sum += (uint32_t)(even >> (16 * k) & 0xffff) + (uint32_t)(odd >> (16 * k) & 0xffff);
	}
	while (n--)
		sum += *p++;
	return sum;
}

static int
do_copy(struct cpio_parser *p, struct cursor *c)
{
	size_t n = p->body_left < c->left ? (size_t)p->body_left : c->left;

	if (n) {
		/* only 070702 archives carry a sum: a pass over every byte saved */
		if (p->e.crc)
			p->sum = byte_sum(p->sum, c->at, n);
		if (sink_said(p, p->sink->data(p->sink->ctx, c->at, n)))
			return 1;
		p->body_left -= n;
		eat(p, c, n);
	}
	if (p->body_left)
		return 1;
	p->state = CPIO_SKIP;
	return sink_said(p, p->sink->end(p->sink->ctx, p->sum));
}

static int
do_symlink(struct cpio_parser *p, struct cursor *c)
{
	struct cpio_entry *e = &p->e;
	(void)c;

	p->state = CPIO_SKIP;
	if (!name_terminated(p, "symlink without NUL terminator"))
		return 1;
	/* the target is cut at its first NUL, or after filesize bytes */
	p->buf[CPIO_N_ALIGN(e->namesize) + e->filesize] = '\0';
	e->name = p->buf;
	e->target = p->buf + CPIO_N_ALIGN(e->namesize);
	return sink_said(p, p->sink->entry(p->sink->ctx, e));
}

static int (*const actions[])(struct cpio_parser *, struct cursor *) = {
	[CPIO_START] = do_start,
	[CPIO_COLLECT] = do_collect,
	[CPIO_GOT_HEADER] = do_header,
	[CPIO_SKIP] = do_skip,
	[CPIO_GOT_NAME] = do_name,
	[CPIO_COPY] = do_copy,
	[CPIO_GOT_SYMLINK] = do_symlink,
	[CPIO_RESET] = do_reset,
};

size_t
cpio_write(struct cpio_parser *p, const uint8_t *buf, size_t len)
{
	struct cursor c = { buf, len };

	while (!actions[p->state](p, &c))
		;
	return len - c.left;
}

int
cpio_flush(struct cpio_parser *p, const uint8_t *buf, size_t len)
{
	if (p->error->msg)
		return -1;
	for (;;) {
		size_t written = cpio_write(p, buf, len);
		if (written == len || p->error->msg)
			break;
		buf += written;
		len -= written;
		if (*buf == '0') {
			p->state = CPIO_START;
		} else if (*buf == 0) {
			p->state = CPIO_RESET;
		} else {
			error_set(p->error, "junk within compressed archive", NULL, 0, NULL, p->this_header);
			break;
		}
	}
	return p->error->msg ? -1 : 0;
}

bool
cpio_mid_entry(const struct cpio_parser *p)
{
	switch (p->state) {
	case CPIO_RESET:
		return false;
	case CPIO_SKIP:
		/* only the padding after the last entry is missing */
		return p->this_header < p->content_end;
	default:
		return true;
	}
}
