/* sink_list.c: what the kernel would create, one entry a line, in the
 * manner of `cpio -tv`:
 *
 *   drwxr-xr-x   2 0        0               0 2024-01-01 00:00:00 usr
 *   -rwxr-xr-x   1 0        0          123456 2024-01-01 00:00:00 usr/bin/x
 *   lrwxrwxrwx   1 0        0               7 2024-01-01 00:00:00 bin -> usr/bin
 *   crw-------   1 0        0           5,  1 2024-01-01 00:00:00 dev/console
 *   -rwxr-xr-x   2 0        0               0 2024-01-01 00:00:00 sbin/y link to usr/bin/x
 *
 * Times are UTC.  Lines starting with '#' are about the image itself.
 */
#include <stdlib.h>
#include <sys/stat.h>

#include "links.h"
#include "sink.h"

struct sink_list {
	FILE *out;
	int verbose;
	struct links links;
};

struct sink_list *
sink_list_new(FILE *out, int verbose)
{
	struct sink_list *s = calloc(1, sizeof *s);

	if (s) {
		s->out = out;
		s->verbose = verbose;
	}
	return s;
}

void
sink_list_free(struct sink_list *s)
{
	if (s)
		links_reset(&s->links);
	free(s);
}

static char
type_char(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return '-';
	case S_IFDIR: return 'd';
	case S_IFLNK: return 'l';
	case S_IFCHR: return 'c';
	case S_IFBLK: return 'b';
	case S_IFIFO: return 'p';
	case S_IFSOCK: return 's';
	default: return '?';
	}
}

static void
mode_string(uint32_t mode, char s[11])
{
	static const char rwx[] = "rwxrwxrwx";

	s[0] = type_char(mode);
	for (int i = 0; i < 9; i++)
		s[1 + i] = (mode & (0400u >> i)) ? rwx[i] : '-';
	if (mode & S_ISUID)
		s[3] = (mode & 0100) ? 's' : 'S';
	if (mode & S_ISGID)
		s[6] = (mode & 0010) ? 's' : 'S';
	if (mode & S_ISVTX)
		s[9] = (mode & 0001) ? 't' : 'T';
	s[10] = '\0';
}

/* UTC date and time of T (a cpio mtime: unsigned 32 bits), without the
 * C library's time zone machinery: days to civil date (H. Hinnant) */
static void
utc(uint32_t t, char out[32])
{
	uint32_t days = t / 86400, secs = t % 86400;
	uint32_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	uint32_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	uint32_t y = yoe + era * 400 + (m <= 2);

	snprintf(out, 32, "%04u-%02u-%02u %02u:%02u:%02u", (unsigned)y, (unsigned)m, (unsigned)d,
		 (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
}

int
sink_list_entry(void *ctx, const struct cpio_entry *e)
{
	struct sink_list *s = ctx;
	char mode[11], when[32];
	const char *first = NULL;
	int err = 0;

	mode_string(e->mode, mode);
	utc(e->mtime, when);
	if (!S_ISDIR(e->mode) && !S_ISLNK(e->mode) && e->nlink >= 2)
		first = links_find(&s->links, e, &err);
	if (err)
		return -1;
	fprintf(s->out, "%s %3u %-8u %-8u ", mode, (unsigned)e->nlink, (unsigned)e->uid, (unsigned)e->gid);
	if (S_ISCHR(e->mode) || S_ISBLK(e->mode)) {
		unsigned major = (e->rdev & 0xfff00) >> 8;
		unsigned minor = (e->rdev & 0xff) | ((e->rdev >> 12) & 0xfff00);
		fprintf(s->out, "%7u, %3u", major, minor);
	} else {
		fprintf(s->out, "%12u", (unsigned)e->filesize);
	}
	fprintf(s->out, " %s %s", when, e->name);
	if (e->target)
		fprintf(s->out, " -> %s", e->target);
	if (first)
		fprintf(s->out, " link to %s", first);
	fputc('\n', s->out);
	return ferror(s->out) ? -1 : 0;
}

int
sink_list_data(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return 0;
}

int
sink_list_end(void *ctx, uint32_t sum)
{
	(void)ctx;
	(void)sum;
	return 0;
}

int
sink_list_trailer(void *ctx)
{
	struct sink_list *s = ctx;

	links_reset(&s->links);
	if (s->verbose)
		fprintf(s->out, "# TRAILER!!!\n");
	return 0;
}

void
sink_list_note(struct sink_list *s, const char *line)
{
	fprintf(s->out, "# %s\n", line);
}
