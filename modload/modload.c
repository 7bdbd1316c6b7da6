/* modload.c: loading plans on a pool of threads.
 *
 * Each module becomes a job once; a job waits for its prerequisites (its
 * dependencies from modules.dep and its softdep pre: modules), then
 * runs finit_module.  Jobs
 * whose prerequisites are done run concurrently.  A failed dependency
 * fails the modules that need it without trying them.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/io.h"
#include "../lib/str.h"
#include "moddb.h"
#include "modload_int.h"

#define PLAN_MAX 256

enum { JOB_NONE, JOB_WAITING, JOB_READY, JOB_RUNNING, JOB_DONE };

static int
grow_jobs(struct modload *ml)
{
	if (ml->njobs >= ml->db->n)
		return 0;
	int n = ml->db->cap;
	struct job *j = realloc(ml->jobs, (size_t)n * sizeof *j);
	if (!j)
		return -ENOMEM;
	memset(j + ml->njobs, 0, (size_t)(n - ml->njobs) * sizeof *j);
	ml->jobs = j;
	ml->njobs = n;
	return 0;
}

/* what is in the kernel already: /proc/modules, and the built-ins */
static void
mark_loaded(struct modload *ml)
{
	char *text = moddb_slurp("/proc/modules", NULL);

	for (int k = 0; k < ml->db->n; k++)
		if (ml->db->mods[k].builtin)
			ml->jobs[k].state = JOB_DONE;
	for (char *l = text, *next; l && *l; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		l[strcspn(l, " ")] = '\0';
		int k = moddb_find(ml->db, l);
		if (k >= 0)
			ml->jobs[k].state = JOB_DONE;
	}
	free(text);
}

static int
add_waiter(struct job *j, int k)
{
	int *w = realloc(j->waiters, (size_t)(j->nwaiters + 1) * sizeof *w);

	if (!w)
		return -ENOMEM;
	j->waiters = w;
	j->waiters[j->nwaiters++] = k;
	return 0;
}

static void
make_ready(struct modload *ml, int k)
{
	if (ml->nready == ml->ready_cap) {
		/* cannot fail for want of room: a job never waits forever */
		int *r = realloc(ml->ready, (size_t)ml->ready_cap * 2 * sizeof *r);
		if (!r) {
			ml->jobs[k].dep_err = -ENOMEM;
			ml->jobs[k].state = JOB_READY;
			return;
		}
		ml->ready = r;
		ml->ready_cap *= 2;
	}
	ml->jobs[k].state = JOB_READY;
	ml->ready[ml->nready++] = k;
	pthread_cond_signal(&ml->work);
}

/* K waits for P, unless P is done (or P failed: then K fails) */
static int
needs(struct modload *ml, int k, int p)
{
	struct job *jp = &ml->jobs[p];

	if (p == k || jp->state == JOB_NONE)
		return 0;
	if (jp->state == JOB_DONE) {
		if (jp->err < 0 && jp->required && !ml->jobs[k].dep_err) {
			ml->jobs[k].dep_err = jp->err;
			ml->jobs[k].dep_name = ml->db->mods[p].name;
		}
		return 0;
	}
	ml->jobs[k].pending++;
	return add_waiter(jp, k);
}

/* a softdep's pre: modules, each a prerequisite of K; post: modules are
 * only loaded, as nothing they need can come from K (that would be a
 * dependency) */
static int
soft_pre(struct modload *ml, int k, const char *const *names, int n)
{
	for (int i = 0; i < n; i++) {
		struct hit hits[16];
		int h = moddb_lookup(ml->db, names[i], hits, 16);
		if (h < 0)
			return h;
		if (grow_jobs(ml) < 0)
			return -ENOMEM;
		for (int j = 0; j < h && j < 16; j++) {
			/* no waiting on a module that waits on K (a softdep loop) */
			struct job *jp = &ml->jobs[hits[j].mod];
			bool loop = false;
			for (int w = 0; w < ml->jobs[k].nwaiters; w++)
				loop |= ml->jobs[k].waiters[w] == hits[j].mod;
			int r = loop || jp == &ml->jobs[k] ? 0 : needs(ml, k, hits[j].mod);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* a module the blacklist hid: said once, unless it is in the kernel */
static void
hide(struct modload *ml, int k, const char *where)
{
	struct job *j = &ml->jobs[k];

	if (j->state != JOB_NONE || j->hidden)
		return;
	j->hidden = true;
	if (ml->nfail < MODLOAD_MAX_FAIL)
		ml->fail[ml->nfail++] = (struct modload_fail){ ml->db->mods[k].name, 0, false, NULL, where };
}

/* queue the plan's steps that are not jobs yet (called locked); the count
 * of steps to load (not hidden by a blacklist), or -errno */
static int
enqueue(struct modload *ml, const struct mod_step *steps, int n)
{
	int r = grow_jobs(ml), wanted = 0;

	/* first make them jobs, so that prerequisites between them are seen */
	int new[PLAN_MAX], nnew = 0;
	for (int i = 0; !r && i < n && i < PLAN_MAX; i++) {
		int k = moddb_find(ml->db, steps[i].name);
		if (k >= 0 && steps[i].blacklist) {
			hide(ml, k, steps[i].blacklist);
			continue;
		}
		wanted++;
		if (k < 0 || ml->jobs[k].state != JOB_NONE)
			continue;
		struct job *j = &ml->jobs[k];
		j->state = JOB_WAITING;
		j->required = steps[i].required;
		j->path = steps[i].path;
		j->options = strdup(steps[i].options ? steps[i].options : "");
		if (!j->options)
			r = -ENOMEM;
		new[nnew++] = k;
		ml->pending++;
	}
	for (int i = 0; !r && i < nnew; i++) {
		int k = new[i];
		const struct mod *m = &ml->db->mods[k];
		for (int d = 0; !r && d < m->ndeps; d++)
			r = needs(ml, k, m->deps[d]);
		const struct softdep *sd = modconf_softdep(ml->db, m->name);
		if (!r && sd)
			r = soft_pre(ml, k, sd->pre, sd->npre);
	}
	for (int i = 0; i < nnew; i++) {
		struct job *j = &ml->jobs[new[i]];
		if (j->state == JOB_WAITING && !j->pending)
			make_ready(ml, new[i]);
	}
	return r < 0 ? r : wanted;
}

int
modload_request(struct modload *ml, const char *name, const char *extra, unsigned flags)
{
	struct mod_step steps[PLAN_MAX];
	int r;

	pthread_mutex_lock(&ml->lock);
	int n = moddb_plan(ml->db, name, extra, flags, steps, PLAN_MAX);
	if (n < 0) {	/* -ENOENT: no such module */
		pthread_mutex_unlock(&ml->lock);
		return n;
	}
	r = enqueue(ml, steps, n < PLAN_MAX ? n : PLAN_MAX);
	moddb_plan_free(steps, n < PLAN_MAX ? n : PLAN_MAX);
	pthread_mutex_unlock(&ml->lock);
	return r < 0 ? r : r == 0;	/* nothing to load: all hidden */
}

static void
finish(struct modload *ml, int k, int err)
{
	struct job *j = &ml->jobs[k];

	j->state = JOB_DONE;
	j->err = err == -EEXIST ? 0 : err;
	if (!err)
		ml->loaded++;
	if (j->err < 0 && ml->nfail < MODLOAD_MAX_FAIL) {
		ml->fail[ml->nfail].name = ml->db->mods[k].name;
		ml->fail[ml->nfail].err = j->err;
		ml->fail[ml->nfail].required = j->required;
		ml->fail[ml->nfail].dep = j->dep_name;
		ml->nfail++;
	}
	if (j->err < 0 && j->required)
		ml->failed_required++;
	for (int i = 0; i < j->nwaiters; i++) {
		struct job *w = &ml->jobs[j->waiters[i]];
		if (j->err < 0 && j->required && !w->dep_err) {
			w->dep_err = j->err;
			w->dep_name = ml->db->mods[k].name;
		}
		if (--w->pending == 0 && w->state == JOB_WAITING)
			make_ready(ml, j->waiters[i]);
	}
	free(j->waiters);
	j->waiters = NULL;
	j->nwaiters = 0;
	if (--ml->pending == 0)
		pthread_cond_broadcast(&ml->idle);
}

static void *
worker(void *arg)
{
	struct modload *ml = arg;

	pthread_mutex_lock(&ml->lock);
	int lane = ++ml->lanes;
	for (;;) {
		while (!ml->nready && !ml->stop)
			pthread_cond_wait(&ml->work, &ml->lock);
		if (ml->stop)
			break;
		int k = ml->ready[--ml->nready];
		struct job *j = &ml->jobs[k];
		j->state = JOB_RUNNING;
		int err = j->dep_err;
		char path[4096];
		str_printf(path, sizeof path, "%s/%s", ml->db->dir, j->path ? j->path : "");
		char *options = j->options;
		bool builtin = !j->path;
		pthread_mutex_unlock(&ml->lock);
		uint64_t start = clock_us(), end = 0;
		if (!err && !builtin) {
			err = mod_finit(path, options);
			end = clock_us();
		}
		pthread_mutex_lock(&ml->lock);
		/* the jobs may have moved (grow_jobs): by index */
		ml->jobs[k].start = end ? start : 0;
		ml->jobs[k].end = end;
		ml->jobs[k].lane = lane;
		finish(ml, k, err);
	}
	pthread_mutex_unlock(&ml->lock);
	return NULL;
}

struct modload *
modload_new(struct moddb *db, int threads)
{
	struct modload *ml = calloc(1, sizeof *ml);

	if (!ml)
		return NULL;
	ml->db = db;
	if (grow_jobs(ml) < 0 || !(ml->ready = malloc((size_t)(db->cap + 4096) * sizeof *ml->ready))) {
		free(ml->jobs);
		free(ml);
		return NULL;
	}
	ml->ready_cap = db->cap + 4096;
	pthread_mutex_init(&ml->lock, NULL);
	pthread_cond_init(&ml->work, NULL);
	pthread_cond_init(&ml->idle, NULL);
	mark_loaded(ml);
	if (threads < 1)
		threads = 1;
	if (threads > MODLOAD_MAX_THREADS)
		threads = MODLOAD_MAX_THREADS;
	for (int i = 0; i < threads; i++)
		if (pthread_create(&ml->threads[ml->nthreads], NULL, worker, ml) == 0)
			ml->nthreads++;
	if (!ml->nthreads) {
		modload_free(ml);
		return NULL;
	}
	return ml;
}

int
modload_wait(struct modload *ml)
{
	pthread_mutex_lock(&ml->lock);
	while (ml->pending)
		pthread_cond_wait(&ml->idle, &ml->lock);
	int r = ml->failed_required;
	pthread_mutex_unlock(&ml->lock);
	return r;
}

int
modload_loaded(const struct modload *ml)
{
	return ml->loaded;
}

int
modload_time(const struct modload *ml, int k, struct modload_time *t)
{
	if (k < 0 || k >= ml->njobs)
		return -ENOENT;
	const struct job *j = &ml->jobs[k];
	*t = (struct modload_time){ ml->db->mods[k].name, j->start, j->end, j->lane, j->err };
	return j->end != 0;
}

const struct modload_fail *
modload_failures(const struct modload *ml, int *n)
{
	*n = ml->nfail;
	return ml->fail;
}

void
modload_free(struct modload *ml)
{
	if (!ml)
		return;
	pthread_mutex_lock(&ml->lock);
	ml->stop = true;
	pthread_cond_broadcast(&ml->work);
	pthread_mutex_unlock(&ml->lock);
	for (int i = 0; i < ml->nthreads; i++)
		pthread_join(ml->threads[i], NULL);
	for (int k = 0; k < ml->njobs; k++) {
		free(ml->jobs[k].options);
		free(ml->jobs[k].waiters);
	}
	free(ml->jobs);
	free(ml->ready);
	pthread_mutex_destroy(&ml->lock);
	pthread_cond_destroy(&ml->work);
	pthread_cond_destroy(&ml->idle);
	free(ml);
}
