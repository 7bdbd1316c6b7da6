/* timeline.c: see timeline.h */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeline.h"

#define MAGIC "popinit-timings 1\n"

/* copy at most SIZE - 1 bytes of S (N long) to OUT, each byte that is not
 * printable ASCII as '?': whatever the input, a name is one line of text
 * an SVG document can hold */
static void
copy_text(char *out, size_t size, const char *s, size_t n)
{
	if (n > size - 1)
		n = size - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = s[i] >= ' ' && s[i] < 127 ? s[i] : '?';
	out[n] = '\0';
}

static struct tl_row *
add(struct timeline *t, const char *kind, const char *name, size_t nlen, uint64_t start, uint64_t end, int lane)
{
	if (end < start || end > TL_MAX_US) {	/* a log's lines out of order */
		t->bad++;
		return NULL;
	}
	if (t->n >= TL_ROWS) {
		t->dropped++;
		return NULL;
	}
	struct tl_row *r = &t->row[t->n++];
	copy_text(r->kind, sizeof r->kind, kind, strlen(kind));
	copy_text(r->name, sizeof r->name, name, nlen);
	r->start = start;
	r->end = end;
	r->lane = lane;
	return r;
}

/* a decimal number at *S (at least one digit, at most MAX); *S past it */
static bool
number(const char **s, const char *e, uint64_t max, uint64_t *v)
{
	const char *p = *s;

	*v = 0;
	while (p < e && *p >= '0' && *p <= '9') {
		*v = *v * 10 + (uint64_t)(*p - '0');
		if (*v > max)
			return false;
		p++;
	}
	if (p == *s)
		return false;
	*s = p;
	return true;
}

static bool
space(const char **s, const char *e)
{
	if (*s >= e || **s != ' ')
		return false;
	++*s;
	return true;
}

/* one line of a timings file: KIND START END LANE NAME */
static bool
timings_line(struct timeline *t, const char *s, const char *e)
{
	const char *k = s;
	uint64_t start, end, lane;

	while (s < e && ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
		s++;
	size_t klen = (size_t)(s - k);
	if (!klen || klen >= TL_KIND || !space(&s, e) || !number(&s, e, TL_MAX_US, &start) || !space(&s, e) ||
	    !number(&s, e, TL_MAX_US, &end) || !space(&s, e) || !number(&s, e, 999, &lane) || !space(&s, e) ||
	    s >= e || end < start)
		return false;
	char kind[TL_KIND];
	memcpy(kind, k, klen);
	kind[klen] = '\0';
	if (e - s == 1 && *s == '-')
		s = e;
	add(t, kind, s, (size_t)(e - s), start, end, (int)lane);
	return true;
}

/* a log line's time stamp: "[   1.523412] " (console, dmesg; after an
 * optional "<N>") or "P,SEQ,USEC,FLAGS;" (/dev/kmsg); *S past it */
static bool
stamp(const char **s, const char *e, uint64_t *us)
{
	const char *p = *s;
	uint64_t sec, frac, v;

	if (p < e && *p == '<') {
		while (p < e && *p != '>')
			p++;
		if (p++ >= e)
			return false;
	}
	if (p < e && *p == '[') {
		for (p++; p < e && *p == ' '; p++)
			;
		const char *f;
		if (!number(&p, e, TL_MAX_US / 1000000, &sec) || p >= e || *p++ != '.')
			return false;
		f = p;
		if (!number(&p, e, 999999999, &frac) || p >= e || *p++ != ']')
			return false;
		for (long digits = p - 1 - f; digits < 6; digits++)
			frac *= 10;
		for (long digits = p - 1 - f; digits > 6; digits--)
			frac /= 10;
		*us = sec * 1000000 + frac;
		if (p < e && *p == ' ')
			p++;
		*s = p;
		return true;
	}
	/* kmsg: priority, sequence, microseconds, flags */
	if (!number(&p, e, 1000000, &v) || p >= e || *p++ != ',' || !number(&p, e, UINT64_MAX / 16, &v) ||
	    p >= e || *p++ != ',' || !number(&p, e, TL_MAX_US, us))
		return false;
	while (p < e && *p != ';')
		p++;
	if (p >= e)
		return false;
	*s = p + 1;
	return true;
}

/* S..E holds WORD: where, or NULL */
static const char *
find(const char *s, const char *e, const char *word)
{
	size_t n = strlen(word);

	for (; s + n <= e; s++)
		if (!memcmp(s, word, n))
			return s;
	return NULL;
}

/* the "N ms" that ends S..E: N in microseconds, or false */
static bool
ends_ms(const char *s, const char *e, uint64_t *us)
{
	const char *p;

	if (e - s < 4 || memcmp(e - 3, " ms", 3))
		return false;
	p = e - 3;
	while (p > s && p[-1] >= '0' && p[-1] <= '9')
		p--;
	uint64_t ms;
	if (!number(&p, e, TL_MAX_US / 1000, &ms) || p != e - 3)
		return false;
	*us = ms * 1000;
	return true;
}

/* a phase that ended at T, its duration at the line's end */
static void
phase(struct timeline *t, const char *kind, const char *name, const char *ne, uint64_t at, const char *s,
      const char *e)
{
	uint64_t d;

	if (!ends_ms(s, e, &d))
		return;
	add(t, kind, name, (size_t)(ne - name), d <= at ? at - d : 0, at, 0);
}

/* one line of a log */
static void
log_line(struct timeline *t, const char *s, const char *e, uint64_t *initramfs)
{
	uint64_t at;
	const char *p, *q;

	if (!stamp(&s, e, &at))
		return;
	if (find(s, e, "Trying to unpack rootfs image as initramfs"))
		*initramfs = at + 1;	/* 0: not seen */
	else if (find(s, e, "Freeing initrd memory") && *initramfs)
		add(t, "initramfs", "the kernel unpacks", 18, *initramfs - 1, at, 0);
	else if ((p = find(s, e, "Run ")) && find(p, e, " as init process"))
		add(t, "kernel", "", 0, 0, at, 0);
	if (!(p = find(s, e, "popinit: ")))
		return;
	s = p + 9;
	if (e - s > 7 && !memcmp(s, "fatal: ", 7))
		add(t, "fatal", s + 7, (size_t)(e - s - 7), at, at, 0);
	else if (e - s > 9 && !memcmp(s, "unpacked ", 9) && (p = find(s + 9, e, " in ")))
		phase(t, "unpack", s + 9, p, at, s, e);
	else if (e - s > 7 && !memcmp(s, "loaded ", 7) && (p = find(s + 7, e, " in ")))
		phase(t, "modules", s + 7, p, at, s, e);
	else if (e - s > 12 && !memcmp(s, "root device ", 12) && (p = find(s + 12, e, " is ")))
		phase(t, "root", s + 12, p, at, s, e);
	else if (e - s > 18 && !memcmp(s, "switching root to ", 18) && (p = find(s + 18, e, ", init ")) &&
		 (q = find(p + 7, e, ", after ")))
		add(t, "init", p + 7, (size_t)(q - p - 7), at, at, 0);
	else if (e - s > 16 && !memcmp(s, "handing over to ", 16) && (p = find(s + 16, e, " after ")))
		add(t, "init", s + 16, (size_t)(p - s - 16), at, at, 0);
}

int
timeline_parse(struct timeline *t, const char *text, size_t len)
{
	const char *s = text, *end = text + len;
	bool file = len >= sizeof MAGIC - 1 && !memcmp(text, MAGIC, sizeof MAGIC - 1);
	uint64_t initramfs = 0;

	memset(t, 0, sizeof *t);
	t->from_log = !file;
	if (file)
		s += sizeof MAGIC - 1;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		const char *next = nl ? nl + 1 : end;
		if (e > s && e[-1] == '\r')
			e--;
		if (!file)
			log_line(t, s, e, &initramfs);
		else if (e > s && *s != '#' && !timings_line(t, s, e))
			t->bad++;
		s = next;
	}
	return t->n + t->dropped ? 0 : -EINVAL;
}

/* the drawing */

#define W 1100		/* the document's width */
#define LABEL 300	/* the names' column */
#define CHART (W - LABEL - 90)	/* the bars' width; the rest: durations */
#define ROW 18
#define TOP 56

static int
by_start(const void *a, const void *b)
{
	const struct tl_row *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* TEXT with XML's five characters escaped, any byte that is not
 * printable ASCII as '?' (names are already; a title may not be) */
static void
xml(FILE *f, const char *text)
{
	for (; *text; text++)
		switch (*text) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default: fputc(*text >= ' ' && *text < 127 ? *text : '?', f);
		}
}

static const char *
color(const char *kind)
{
	static const struct { const char *kind, *color; } c[] = {
		{ "kernel", "#9e9e9e" }, { "initramfs", "#bdbdbd" }, { "setup", "#90caf9" },
		{ "image", "#42a5f5" }, { "unpack", "#42a5f5" }, { "modules", "#a5d6a7" },
		{ "module", "#43a047" }, { "root", "#ffb74d" }, { "init", "#8e24aa" },
		{ "run", "#8e24aa" }, { "fatal", "#e53935" },
	};

	for (size_t i = 0; i < sizeof c / sizeof *c; i++)
		if (!strcmp(kind, c[i].kind))
			return c[i].color;
	return "#78909c";
}

/* a tick step of 1, 2 or 5 times a power of ten (µs): at most 12 ticks */
static uint64_t
tick_step(uint64_t span)
{
	for (uint64_t p = 1000; p < TL_MAX_US; p *= 10)
		for (int m = 1; m <= 5; m += m == 1 ? 1 : 3)
			if (span / (p * (uint64_t)m) <= 12)
				return p * (uint64_t)m;
	return TL_MAX_US;
}

static void
ms(FILE *f, uint64_t us)
{
	if (us >= 100000 || us % 1000 == 0)
		fprintf(f, "%llu ms", (unsigned long long)((us + 500) / 1000));
	else
		fprintf(f, "%llu.%llu ms", (unsigned long long)(us / 1000), (unsigned long long)(us % 1000 / 100));
}

static void
draw_row(FILE *f, const struct tl_row *r, int y, double scale)
{
	double x = LABEL + (double)r->start * scale, w = (double)(r->end - r->start) * scale;

	fprintf(f, "<g class=\"row %s\">", r->kind);
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"label\">", LABEL - 6, y + ROW - 5);
	xml(f, r->kind);
	if (r->name[0])
		fputc(' ', f), xml(f, r->name);
	if (r->lane)
		fprintf(f, " [%d]", r->lane);
	fputs("</text>", f);
	if (r->end == r->start)
		fprintf(f, "<path d=\"M%.1f %d l5 7 l-5 7 l-5 -7 z\" fill=\"%s\">", x, y + 1, color(r->kind));
	else
		fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">", x, y + 2,
			w < 1 ? 1 : w, ROW - 4, color(r->kind));
	fputs("<title>", f);
	xml(f, r->kind);
	fputc(' ', f);
	xml(f, r->name);
	fputs(": ", f);
	ms(f, r->start);
	fputs(" to ", f);
	ms(f, r->end);
	fputs("</title>", f);
	fputs(r->end == r->start ? "</path>" : "</rect>", f);
	fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"dur\">", x + (w < 1 ? 1 : w) + 6, y + ROW - 5);
	if (r->end == r->start)
		ms(f, r->start);
	else
		ms(f, r->end - r->start);
	fputs("</text></g>\n", f);
}

int
timeline_svg(struct timeline *t, const char *title, char **out, size_t *len)
{
	uint64_t last = 1, init = 0;
	FILE *f = open_memstream(out, len);

	if (!f)
		return -ENOMEM;
	qsort(t->row, (size_t)t->n, sizeof *t->row, by_start);
	for (int i = 0; i < t->n; i++) {
		if (t->row[i].end > last)
			last = t->row[i].end;
		if (!strcmp(t->row[i].kind, "init") && !init)
			init = t->row[i].start;
	}
	double scale = (double)CHART / (double)last;
	int h = TOP + t->n * ROW + 30;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n"
		   "<style>text { font: 12px sans-serif; fill: #222; } .label { text-anchor: end; } "
		   ".dur { fill: #555; font-size: 11px; } .title { font-size: 16px; font-weight: bold; } "
		   ".tick { stroke: #ddd; }</style>\n"
		   "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"10\" y=\"20\" class=\"title\">",
		W, h, W, h);
	xml(f, title);
	fputs("</text>\n<text x=\"10\" y=\"38\">", f);
	if (init) {
		fputs("the real init started after ", f);
		ms(f, init);
		fputs("; ", f);
	}
	fprintf(f, "%d rows%s", t->n, t->from_log ? ", from a log" : "");
	if (t->dropped)
		fprintf(f, ", %d more not drawn", t->dropped);
	fputs("</text>\n", f);
	uint64_t step = tick_step(last);
	for (uint64_t x = 0; x <= last; x += step) {
		double px = LABEL + (double)x * scale;
		fprintf(f, "<line class=\"tick\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", px, TOP - 4, px,
			TOP + t->n * ROW);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"dur\">", px + 2, TOP + t->n * ROW + 14);
		ms(f, x);
		fputs("</text>\n", f);
	}
	for (int i = 0; i < t->n; i++)
		draw_row(f, &t->row[i], TOP + i * ROW, scale);
	fputs("</svg>\n", f);
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}
