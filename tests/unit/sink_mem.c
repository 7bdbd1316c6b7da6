/* sink_mem.c: see sink_mem.h */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sink_mem.h"

static void
grow(struct sink_mem *m, size_t n)
{
	if (m->len + n + 1 <= m->cap)
		return;
	size_t cap = m->cap ? m->cap : 256;
	while (cap < m->len + n + 1)
		cap *= 2;
	char *t = realloc(m->text, cap);
	if (!t)
		abort();
	m->text = t;
	m->cap = cap;
}

void
sink_mem_printf(struct sink_mem *m, const char *fmt, ...)
{
	va_list ap;
	char small[512];

	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	grow(m, (size_t)n);
	if ((size_t)n < sizeof small) {
		memcpy(m->text + m->len, small, (size_t)n + 1);
	} else {
		va_start(ap, fmt);
		vsnprintf(m->text + m->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	m->len += (size_t)n;
}

static void
quote_bytes(struct sink_mem *m, const unsigned char *s, size_t n)
{
	grow(m, 4 * n + 2);
	m->text[m->len++] = '"';
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
			m->text[m->len++] = (char)s[i];
		else
			m->len += (size_t)sprintf(m->text + m->len, "\\x%02x", s[i]);
	}
	m->text[m->len++] = '"';
	m->text[m->len] = '\0';
}

void
sink_mem_quote(struct sink_mem *m, const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	quote_bytes(m, (const unsigned char *)s, n);
	if (n == max)
		sink_mem_printf(m, "...");
}

void
sink_mem_init(struct sink_mem *m, struct error *err)
{
	memset(m, 0, sizeof *m);
	m->err = err;
	grow(m, 0);
	m->text[0] = '\0';
}

void
sink_mem_free(struct sink_mem *m)
{
	free(m->text);
	m->text = NULL;
	m->len = m->cap = 0;
}

void
sink_mem_sink(struct sink_mem *m, struct cpio_sink *s)
{
	s->entry = sink_mem_entry;
	s->data = sink_mem_data;
	s->end = sink_mem_end;
	s->trailer = sink_mem_trailer;
	s->ctx = m;
}

/* the Nth callback fails, as a sink whose write failed would */
static int
injected(struct sink_mem *m, const char *what)
{
	if (m->fail_after <= 0 || ++m->calls != m->fail_after)
		return 0;
	sink_mem_printf(m, "injected failure in %s\n", what);
	error_set(m->err, "write error", "injected", -5, NULL, 0);
	return -1;
}

static const char *
type_name(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "reg";
	case S_IFDIR: return "dir";
	case S_IFLNK: return "lnk";
	case S_IFCHR: return "chr";
	case S_IFBLK: return "blk";
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "sock";
	default: return "unknown";
	}
}

int
sink_mem_entry(void *ctx, const struct cpio_entry *e)
{
	struct sink_mem *m = ctx;

	if (m->in_file)
		sink_mem_printf(m, "BAD entry before end()\n");
	if (!e->name)
		sink_mem_printf(m, "BAD entry without a name\n");
	if (S_ISLNK(e->mode) != (e->target != NULL))
		sink_mem_printf(m, "BAD target on a %s\n", type_name(e->mode));
	sink_mem_printf(m, "entry %s mode=0%o ino=%u uid=%u gid=%u nlink=%u mtime=%u size=%u "
			"dev=%u,%u rdev=0x%x crc=%d check=0x%x name=",
			type_name(e->mode), (unsigned)e->mode, (unsigned)e->ino, (unsigned)e->uid,
			(unsigned)e->gid, (unsigned)e->nlink, (unsigned)e->mtime,
			(unsigned)e->filesize, (unsigned)e->devmajor, (unsigned)e->devminor,
			(unsigned)e->rdev, (int)e->crc, (unsigned)e->check);
	if (e->name)
		sink_mem_quote(m, e->name, CPIO_PATH_MAX + 1);
	sink_mem_printf(m, " target=");
	if (e->target)
		sink_mem_quote(m, e->target, CPIO_PATH_MAX + 1);
	else
		sink_mem_printf(m, "-");
	sink_mem_printf(m, " at=%llu\n", (unsigned long long)e->offset);
	if (S_ISREG(e->mode)) {
		m->in_file = true;
		m->crc = e->crc;
		m->check = e->check;
		m->bytes = 0;
		m->sum = 0;
		m->fnv = 0xcbf29ce484222325ull;
		m->head_len = 0;
	}
	return injected(m, "entry");
}

int
sink_mem_data(void *ctx, const void *buf, size_t len)
{
	struct sink_mem *m = ctx;
	const unsigned char *p = buf;

	if (!m->in_file)
		sink_mem_printf(m, "BAD data outside a regular file\n");
	if (!len)
		sink_mem_printf(m, "BAD data of length 0\n");
	for (size_t i = 0; i < len; i++) {
		m->fnv = (m->fnv ^ p[i]) * 0x100000001b3ull;
		m->sum += p[i];
		if (m->head_len < sizeof m->head)
			m->head[m->head_len++] = (char)p[i];
	}
	m->bytes += len;
	return injected(m, "data");
}

int
sink_mem_end(void *ctx, uint32_t sum)
{
	struct sink_mem *m = ctx;

	if (!m->in_file)
		sink_mem_printf(m, "BAD end outside a regular file\n");
	/* the parser sums only what 070702 entries check */
	if (m->crc && sum != m->sum)
		sink_mem_printf(m, "BAD end sum 0x%x, data summed to 0x%x\n", (unsigned)sum,
				(unsigned)m->sum);
	m->in_file = false;
	sink_mem_printf(m, "end bytes=%llu sum=0x%x fnv=%016llx data=", (unsigned long long)m->bytes,
			(unsigned)sum, (unsigned long long)m->fnv);
	quote_bytes(m, (const unsigned char *)m->head, m->head_len);
	sink_mem_printf(m, "%s\n", m->bytes > m->head_len ? "..." : "");
	if (m->check_crc && m->crc && sum != m->check) {
		error_set(m->err, "bad data checksum", NULL, 0, NULL, 0);
		return -1;
	}
	return injected(m, "end");
}

int
sink_mem_trailer(void *ctx)
{
	struct sink_mem *m = ctx;

	if (m->in_file)
		sink_mem_printf(m, "BAD trailer before end()\n");
	sink_mem_printf(m, "trailer\n");
	return injected(m, "trailer");
}
