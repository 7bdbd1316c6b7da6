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

int
cmd_modprobe(int argc, char **argv)
{
	bool dry = false, all = false, quiet = false;
	unsigned flags = 0;
	int verbose = 0, i, jobs = 4;
	const char *root = "", *version = NULL;
	struct utsname u;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "-n") || !strcmp(a, "-D") || !strcmp(a, "--show-depends") ||
			   !strcmp(a, "--dry-run")) {
			dry = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			verbose++;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			quiet = true;
		} else if (!strcmp(a, "-a") || !strcmp(a, "--all")) {
			all = true;
		} else if (!strcmp(a, "-b") || !strcmp(a, "--use-blacklist")) {
			/* the blacklist hides names too, not only aliases */
			flags |= MOD_APPLY_BLACKLIST;
		} else if (!strcmp(a, "-j") && i + 1 < argc) {
			jobs = atoi(argv[++i]);
		} else if ((!strcmp(a, "-d") || !strcmp(a, "-S")) && i + 1 < argc) {
			if (a[1] == 'd')
				root = argv[++i];
			else
				version = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			log_fatal("modprobe: unknown option %s", a);
			return EXIT_USAGE;
		} else {
			break;
		}
	}
	if (i >= argc) {
		log_fatal("usage: popinit modprobe [-n] [-v] [-q] [-a] [-b] [-d ROOT] [-S VERSION] NAME [PARAM...]");
		return EXIT_USAGE;
	}
	if (!version) {
		if (uname(&u) < 0) {
			log_fatal("modprobe: uname: %s", strerror(errno));
			return EXIT_TEMP;
		}
		version = u.release;
	}
	char dir[4096], cwd[4096] = "";
	/* a relative ROOT is made absolute, as kmod prints it */
	if (root[0] && root[0] != '/' && !getcwd(cwd, sizeof cwd - 1)) {
		log_fatal("modprobe: getcwd: %s", strerror(errno));
		return EXIT_TEMP;
	}
	if (str_printf(dir, sizeof dir, "%s%s%s/lib/modules/%s", cwd, cwd[0] ? "/" : "", root, version) < 0) {
		log_fatal("modprobe: %s: %s", root, strerror(ENAMETOOLONG));
		return EXIT_USAGE;
	}
	int err;
	/* the options and blacklists of the running kernel's command line */
	static struct boot_opts cmdline;
	(void)cmdline_read(&cmdline);
	struct moddb *db = moddb_open(dir, root, cmdline.words, cmdline.n_words, &err);
	if (!db) {
		if (!quiet)
			log_fatal("modprobe: unable to read the modules of %s: %s", dir, strerror(-err));
		return EXIT_TEMP;
	}

	/* without -a, the words after NAME are its parameters */
	char extra[4096] = "";
	int last = all ? argc : i + 1;
	for (int k = i + 1; !all && k < argc; k++) {
		size_t l = strlen(extra);
		snprintf(extra + l, sizeof extra - l, "%s%s", l ? " " : "", argv[k]);
	}
	int code = EXIT_OK;
	struct modload *ml = dry ? NULL : modload_new(db, jobs);
	if (!dry && !ml) {
		log_fatal("modprobe: out of memory");
		moddb_close(db);
		return EXIT_TEMP;
	}
	for (int k = i; k < last; k++) {
		if (dry) {
			static struct mod_step steps[PLAN_MAX];
			int n = moddb_plan(db, argv[k], extra, flags, steps, PLAN_MAX);
			if (n < 0) {
				if (!quiet)
					log_fatal("modprobe: module %s not found in %s", argv[k], dir);
				code = EXIT_USAGE;
				continue;
			}
			for (int s = 0; s < n && s < PLAN_MAX; s++) {
				if (steps[s].blacklist)
					continue;	/* kmod shows nothing for it */
				if (steps[s].path)
					printf("insmod %s/%s %s\n", dir, steps[s].path, steps[s].options);
				else
					printf("builtin %s\n", steps[s].name);
			}
			moddb_plan_free(steps, n < PLAN_MAX ? n : PLAN_MAX);
			continue;
		}
		int r = modload_request(ml, argv[k], extra, flags);
		if (r == -ENOENT) {
			if (!quiet)
				log_fatal("modprobe: module %s not found in %s", argv[k], dir);
			code = EXIT_USAGE;
		} else if (r < 0) {
			log_fatal("modprobe: %s: %s", argv[k], strerror(-r));
			code = EXIT_TEMP;
		}
	}
	if (ml) {
		int failed = modload_wait(ml), nf;
		const struct modload_fail *f = modload_failures(ml, &nf);
		for (int k = 0; k < nf; k++) {
			if (!f[k].required && !verbose)
				continue;
			if (f[k].blacklist)
				log_info("modprobe: %s not loaded: blacklisted by %s", f[k].name, f[k].blacklist);
			else if (f[k].dep)
				log_err("modprobe: %s not loaded: its dependency %s failed", f[k].name, f[k].dep);
			else if (!quiet || f[k].required)
				log_err("modprobe: unable to load %s: %s (%s)", f[k].name, strerror(-f[k].err),
					mod_why(f[k].err));
		}
		if (verbose)
			log_info("modprobe: %d module%s loaded", modload_loaded(ml), modload_loaded(ml) == 1 ? "" : "s");
		if (failed && !code)
			code = EXIT_TEMP;
		modload_free(ml);
	}
	if (fflush(stdout) != 0)
		code = EXIT_TEMP;
	moddb_close(db);
	return code;
}
