/* args.h: the kernel command line split as the kernel's next_arg() splits
 * it: on white space, except inside double quotes; a value's surrounding
 * quotes are dropped ("name=\"a b\"" gives name and a b). */
#ifndef POPINIT_ARGS_H
#define POPINIT_ARGS_H

#include <stdbool.h>

/* one word: PARAM and VAL (NULL without '=') */
struct args_word {
	const char *key, *val;
};

/* args_next: split the next word off *S (modified in place), giving PARAM
 * and VAL (NULL without '=').  Returns false at the end. */
bool args_next(char **s, char **param, char **val);

#endif
