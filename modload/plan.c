/* plan.c: the order modprobe loads things in (kmod's probe list):
 *
 *   for each dependency D of M (modules.dep, last listed first):
 *       D's softdep pre: modules (each with its own plan), D, its post:
 *   M's pre:, M, M's post:
 *
 * A module's plan is made once per request (a visited mark); softdeps
 * are not required (their failures are ignored), dependencies are.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moddb.h"

#define PLAN_HITS 64

struct plan {
	struct moddb *db;
	struct mod_step *steps;
	int n, max;
	int top;		/* the requested module */
	const char *alias;	/* the name it was asked by, if an alias */
	const char *extra;
	int err;
};

static void probe_list(struct plan *p, int k, bool required);

static void
append(struct plan *p, int k)
{
	struct mod *m = &p->db->mods[k];

	if (p->n < p->max) {
		/* every field: the caller's steps may hold anything (a step the
		 * blacklist hides is made by hidden(), below) */
		struct mod_step *s = &p->steps[p->n];
		*s = (struct mod_step){ m->name, m->path, NULL, m->required, NULL };
		s->options = modconf_options(p->db, m->name, k == p->top ? p->alias : NULL,
					     k == p->top ? p->extra : NULL);
		if (!s->options)
			p->err = -ENOMEM;
	}
	p->n++;
}

/* the modules a softdep name stands for: every lookup hit */
static void
softdeps_of(struct plan *p, const char *const *names, int n)
{
	for (int i = 0; i < n; i++) {
		struct hit hits[PLAN_HITS];
		int h = moddb_lookup(p->db, names[i], hits, PLAN_HITS);
		if (h < 0) {
			p->err = h;
			return;
		}
		for (int j = 0; j < h && j < PLAN_HITS; j++)
			probe_list(p, hits[j].mod, false);
	}
}

static void
fill_softdep(struct plan *p, int k)
{
	const struct softdep *sd = modconf_softdep(p->db, p->db->mods[k].name);

	if (sd)
		softdeps_of(p, sd->pre, sd->npre);
	append(p, k);
	if (sd)
		softdeps_of(p, sd->post, sd->npost);
}

static void
probe_list(struct plan *p, int k, bool required)
{
	struct mod *m = &p->db->mods[k];

	if (m->visited)
		return;
	m->visited = true;
	int nd = m->ndeps;
	int *deps = m->deps;
	if (required) {
		m->required = true;
		for (int i = 0; i < nd; i++)
			p->db->mods[deps[i]].required = true;
	}
	for (int i = 0; i < nd; i++)
		fill_softdep(p, deps[i]);
	fill_softdep(p, k);
}

/* plan one module found by lookup */
int
moddb_plan_mod(struct moddb *db, int k, const char *alias, const char *extra, struct mod_step *steps, int max)
{
	struct plan p = { db, steps, 0, max, k, alias, extra, 0 };

	for (int i = 0; i < db->n; i++)
		db->mods[i].visited = db->mods[i].required = false;
	probe_list(&p, k, true);
	if (p.err < 0) {
		moddb_plan_free(steps, p.n < max ? p.n : max);
		return p.err;
	}
	return p.n;
}

void
moddb_plan_free(struct mod_step *steps, int n)
{
	for (int i = 0; i < n; i++)
		free((char *)steps[i].options);
}

/* the step of a module that the blacklist WHERE hides */
static int
hidden(const struct mod *m, const char *where, struct mod_step *steps, int max)
{
	if (max > 0)
		steps[0] = (struct mod_step){ m->name, m->path, NULL, false, where };
	return 1;
}

int
moddb_plan(struct moddb *db, const char *name, const char *extra, unsigned flags, struct mod_step *steps, int max)
{
	struct hit hits[PLAN_HITS];
	int h = moddb_lookup(db, name, hits, PLAN_HITS), total = 0;

	if (h < 0)
		return h;
	if (!h)
		return -ENOENT;
	for (int j = 0; j < h && j < PLAN_HITS; j++) {
		struct mod *m = &db->mods[hits[j].mod];
		/* a blacklist hides modules found by an alias; by name too
		 * when asked to */
		const char *bl = hits[j].by_alias || (flags & MOD_APPLY_BLACKLIST) ? modconf_blacklisted(db, m->name)
										   : NULL;
		struct mod_step *at = steps + (total < max ? total : max);
		int left = total < max ? max - total : 0;
		int n = bl ? hidden(m, bl, at, left)
			   : moddb_plan_mod(db, hits[j].mod, hits[j].by_alias ? name : NULL, extra, at, left);
		if (n < 0) {
			moddb_plan_free(steps, total < max ? total : max);
			return n;
		}
		total += n;
	}
	return total;
}
