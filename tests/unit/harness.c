/* harness.c: see harness.h */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../unpack/cpio.h"
#include "../../unpack/image.h"
#include "harness.h"
#include "sink_mem.h"

bool
has(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

size_t
count(const char *s, const char *needle)
{
	size_t n = 0, l = strlen(needle);

	while ((s = strstr(s, needle))) {
		n++;
		s += l;
	}
	return n;
}

/* the end of the piece that starts at AT; *CI: the next cut to use */
static size_t
piece_end(const struct split *sp, size_t len, size_t at, size_t *ci)
{
	if (!sp)
		return len;
	if (sp->step)
		return at + sp->step < len ? at + sp->step : len;
	while (*ci < sp->n && sp->cuts[*ci] <= at)
		(*ci)++;
	return *ci < sp->n && sp->cuts[*ci] < len ? sp->cuts[(*ci)++] : len;
}

static void
strip_offsets(char *s)
{
	char *w = s;

	for (char *r = s; *r;) {
		if (!strncmp(r, " at=", 4)) {
			r += 4;
			while (*r >= '0' && *r <= '9')
				r++;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
}

static void
put_error(struct sink_mem *m, const struct error *err)
{
	if (!err->msg) {
		sink_mem_printf(m, "error: none\n");
		return;
	}
	sink_mem_printf(m, "error: \"%s\" why=%s err=%d what=", err->msg, err->why ? err->why : "-",
			err->err);
	sink_mem_quote(m, err->what, sizeof err->what);
	sink_mem_printf(m, " offset=%llu\n", (unsigned long long)err->offset);
}

char *
run_cpio(const uint8_t *buf, size_t len, const struct split *sp, unsigned opts)
{
	static struct cpio_parser p;
	struct error err;
	struct cpio_sink sink;
	struct sink_mem m;
	size_t at = 0, ci = 0;
	bool stopped = false;

	memset(&err, 0, sizeof err);
	sink_mem_init(&m, &err);
	m.check_crc = opts & RUN_CRC;
	sink_mem_sink(&m, &sink);
	cpio_init(&p, &sink, &err);
	do {
		size_t off = at, n = piece_end(sp, len, at, &ci) - at;
		at += n;
		if (!(opts & RUN_WRITE)) {
			cpio_flush(&p, buf + off, n);
			continue;
		}
		/* unpack_to_rootfs(): '0' at a multiple of 4 starts an entry */
		while (n && !err.msg) {
			size_t w = cpio_write(&p, buf + off, n);
			off += w;
			n -= w;
			if (!n || err.msg)
				break;
			if (buf[off] != '0' || (p.this_header & 3)) {
				sink_mem_printf(&m, "stopped at %zu\n", off);
				stopped = true;
				break;
			}
			p.state = CPIO_START;
		}
	} while (at < len && !stopped && !err.msg);
	put_error(&m, &err);
	sink_mem_printf(&m, "state: mid=%d this_header=%llu\n", (int)cpio_mid_entry(&p),
			(unsigned long long)p.this_header);
	if (opts & RUN_NO_OFFSETS)
		strip_offsets(m.text);
	return m.text;
}

char *
run_image(const uint8_t *buf, size_t len, const struct split *sp, unsigned opts)
{
	static struct image im;
	struct cpio_sink sink;
	struct sink_mem m;
	size_t at = 0, ci = 0;
	char where[200];

	sink_mem_init(&m, NULL);
	m.check_crc = opts & RUN_CRC;
	sink_mem_sink(&m, &sink);
	image_init(&im, &sink);
	im.mapped = opts & RUN_MAPPED;
	if (im.mapped) {
		im.map = buf;	/* read ahead in, as a mapped image is */
		im.map_end = buf + len;
	}
	m.err = &im.err;
	while (at < len) {
		size_t off = at;
		at = piece_end(sp, len, at, &ci);
		if (image_push(&im, buf + off, at - off) < 0)
			break;
	}
	image_finish(&im);
	put_error(&m, &im.err);
	if (im.err.msg) {
		image_where(&im, where, sizeof where);
		sink_mem_printf(&m, "where: %s\n", where);
	}
	if (im.late.msg) {
		sink_mem_printf(&m, "late: \"%s\" what=", im.late.msg);
		sink_mem_quote(&m, im.late.what, sizeof im.late.what);
		sink_mem_printf(&m, " offset=%llu\n", (unsigned long long)im.late.offset);
	}
	if (opts & RUN_NO_OFFSETS)
		strip_offsets(m.text);
	return m.text;
}

static char *
describe(const char *how, const char *want, const char *got)
{
	size_t i = 0;

	while (want[i] && want[i] == got[i])
		i++;
	size_t from = i > 60 ? i - 60 : 0;
	char *s = malloc(strlen(how) + 400);
	if (!s)
		abort();
	sprintf(s, "%s: differs at char %zu: whole run \"%.120s\" vs \"%.120s\"", how, i,
		want + from, got + from);
	for (char *c = s; *c; c++)
		if (*c == '\n')
			*c = '|';
	return s;
}

char *
split_check(run_fn run, const uint8_t *buf, size_t len, unsigned opts, size_t limit, char **bad)
{
	char *whole = run(buf, len, NULL, opts);
	char how[64];

	*bad = NULL;
	size_t stride = len > limit && limit ? len / limit : 1;
	size_t edge = limit / 4 < 64 ? limit / 4 : 64;
	for (size_t k = 0; k <= len && !*bad; k++) {
		if (stride > 1 && k > edge && k + edge < len && k % stride)
			continue;
		struct split sp = { &k, 1, 0 };
		char *got = run(buf, len, &sp, opts);
		if (strcmp(whole, got)) {
			snprintf(how, sizeof how, "cut at %zu", k);
			*bad = describe(how, whole, got);
		}
		free(got);
		/* an image read in place (mmap): the same record */
		if (run == run_image && !*bad) {
			got = run(buf, len, &sp, opts | RUN_MAPPED);
			if (strcmp(whole, got)) {
				snprintf(how, sizeof how, "cut at %zu, mapped", k);
				*bad = describe(how, whole, got);
			}
			free(got);
		}
	}
	size_t steps[] = { 1, 3, 7 };
	for (size_t s = 0; s < sizeof steps / sizeof *steps && !*bad; s++) {
		struct split sp = { NULL, 0, steps[s] };
		char *got = run(buf, len, &sp, opts);
		if (strcmp(whole, got)) {
			snprintf(how, sizeof how, "%zu byte(s) at a time", steps[s]);
			*bad = describe(how, whole, got);
		}
		free(got);
		if (run == run_image && !*bad) {
			got = run(buf, len, &sp, opts | RUN_MAPPED);
			if (strcmp(whole, got)) {
				snprintf(how, sizeof how, "%zu byte(s) at a time, mapped", steps[s]);
				*bad = describe(how, whole, got);
			}
			free(got);
		}
	}
	/* a few random cuttings, the same every run */
	uint32_t seed = 12345;
	for (int r = 0; r < 8 && !*bad && len; r++) {
		size_t cuts[16];
		for (int i = 0; i < 16; i++) {
			seed = seed * 1103515245 + 12345;
			cuts[i] = (seed >> 8) % (len + 1);
		}
		for (int i = 1; i < 16; i++)
			for (int j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
				size_t t = cuts[j];
				cuts[j] = cuts[j - 1];
				cuts[j - 1] = t;
			}
		struct split sp = { cuts, 16, 0 };
		char *got = run(buf, len, &sp, opts);
		if (strcmp(whole, got)) {
			snprintf(how, sizeof how, "random cutting %d", r);
			*bad = describe(how, whole, got);
		}
		free(got);
	}
	return whole;
}

int
compress(const char *const argv[], const uint8_t *buf, size_t len, struct mk_buf *out)
{
	FILE *in = tmpfile(), *res = tmpfile();
	int ok = -1;

	if (!in || !res)
		goto done;
	if (len && fwrite(buf, 1, len, in) != len)
		goto done;
	if (fflush(in) || fseek(in, 0, SEEK_SET))
		goto done;
	pid_t pid = fork();
	if (pid < 0)
		goto done;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (dup2(fileno(in), 0) < 0 || dup2(fileno(res), 1) < 0 || null < 0 || dup2(null, 2) < 0)
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		goto done;
	if (fseek(res, 0, SEEK_SET))
		goto done;
	out->len = 0;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, res)) > 0)
		mk_bytes(out, chunk, n);
	ok = 0;
done:
	if (in)
		fclose(in);
	if (res)
		fclose(res);
	return ok;
}
