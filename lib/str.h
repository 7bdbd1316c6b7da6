/* str.h: bounded formatting. */
#ifndef POPINIT_STR_H
#define POPINIT_STR_H

#include <stddef.h>

/* str_printf: snprintf that never yields a truncated string: on
 * truncation BUF becomes "" (so a path built with it names nothing) and
 * -ENAMETOOLONG is returned; else the length. */
int str_printf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* str_item: the next non-empty item of the SEP-separated list at *S
 * ("a,,b": "a", then "b"), NUL-terminated in place; *S moves past it.
 * NULL at the end. */
char *str_item(char **s, char sep);

#endif
