/* str.c: see str.h */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "str.h"

int
str_printf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		if (size)
			buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	return n;
}

char *
str_item(char **s, char sep)
{
	char *p = *s;

	while (p && *p == sep)
		p++;
	if (!p || !*p) {
		*s = p;
		return NULL;
	}
	char *end = strchr(p, sep);
	if (end)
		*end++ = '\0';
	*s = end;
	return p;
}
