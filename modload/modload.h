/* modload.h: kernel modules, resolved as modprobe resolves them and loaded
 * with finit_module(2), without kmod: its text files are read directly.
 *
 *   DIR/modules.dep        "kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko ..."
 *                          (every dependency; the last is loaded first)
 *   DIR/modules.alias      "alias PATTERN MODULE" (fnmatch patterns)
 *   DIR/modules.softdep    "softdep MODULE pre: A B post: C"
 *   DIR/modules.builtin    "kernel/block/mq-deadline.ko" (built in: loaded)
 *   DIR/modules.builtin.modinfo   "module.alias=NAME" records, NUL-separated
 *   DIR/modules.symbols    "alias symbol:NAME MODULE"
 *   /etc/modprobe.d/ (and /run, /usr/local/lib, /lib, /usr/lib): alias,
 *   blacklist, options, softdep; the kernel command line's words:
 *   MODULE.PARAM=V, modprobe.blacklist=, module_blacklist=
 *
 * Without modules.dep the modules' own .modinfo (depends=, alias=) is read.
 * Names are compared with '-' and '_' equal, as modprobe does.
 */
#ifndef POPINIT_MODLOAD_H
#define POPINIT_MODLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/args.h"

struct moddb;

/* moddb_open: the database of the modules in DIR (/lib/modules/VERSION).
 * WORDS are the N words of the kernel command line (options, blacklists;
 * init/cmdline.h splits it).  CONFROOT prefixes the modprobe.d
 * directories ("" for the real ones).  Returns NULL with *err set. */
struct moddb *moddb_open(const char *dir, const char *confroot, const struct args_word *words, int n,
			 int *err);
void moddb_close(struct moddb *db);

/* one step of a load plan */
struct mod_step {
	const char *name;	/* module name, normalized */
	const char *path;	/* of the .ko relative to the db's dir; NULL: built in */
	const char *options;	/* parameters, "" if none */
	bool required;		/* a failure matters (not a softdep) */
	const char *blacklist;	/* not NULL: not to be loaded, hidden by the
				 * blacklist of this file or parameter */
};

/* A blacklist always hides the modules a name finds as an alias (modprobe);
 * MOD_APPLY_BLACKLIST hides a module asked for by its own name too (modprobe
 * -b; systemd's modules-load= and modules-load.d, coldplug). */
#define MOD_APPLY_BLACKLIST 1u

/* moddb_plan: what loading NAME takes, in modprobe --show-depends order:
 * STEPS gets up to MAX steps; returns their count (may exceed MAX), or
 * -ENOENT if NAME is unknown.  A module the blacklist hides (FLAGS) is one
 * step, with .blacklist set, and nothing it needs is planned for it.
 * EXTRA options apply to NAME's own module. */
int moddb_plan(struct moddb *db, const char *name, const char *extra, unsigned flags, struct mod_step *steps,
	       int max);
/* moddb_plan_free: what a plan of N (<= MAX) steps holds */
void moddb_plan_free(struct mod_step *steps, int n);

/* The loader: independent modules load concurrently on THREADS threads,
 * each after its dependencies; no module is attempted twice. */
struct modload;
struct modload *modload_new(struct moddb *db, int threads);
/* modload_request: load NAME and what it needs (asynchronously); FLAGS
 * as moddb_plan's.  Returns 0, -ENOENT (unknown name) or 1 (every module
 * NAME stands for is blacklisted: nothing to load; each is reported once
 * among the failures, with .blacklist set). */
int modload_request(struct modload *ml, const char *name, const char *extra, unsigned flags);
/* modload_wait: until nothing is loading; returns the count of required
 * modules that failed */
int modload_wait(struct modload *ml);
void modload_free(struct modload *ml);
/* modload_loaded: how many modules this loader loaded (EEXIST excluded) */
int modload_loaded(const struct modload *ml);

/* the failures so far: for the caller to report */
struct modload_fail {
	const char *name;
	int err;		/* negative errno; 0 when blacklisted */
	bool required;		/* a dependency or a requested module */
	const char *dep;	/* not tried: this dependency failed */
	const char *blacklist;	/* not tried: hidden by this blacklist */
};
const struct modload_fail *modload_failures(const struct modload *ml, int *n);

/* modload_time: the Kth module's load (0 <= K, in no order), when
 * nothing is loading (after modload_wait): 1 with T filled if
 * finit_module ran for it, 0 if not, -ENOENT past the last */
struct modload_time {
	const char *name;
	uint64_t start, end;	/* clock_us() */
	int thread;		/* 1..N */
	int err;		/* 0, or the load's -errno */
};
int modload_time(const struct modload *ml, int k, struct modload_time *t);

/* modload_coldplug: load the drivers of every device of /sys/devices
 * (their modalias files), and of the devices that loading reveals, until
 * no new device appears.  Returns the count of modaliases seen. */
int modload_coldplug(struct modload *ml);

/* mod_finit: load the module file PATH (plain or .ko.xz/.gz/.zst) with
 * OPTIONS; 0, or -errno (-EEXIST: already loaded). */
int mod_finit(const char *path, const char *options);
/* mod_why: a likely cause for a load error */
const char *mod_why(int err);
/* mod_normalize: '-' to '_' in a module name, up to its first '.' */
void mod_normalize(char *name);

#endif
