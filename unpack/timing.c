/* timing.c: see timing.h */
#include <string.h>

#include "../lib/clock.h"
#include "timing.h"

const char *const tm_names[TM_PHASES] = {
	"other", "read", "decode", "parse", "queue", "write", "meta", "idle", "give",
};

void
tm_start(struct timing *t, bool on)
{
	memset(t, 0, sizeof *t);
	t->on = on;
	if (on)
		t->since = clock_ns();
}

enum tm_phase
tm_enter(struct timing *t, enum tm_phase p)
{
	if (!t)
		return TM_OTHER;
	enum tm_phase was = t->at;

	if (t->on && p != was) {
		uint64_t now = clock_ns();
		t->ns[was] += now - t->since;
		t->since = now;
		t->at = p;
	}
	return was;
}

void
tm_stop(struct timing *t)
{
	if (t && t->on) {
		uint64_t now = clock_ns();
		t->ns[t->at] += now - t->since;
		t->since = now;
	}
}
