/* modload_int.h: the loader's insides (modload.c, coldplug.c). */
#ifndef POPINIT_MODLOAD_INT_H
#define POPINIT_MODLOAD_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "moddb.h"

#define MODLOAD_MAX_FAIL 64
#define MODLOAD_MAX_THREADS 16

struct job {
	int state;
	int err;
	bool required;
	bool hidden;		/* by a blacklist, and reported */
	int pending;		/* prerequisites not done */
	int *waiters, nwaiters;
	const char *path;	/* relative; NULL for a built-in */
	char *options;
	int dep_err;		/* a required prerequisite failed with this */
	const char *dep_name;
	uint64_t start, end;	/* finit_module's, clock_us(); 0: not run */
	int lane;		/* the thread that ran it, 1..N */
};

struct modload {
	struct moddb *db;
	pthread_mutex_t lock;
	pthread_cond_t work, idle;
	struct job *jobs;
	int njobs;
	int *ready, nready, ready_cap;
	int pending;		/* jobs not done */
	bool stop;
	pthread_t threads[MODLOAD_MAX_THREADS];
	int nthreads;
	int lanes;		/* threads numbered so far */
	int loaded, failed_required;
	struct modload_fail fail[MODLOAD_MAX_FAIL];
	int nfail;
};

#endif
