/* t.h: the unit tests' few helpers.  Each check prints one line,
 * "PASS name" or "FAIL name: why"; tests/run.sh counts them.  The why is
 * kept on that line: newlines in it (records) are shown as '|', and it
 * is cut at T_WHY_MAX bytes. */
#ifndef POPINIT_T_H
#define POPINIT_T_H

#include <stdio.h>
#include <string.h>

extern int t_failed;

#define T_WHY_MAX 2000

/* t_fail: print "FAIL NAME: WHY (FILE:LINE)" on one line */
void t_fail(const char *name, const char *why, const char *file, int line);

#define T_CHECK(name, cond, ...) do { \
	if (cond) { \
		printf("PASS %s\n", (name)); \
	} else { \
		char t_why_[T_WHY_MAX + 1]; \
		snprintf(t_why_, sizeof t_why_, __VA_ARGS__); \
		t_fail((name), t_why_, __FILE__, __LINE__); \
	} \
} while (0)

/* each test file provides one entry point, called by unit/main.c */
void test_cpio(void);
void test_io(void);
void test_image(void);
void test_links(void);
void test_sha256(void);
void test_lz4_lent(void);

#endif
