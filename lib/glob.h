/* glob.h: shell wildcard matching for module aliases, as fnmatch(3) with
 * no flags does for the patterns depmod writes: "*", "?", "[a-z0-9]",
 * "[!x]" (also "[^x]"), and "\" to quote.  No character classes and no
 * locale: libc's fnmatch pulls in 10 KB of wide-character tables. */
#ifndef POPINIT_GLOB_H
#define POPINIT_GLOB_H

#include <stdbool.h>

bool glob_match(const char *pat, const char *s);

#endif
