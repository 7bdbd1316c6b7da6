/* args.c: the kernel's command-line splitting.  See args.h. */
#include <stddef.h>

#include "args.h"

static bool
space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool
args_next(char **s, char **param, char **val)
{
	char *args = *s;
	size_t i, equals = 0;
	bool in_quote = false, quoted = false;

	while (space(*args))
		args++;
	if (!*args)
		return false;
	if (*args == '"') {
		args++;
		in_quote = quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (space(args[i]) && !in_quote)
			break;
		if (!equals && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*param = args;
	if (!equals) {
		*val = NULL;
	} else {
		args[equals] = '\0';
		*val = args + equals + 1;
		if (**val == '"') {
			(*val)++;
			if (i && args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i]) {
		args[i] = '\0';
		*s = args + i + 1;
	} else {
		*s = args + i;
	}
	return true;
}

