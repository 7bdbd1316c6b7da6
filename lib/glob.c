/* glob.c: see glob.h.  Iterative, with one backtrack point for the last
 * "*", so it runs in O(len(pat) * len(s)) at worst. */
#include "glob.h"

/* match one bracket expression at *P against C; advance *P past it.
 * An unterminated "[" is a literal "[". */
static bool
bracket(const char **p, char c, bool *ok)
{
	const char *q = *p + 1;
	bool neg = false, hit = false;

	if (*q == '!' || *q == '^') {
		neg = true;
		q++;
	}
	const char *start = q;
	while (*q && (*q != ']' || q == start)) {
		char lo = *q, hi;
		if (lo == '\\' && q[1])
			lo = *++q;
		if (q[1] == '-' && q[2] && q[2] != ']') {
			hi = q[2];
			if (hi == '\\' && q[3])
				hi = *(q += 1, q + 2);
			q += 3;
		} else {
			hi = lo;
			q++;
		}
		if ((unsigned char)c >= (unsigned char)lo && (unsigned char)c <= (unsigned char)hi)
			hit = true;
	}
	if (*q != ']') {
		*ok = false;	/* not a bracket: "[" is literal */
		return c == '[';
	}
	*ok = true;
	*p = q + 1;
	return hit != neg;
}

bool
glob_match(const char *p, const char *s)
{
	const char *star_p = 0, *star_s = 0;

	for (;;) {
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (!*p)
				return true;
			star_p = p;
			star_s = s;
			continue;
		}
		if (*s) {
			bool match = false;
			const char *np = p + 1;
			if (*p == '?') {
				match = true;
			} else if (*p == '[') {
				bool ok;
				const char *q = p;
				match = bracket(&q, *s, &ok);
				if (ok)
					np = q;
			} else if (*p == '\\' && p[1]) {
				match = p[1] == *s;
				np = p + 2;
			} else if (*p) {
				match = *p == *s;
			}
			if (match) {
				p = np;
				s++;
				continue;
			}
		} else if (!*p) {
			return true;
		}
		/* mismatch: let the last star take one more character */
		if (!star_p || !*star_s)
			return false;
		p = star_p;
		s = ++star_s;
	}
}
