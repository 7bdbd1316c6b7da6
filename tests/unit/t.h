/* t.h: the unit tests' few helpers.  Each check prints one line,
 * "PASS name" or "FAIL name: why"; tests/run.sh counts them. */
#ifndef POPINIT_T_H
#define POPINIT_T_H

#include <stdio.h>
#include <string.h>

extern int t_failed;

#define T_CHECK(name, cond, ...) do { \
	if (cond) { \
		printf("PASS %s\n", (name)); \
	} else { \
		t_failed++; \
		printf("FAIL %s: ", (name)); \
		printf(__VA_ARGS__); \
		printf(" (%s:%d)\n", __FILE__, __LINE__); \
	} \
} while (0)

/* each test file provides one entry point, called by unit/main.c */
void test_cpio(void);
void test_image(void);
void test_links(void);

#endif
