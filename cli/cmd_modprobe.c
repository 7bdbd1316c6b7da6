/* cmd_modprobe.c: popinit modprobe [-n|-D] [-v] [-q] [-a] [-b] [-d ROOT] [-S VERSION] NAME [PARAM...]
 *
 * As kmod's modprobe: NAME is a module or an alias; with -a every
 * argument is one.  The blacklist hides the modules an alias finds; with
 * -b (--use-blacklist) a module named itself too (-v says so).  -n (or -D, --show-depends) prints the plan in
 * `modprobe --show-depends` form ("insmod PATH OPTIONS", "builtin NAME")
 * and loads nothing.  The kernel runs it as "modprobe -q -- NAME" when
 * /proc/sys/kernel/modprobe points at popinit.  -j N loads on N threads
 * (default 4).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../init/cmdline.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "../lib/str.h"
#include "../modload/modload.h"
#include "cmd.h"

#define PLAN_MAX 512

struct modprobe {
	bool dry, all, quiet;
	unsigned flags;		/* MOD_APPLY_BLACKLIST with -b */
	int verbose, jobs;
	const char *root, *version;
	char dir[4096];		/* ROOT/lib/modules/VERSION */
	char extra[4096];	/* without -a, the words after NAME: its parameters */
};

/* the options; the index of the first name, or -1 after logging */
static int
modprobe_args(int argc, char **argv, struct modprobe *mp)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "-n") || !strcmp(a, "-D") || !strcmp(a, "--show-depends") ||
			   !strcmp(a, "--dry-run")) {
			mp->dry = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			mp->verbose++;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			mp->quiet = true;
		} else if (!strcmp(a, "-a") || !strcmp(a, "--all")) {
			mp->all = true;
		} else if (!strcmp(a, "-b") || !strcmp(a, "--use-blacklist")) {
			/* the blacklist hides names too, not only aliases */
			mp->flags |= MOD_APPLY_BLACKLIST;
		} else if (!strcmp(a, "-j") && i + 1 < argc) {
			mp->jobs = atoi(argv[++i]);
		} else if ((!strcmp(a, "-d") || !strcmp(a, "-S")) && i + 1 < argc) {
			if (a[1] == 'd')
				mp->root = argv[++i];
			else
				mp->version = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			log_fatal("modprobe: unknown option %s", a);
			return -1;
		} else {
			break;
		}
	}
	if (i >= argc) {
		(void)cmd_usage("modprobe");
		return -1;
	}
	for (int k = i + 1; !mp->all && k < argc; k++) {
		size_t l = strlen(mp->extra);
		snprintf(mp->extra + l, sizeof mp->extra - l, "%s%s", l ? " " : "", argv[k]);
	}
	return i;
}

/* the tree's database, its directory in mp->dir; NULL after logging
 * (*CODE the exit code) */
static struct moddb *
modprobe_db(struct modprobe *mp, int *code)
{
	static struct utsname u;	/* mp->version may point into it */
	char cwd[4096] = "";
	int err;

	*code = EXIT_TEMP;
	if (!mp->version) {
		if (uname(&u) < 0) {
			log_fatal("modprobe: uname: %s", strerror(errno));
			return NULL;
		}
		mp->version = u.release;
	}
	/* a relative ROOT is made absolute, as kmod prints it */
	if (mp->root[0] && mp->root[0] != '/' && !getcwd(cwd, sizeof cwd - 1)) {
		log_fatal("modprobe: getcwd: %s", strerror(errno));
		return NULL;
	}
	if (str_printf(mp->dir, sizeof mp->dir, "%s%s%s/lib/modules/%s", cwd, cwd[0] ? "/" : "", mp->root,
		       mp->version) < 0) {
		log_fatal("modprobe: %s: %s", mp->root, strerror(ENAMETOOLONG));
		*code = EXIT_USAGE;
		return NULL;
	}
	/* the options and blacklists of the running kernel's command line */
	static struct boot_opts cmdline;
	(void)cmdline_read(&cmdline);
	struct moddb *db = moddb_open(mp->dir, mp->root, cmdline.words, cmdline.n_words, &err);
	if (!db && !mp->quiet)
		log_fatal("modprobe: unable to read the modules of %s: %s", mp->dir, strerror(-err));
	return db;
}

/* -n: NAME's plan, as modprobe --show-depends prints it; an exit code */
static int
show_plan(const struct modprobe *mp, struct moddb *db, const char *name)
{
	static struct mod_step steps[PLAN_MAX];
	int n = moddb_plan(db, name, mp->extra, mp->flags, steps, PLAN_MAX);

	if (n < 0) {
		if (!mp->quiet)
			log_fatal("modprobe: module %s not found in %s", name, mp->dir);
		return EXIT_USAGE;
	}
	for (int s = 0; s < n && s < PLAN_MAX; s++) {
		if (steps[s].blacklist)
			continue;	/* kmod shows nothing for it */
		if (steps[s].path)
			printf("insmod %s/%s %s\n", mp->dir, steps[s].path, steps[s].options);
		else
			printf("builtin %s\n", steps[s].name);
	}
	moddb_plan_free(steps, n < PLAN_MAX ? n : PLAN_MAX);
	return EXIT_OK;
}

/* load NAME and what it needs (asynchronously); an exit code */
static int
load(const struct modprobe *mp, struct modload *ml, const char *name)
{
	int r = modload_request(ml, name, mp->extra, mp->flags);

	if (r == -ENOENT) {
		if (!mp->quiet)
			log_fatal("modprobe: module %s not found in %s", name, mp->dir);
		return EXIT_USAGE;
	}
	if (r < 0) {
		log_fatal("modprobe: %s: %s", name, strerror(-r));
		return EXIT_TEMP;
	}
	return EXIT_OK;
}

/* wait for the loader, say what failed; true if a required module did */
static bool
load_end(const struct modprobe *mp, struct modload *ml)
{
	int failed = modload_wait(ml), nf;
	const struct modload_fail *f = modload_failures(ml, &nf);

	for (int k = 0; k < nf; k++) {
		if (!f[k].required && !mp->verbose)
			continue;
		if (f[k].blacklist)
			log_info("modprobe: %s not loaded: blacklisted by %s", f[k].name, f[k].blacklist);
		else if (f[k].dep)
			log_err("modprobe: %s not loaded: its dependency %s failed", f[k].name, f[k].dep);
		else if (!mp->quiet || f[k].required)
			log_err("modprobe: unable to load %s: %s (%s)", f[k].name, strerror(-f[k].err),
				mod_why(f[k].err));
	}
	if (mp->verbose)
		log_info("modprobe: %d module%s loaded", modload_loaded(ml), modload_loaded(ml) == 1 ? "" : "s");
	return failed;
}

int
cmd_modprobe(int argc, char **argv)
{
	static struct modprobe mp;
	int code;

	mp = (struct modprobe){ .jobs = 4, .root = "" };
	int first = modprobe_args(argc, argv, &mp);
	if (first < 0)
		return EXIT_USAGE;
	struct moddb *db = modprobe_db(&mp, &code);
	if (!db)
		return code;
	code = EXIT_OK;
	struct modload *ml = mp.dry ? NULL : modload_new(db, mp.jobs);
	if (!mp.dry && !ml) {
		log_fatal("modprobe: out of memory");
		moddb_close(db);
		return EXIT_TEMP;
	}
	for (int k = first; k < (mp.all ? argc : first + 1); k++) {
		int c = mp.dry ? show_plan(&mp, db, argv[k]) : load(&mp, ml, argv[k]);
		if (c != EXIT_OK)
			code = c;
	}
	if (ml) {
		if (load_end(&mp, ml) && !code)
			code = EXIT_TEMP;
		modload_free(ml);
	}
	if (fflush(stdout) != 0)
		code = EXIT_TEMP;
	moddb_close(db);
	return code;
}
