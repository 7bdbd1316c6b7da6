/* mkimage.c: see mkimage.h */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/io.h"
#include "mkimage.h"

#define MK_MAX_LINE (2 * PATH_MAX + 50)
#define MK_MAX_TOKENS 64

struct mk {
	int out;
	uint64_t offset;
	uint32_t ino;
	uint32_t default_mtime;
	bool files_default;	/* files also get default_mtime */
	bool crc;
	struct mkimage_error *e;
	size_t fill;
	uint8_t buf[64 * 1024];
};

static int fail(struct mk *m, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail(struct mk *m, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->e->msg, sizeof m->e->msg, fmt, ap);
	va_end(ap);
	m->e->err = err;
	return -1;
}

static int
flush(struct mk *m)
{
	int r = io_write_full(m->out, m->buf, m->fill);

	m->fill = 0;
	return r < 0 ? fail(m, r, "unable to write the archive") : 0;
}

static int
put(struct mk *m, const void *p, size_t n)
{
	m->offset += n;
	while (n) {
		size_t k = sizeof m->buf - m->fill < n ? sizeof m->buf - m->fill : n;
		memcpy(m->buf + m->fill, p, k);
		m->fill += k;
		p = (const uint8_t *)p + k;
		n -= k;
		if (m->fill == sizeof m->buf && flush(m) < 0)
			return -1;
	}
	return 0;
}

static int
pad(struct mk *m, unsigned align)
{
	static const uint8_t zeros[512];
	size_t n = (size_t)((align - m->offset % align) % align);

	return put(m, zeros, n);
}

/* header: the 110 bytes, uppercase hex as gen_init_cpio writes them */
static int
header(struct mk *m, uint32_t ino, uint32_t mode, uint32_t uid, uint32_t gid, uint32_t nlink,
       uint32_t mtime, uint32_t size, uint32_t maj, uint32_t min, uint32_t rmaj, uint32_t rmin,
       uint32_t namesize, uint32_t sum)
{
	char h[128];

	snprintf(h, sizeof h, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 m->crc ? "070702" : "070701", ino, mode, uid, gid, nlink, mtime, size,
		 maj, min, rmaj, rmin, namesize, sum);
	return put(m, h, 110);
}

static const char *
strip_slash(const char *name)
{
	return name[0] == '/' ? name + 1 : name;
}

/* name, NUL, padding so that 110 + name is a multiple of 4 */
static int
name(struct mk *m, const char *n)
{
	return put(m, n, strlen(n) + 1) < 0 || pad(m, 4) < 0 ? -1 : 0;
}

static int
parse_u(struct mk *m, const char *s, int base, uint32_t *v, const char *what)
{
	char *end;

	errno = 0;
	long long x = strtoll(s, &end, base);
	if (!*s || *end || errno || x < INT32_MIN || x > UINT32_MAX)
		return fail(m, 0, "bad %s '%s'", what, s);
	*v = (uint32_t)x;
	return 0;
}

/* mode uid gid at T[0..2] */
static int
parse_mug(struct mk *m, char **t, uint32_t *mode, uint32_t *uid, uint32_t *gid)
{
	if (parse_u(m, t[0], 8, mode, "mode") < 0 || parse_u(m, t[1], 10, uid, "uid") < 0 ||
	    parse_u(m, t[2], 10, gid, "gid") < 0)
		return -1;
	return 0;
}

static int
do_generic(struct mk *m, char **t, int n, uint32_t type)
{
	uint32_t mode, uid, gid;

	if (n != 4)
		return fail(m, 0, "expected: <name> <mode> <uid> <gid>");
	if (parse_mug(m, t + 1, &mode, &uid, &gid) < 0)
		return -1;
	const char *nm = strip_slash(t[0]);
	if (header(m, m->ino++, mode | type, uid, gid, 2, m->default_mtime, 0, 3, 1, 0, 0,
		   (uint32_t)strlen(nm) + 1, 0) < 0)
		return -1;
	return name(m, nm);
}

static int
do_nod(struct mk *m, char **t, int n)
{
	uint32_t mode, uid, gid, maj, min;

	if (n != 7)
		return fail(m, 0, "expected: <name> <mode> <uid> <gid> <b|c> <maj> <min>");
	if (parse_mug(m, t + 1, &mode, &uid, &gid) < 0 || parse_u(m, t[5], 10, &maj, "major") < 0 ||
	    parse_u(m, t[6], 10, &min, "minor") < 0)
		return -1;
	if (strlen(t[4]) != 1 || (t[4][0] != 'b' && t[4][0] != 'c'))
		return fail(m, 0, "device type must be b or c, not '%s'", t[4]);
	mode |= t[4][0] == 'b' ? S_IFBLK : S_IFCHR;
	const char *nm = strip_slash(t[0]);
	if (header(m, m->ino++, mode, uid, gid, 1, m->default_mtime, 0, 3, 1, maj, min,
		   (uint32_t)strlen(nm) + 1, 0) < 0)
		return -1;
	return name(m, nm);
}

static int
do_slink(struct mk *m, char **t, int n)
{
	uint32_t mode, uid, gid;

	if (n != 5)
		return fail(m, 0, "expected: <name> <target> <mode> <uid> <gid>");
	if (parse_mug(m, t + 2, &mode, &uid, &gid) < 0)
		return -1;
	const char *nm = strip_slash(t[0]);
	if (header(m, m->ino++, mode | S_IFLNK, uid, gid, 1, m->default_mtime, (uint32_t)strlen(t[1]) + 1,
		   3, 1, 0, 0, (uint32_t)strlen(nm) + 1, 0) < 0 ||
	    name(m, nm) < 0)
		return -1;
	return name(m, t[1]);	/* the target, NUL and padding likewise */
}

/* expand ${VAR} in a location, as gen_init_cpio does */
static int
expand(struct mk *m, const char *in, char *out, size_t size)
{
	size_t o = 0;

	while (*in) {
		const char *end;
		if (in[0] == '$' && in[1] == '{' && (end = strchr(in + 2, '}'))) {
			char var[256];
			size_t vl = (size_t)(end - in - 2);
			if (vl >= sizeof var)
				return fail(m, 0, "variable name too long in '%s'", in);
			memcpy(var, in + 2, vl);
			var[vl] = '\0';
			const char *val = getenv(var);
			size_t l = val ? strlen(val) : 0;
			if (o + l >= size)
				return fail(m, -ENAMETOOLONG, "location too long");
			memcpy(out + o, val ? val : "", l);
			o += l;
			in = end + 1;
			continue;
		}
		if (o + 1 >= size)
			return fail(m, -ENAMETOOLONG, "location too long");
		out[o++] = *in++;
	}
	out[o] = '\0';
	return 0;
}

static int
copy_data(struct mk *m, int fd, const char *loc, uint64_t size)
{
	uint8_t buf[64 * 1024];

	if (lseek(fd, 0, SEEK_SET) < 0)
		return fail(m, -errno, "unable to seek %s", loc);
	while (size) {
		size_t want = size < sizeof buf ? (size_t)size : sizeof buf;
		ssize_t r = io_read_full(fd, buf, want);
		if (r < 0)
			return fail(m, (int)r, "unable to read %s", loc);
		if ((size_t)r != want)
			return fail(m, 0, "%s changed size while being read", loc);
		if (put(m, buf, want) < 0)
			return -1;
		size -= want;
	}
	return 0;
}

static int
do_file(struct mk *m, char **t, int n)
{
	char loc[PATH_MAX + 1];
	uint32_t mode, uid, gid, sum = 0;
	struct stat st;

	if (n < 5)
		return fail(m, 0, "expected: <name> <location> <mode> <uid> <gid> [<hard links>...]");
	if (parse_mug(m, t + 2, &mode, &uid, &gid) < 0 || expand(m, t[1], loc, sizeof loc) < 0)
		return -1;
	int fd = open(loc, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return fail(m, -errno, "unable to open %s", loc);
	int r = -1;
	if (fstat(fd, &st) < 0) {
		fail(m, -errno, "unable to stat %s", loc);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		fail(m, 0, "%s is not a regular file", loc);
		goto out;
	}
	if ((uint64_t)st.st_size > UINT32_MAX) {
		fail(m, -EFBIG, "%s is too large for a cpio archive", loc);
		goto out;
	}
	uint32_t mtime = m->default_mtime;
	if (!m->files_default)
		mtime = st.st_mtime < 0 ? 0 : st.st_mtime > (time_t)UINT32_MAX ? UINT32_MAX : (uint32_t)st.st_mtime;
	if (m->crc) {
		uint8_t buf[64 * 1024];
		ssize_t k;
		while ((k = io_read_full(fd, buf, sizeof buf)) > 0)
			for (ssize_t i = 0; i < k; i++)
				sum += buf[i];
		if (k < 0) {
			fail(m, (int)k, "unable to read %s", loc);
			goto out;
		}
	}
	/* one entry per name; the data goes with the last */
	uint32_t nlinks = (uint32_t)(n - 4);
	for (uint32_t i = 0; i < nlinks; i++) {
		const char *nm = strip_slash(i ? t[4 + i] : t[0]);
		uint32_t size = i + 1 == nlinks ? (uint32_t)st.st_size : 0;
		if (header(m, m->ino, mode | S_IFREG, uid, gid, nlinks, mtime, size, 3, 1, 0, 0,
			   (uint32_t)strlen(nm) + 1, size ? sum : 0) < 0 ||
		    name(m, nm) < 0)
			goto out;
		if (size && copy_data(m, fd, loc, size) < 0)
			goto out;
		if (pad(m, 4) < 0)
			goto out;
	}
	m->ino++;
	r = 0;
out:
	(void)io_close(fd);
	return r;
}

static int
trailer(struct mk *m)
{
	if (header(m, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 11, 0) < 0 || name(m, "TRAILER!!!") < 0 ||
	    pad(m, 512) < 0)
		return -1;
	return flush(m);
}

int
mkimage_write(FILE *list, int out, const struct mkimage_opts *o, struct mkimage_error *e)
{
	static struct mk m;
	char line[MK_MAX_LINE];

	memset(&m, 0, sizeof m);
	memset(e, 0, sizeof *e);
	m.out = out;
	m.ino = 721;
	m.crc = o->crc;
	m.e = e;
	if (o->mtime >= 0) {
		if (o->mtime > (int64_t)UINT32_MAX)
			return fail(&m, -ERANGE, "timestamp too large for the cpio format");
		m.default_mtime = (uint32_t)o->mtime;
		m.files_default = true;
	} else {
		m.default_mtime = (uint32_t)time(NULL);
	}
	while (fgets(line, sizeof line, list)) {
		char *t[MK_MAX_TOKENS], *save = NULL;
		int n = 0, r;

		e->line++;
		size_t l = strlen(line);
		if (l == sizeof line - 1 && line[l - 1] != '\n')
			return fail(&m, 0, "line too long");
		if (line[0] == '#')
			continue;
		for (char *tok = strtok_r(line, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
			if (n == MK_MAX_TOKENS)
				return fail(&m, 0, "too many fields");
			t[n++] = tok;
		}
		if (!n)
			continue;
		for (int i = 1; i < n; i++)
			if (strlen(t[i]) > PATH_MAX)
				return fail(&m, -ENAMETOOLONG, "name too long");
		if (!strcmp(t[0], "file"))
			r = do_file(&m, t + 1, n - 1);
		else if (!strcmp(t[0], "dir"))
			r = do_generic(&m, t + 1, n - 1, S_IFDIR);
		else if (!strcmp(t[0], "nod"))
			r = do_nod(&m, t + 1, n - 1);
		else if (!strcmp(t[0], "slink"))
			r = do_slink(&m, t + 1, n - 1);
		else if (!strcmp(t[0], "pipe"))
			r = do_generic(&m, t + 1, n - 1, S_IFIFO);
		else if (!strcmp(t[0], "sock"))
			r = do_generic(&m, t + 1, n - 1, S_IFSOCK);
		else
			r = fail(&m, 0, "unknown file type '%s'", t[0]);
		if (r < 0)
			return -1;
	}
	if (ferror(list))
		return fail(&m, -EIO, "unable to read the list");
	e->line = 0;
	return trailer(&m);
}
