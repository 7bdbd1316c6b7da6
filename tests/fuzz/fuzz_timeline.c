/* fuzz_timeline.c: libFuzzer target for the timeline's parsers
 * (boot/timeline.c): popinit's timings file and console or kmsg logs, and
 * the SVG drawn from what they gave.  Input: any bytes (a timings file
 * when they start with its first line).  Checked: at most TL_ROWS rows,
 * each ending no earlier than it starts, its kind and name printable
 * ASCII and terminated; the SVG is one document of printable ASCII and
 * newlines, every '<' opens a tag (names are escaped), every '&' an
 * entity, and it holds one row group per row.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../boot/timeline.h"

/* fuzz-options: -max_len=16384 (the seeds: a console log's head and its popinit lines, dmesg and kmsg, each cut to 16 KB; at 64 KiB the target ran at 600 to 1,400 runs/s, near the speed check) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct timeline t;

static void
fail(const char *why)
{
	fprintf(stderr, "fuzz_timeline: %s\n", why);
	abort();
}

static void
text(const char *s, size_t size)
{
	if (!memchr(s, 0, size))
		fail("a kind or name is not terminated");
	for (; *s; s++)
		if (*s < ' ' || *s > '~')
			fail("a kind or name holds a byte that is not printable ASCII");
}

static void
check_svg(const char *svg, size_t len)
{
	static const char *const entities[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
	int groups = 0;

	if (strlen(svg) != len || strncmp(svg, "<?xml ", 6) || len < 7 || strcmp(svg + len - 7, "</svg>\n"))
		fail("the SVG is not one document");
	for (size_t i = 0; i < len; i++) {
		char c = svg[i];
		if ((c < ' ' || c > '~') && c != '\n')
			fail("the SVG holds a byte that is not printable ASCII");
		if (c == '<' && !(svg[i + 1] == '/' || svg[i + 1] == '?' || (svg[i + 1] >= 'a' && svg[i + 1] <= 'z')))
			fail("a '<' that opens no tag: a name was not escaped");
		if (c == '&') {
			bool ok = false;
			for (size_t e = 0; e < sizeof entities / sizeof *entities; e++)
				ok |= !strncmp(svg + i, entities[e], strlen(entities[e]));
			if (!ok)
				fail("a '&' that starts no entity");
		}
		/* only at a '<': libFuzzer hooks every strncmp, at each byte
		 * this one took a fifth of the target's time */
		if (c == '<' && !strncmp(svg + i, "<g class=\"row ", 14))
			groups++;
	}
	if (groups != t.n)
		fail("the SVG does not hold one group a row");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	memset(&t, 0xa5, sizeof t);	/* the parser must set what it reports */
	int r = timeline_parse(&t, (const char *)data, size);
	if (r != 0 && r != -22)
		fail("a return other than 0 or -EINVAL");
	if (t.n < 0 || t.n > TL_ROWS || t.dropped < 0 || t.bad < 0 || (r == 0) != (t.n + t.dropped > 0))
		fail("counts out of bounds");
	for (int i = 0; i < t.n; i++) {
		if (t.row[i].end < t.row[i].start || t.row[i].end > TL_MAX_US || t.row[i].lane < 0)
			fail("a row ends before it starts, or too late");
		text(t.row[i].kind, sizeof t.row[i].kind);
		text(t.row[i].name, sizeof t.row[i].name);
	}
	if (r < 0)
		return 0;
	char *svg = NULL;
	size_t len = 0;
	const char *title = size && data[0] == '<' ? "<&\"'>" : "popinit: the boot";
	if (timeline_svg(&t, title, &svg, &len) < 0)
		return 0;
	check_svg(svg, len);
	free(svg);
	return 0;
}
