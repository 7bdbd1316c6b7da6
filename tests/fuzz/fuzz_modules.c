/* fuzz_modules.c: libFuzzer target for kmod's files as popinit reads them
 * (modload/moddb.c, modconf.c, scan.c, plan.c): modules.dep,
 * modules.alias, modules.softdep, modules.builtin, modules.builtin.modinfo,
 * modules.symbols, a modprobe.d file, the command line's MODULE.PARAM=,
 * a module's own .modinfo (ELF, read when there is no modules.dep), and
 * the load plans made from them.
 *
 *   input := section ("@@\n" section)...
 *
 * Sections, in order: modules.dep, modules.alias, modules.softdep,
 * modules.builtin, modules.builtin.modinfo, modules.symbols,
 * etc/modprobe.d/a.conf, the kernel command line, names to plan (one a
 * line, at most 8), kernel/a.ko.  A section not given is a file that does
 * not exist.  The files live in a directory of this process under
 * /dev/shm.  Checked (besides ASan and UBSan): a plan is a count or a
 * negative errno; each step has a name and options.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../init/cmdline.h"
#include "../../modload/modload.h"

/* fuzz-options: -max_len=65536 (the seeds: six slices of Debian's files, a modprobe.d, a module) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
	"lib/modules.dep", "lib/modules.alias", "lib/modules.softdep", "lib/modules.builtin",
	"lib/modules.builtin.modinfo", "lib/modules.symbols", "etc/modprobe.d/a.conf",
	NULL /* cmdline */, NULL /* names */, "lib/kernel/a.ko",
};
#define NSECT (sizeof files / sizeof *files)

static char top[64];

static void
put(const char *name, const uint8_t *p, size_t n)
{
	char path[128];

	snprintf(path, sizeof path, "%s/%s", top, name);
	if (!p) {
		if (unlink(path) < 0 && errno != ENOENT)
			abort();
		return;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (n && write(fd, p, n) != (ssize_t)n) || close(fd) < 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sect[NSECT] = { 0 };
	size_t len[NSECT] = { 0 }, k = 0;
	char path[128];

	if (!top[0]) {
		static const char *const dirs[] = { "", "/lib", "/lib/kernel", "/etc", "/etc/modprobe.d" };
		snprintf(top, sizeof top, "/dev/shm/fuzz_modules.%d", (int)getpid());
		for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
			snprintf(path, sizeof path, "%s%s", top, dirs[i]);
			if (mkdir(path, 0700) < 0 && errno != EEXIST)
				abort();
		}
	}
	for (const uint8_t *p = data, *end = data + size; k < NSECT; k++) {
		const uint8_t *sep = memmem(p, (size_t)(end - p), "@@\n", 3);
		sect[k] = p;
		len[k] = sep ? (size_t)(sep - p) : (size_t)(end - p);
		if (!sep) {
			k++;
			break;
		}
		p = sep + 3;
	}
	for (size_t i = 0; i < NSECT; i++)
		if (files[i])
			put(files[i], i < k ? sect[i] : NULL, len[i]);

	char *cmdline = NULL, *names = NULL;
	if (k > 7 && !(cmdline = strndup((const char *)sect[7], len[7])))
		return 0;
	if (k > 8 && !(names = strndup((const char *)sect[8], len[8]))) {
		free(cmdline);
		return 0;
	}
	char dir[128], conf[128];
	snprintf(dir, sizeof dir, "%s/lib", top);
	snprintf(conf, sizeof conf, "%s", top);
	int err = 0;
	/* the command line split as the boot splits it */
	static struct boot_opts o;
	(void)cmdline_parse(&o, cmdline ? cmdline : "");
	struct moddb *db = moddb_open(dir, conf, o.words, o.n_words, &err);
	if (!db && (err >= 0 || err < -4095))
		abort();
	int planned = 0;
	for (char *s = names, *nl; db && s && *s && planned < 8; s = nl, planned++) {
		nl = strchr(s, '\n');
		if (nl)
			*nl++ = '\0';
		/* the plan sets every field of a step, whatever the array held
		 * (the loader's is on its stack): poisoned first */
		struct mod_step steps[64];
		memset(steps, 0xa5, sizeof steps);
		int n = moddb_plan(db, s, planned & 1 ? "x=1" : NULL, planned & 2 ? MOD_APPLY_BLACKLIST : 0, steps, 64);
		if (n < -4095)
			abort();
		/* a step is loaded (options) or hidden (blacklist), not both */
		for (int i = 0; i < n && i < 64; i++)
			if (!steps[i].name || !steps[i].options == !steps[i].blacklist)
				abort();
		if (n > 0)
			moddb_plan_free(steps, n < 64 ? n : 64);
	}
	moddb_close(db);
	free(cmdline);
	free(names);
	return 0;
}
