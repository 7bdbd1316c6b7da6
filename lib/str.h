/* str.h: bounded formatting. */
#ifndef POPINIT_STR_H
#define POPINIT_STR_H

#include <stddef.h>

/* str_printf: snprintf that never yields a truncated string: on
 * truncation BUF becomes "" (so a path built with it names nothing) and
 * -ENAMETOOLONG is returned; else the length. */
int str_printf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
