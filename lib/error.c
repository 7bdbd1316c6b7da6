/* error.c: see error.h */
#include <string.h>

#include "error.h"

void
error_set(struct error *e, const char *msg, const char *why, int err, const char *what, uint64_t offset)
{
	if (e->msg)
		return;
	e->msg = msg;
	e->why = why;
	e->err = err;
	e->offset = offset;
	e->where[0] = '\0';
	size_t n = what ? strnlen(what, sizeof e->what - 1) : 0;
	if (n)
		memcpy(e->what, what, n);
	e->what[n] = '\0';
}
