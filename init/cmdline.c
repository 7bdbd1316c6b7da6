/* cmdline.c: see cmdline.h */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/args.h"
#include "../lib/io.h"
#include "../lib/str.h"
#include "cmdline.h"

/* a decimal int, or DEF when absent or malformed */
static int
num(const char *v, int def)
{
	char *end;

	if (!v || !*v)
		return def;
	long x = strtol(v, &end, 10);
	if (*end || x < -1000000 || x > 1000000)
		return def;
	return (int)x;
}

/* the options that are a string and nothing more */
static const struct {
	const char *key;
	size_t off;
} strs[] = {
	{ "roothash", offsetof(struct boot_opts, roothash) },
	{ "systemd.verity_root_data", offsetof(struct boot_opts, verity_data) },
	{ "systemd.verity_root_hash", offsetof(struct boot_opts, verity_hash) },
	{ "systemd.verity_root_options", offsetof(struct boot_opts, verity_options) },
	{ "systemd.volatile", offsetof(struct boot_opts, volatile_mode) },
	{ "popinit.overlay", offsetof(struct boot_opts, overlay) },
	{ "popinit.root-image", offsetof(struct boot_opts, root_image) },
};

int
cmdline_parse(struct boot_opts *o, const char *text)
{
	int r = 0;
	char *s, *param, *val;

	memset(o, 0, sizeof *o);
	o->ro = true;
	o->rootwait_secs = -1;
	o->loglevel = -1;
	size_t n = strlen(text);
	if (n > CMDLINE_MAX) {
		n = CMDLINE_MAX;
		r = -E2BIG;
	}
	memcpy(o->buf, text, n);
	o->buf[n] = '\0';
	s = o->buf;
	while (args_next(&s, &param, &val)) {
		if (!strcmp(param, "--") && !val)
			break;
		if (o->n_words < CMDLINE_MAX_WORDS) {
			o->words[o->n_words].key = param;
			o->words[o->n_words++].val = val;
		} else {
			r = -E2BIG;
		}
		if (!strcmp(param, "root") && val)
			o->root = val;
		else if (!strcmp(param, "rootfstype") && val)
			o->rootfstype = val;
		else if (!strcmp(param, "rootflags") && val)
			o->rootflags = val;
		else if (!strcmp(param, "ro") && !val)
			o->ro = true;
		else if (!strcmp(param, "rw") && !val)
			o->ro = false;
		else if (!strcmp(param, "rootwait")) {
			o->rootwait = true;
			o->rootwait_secs = val ? num(val, -1) : -1;
		} else if (!strcmp(param, "rootdelay"))
			o->rootdelay = num(val, 0);
		else if (!strcmp(param, "init") && val)
			o->init = val;
		else if (!strcmp(param, "panic"))
			o->panic = num(val, 0);
		else if (!strcmp(param, "quiet") && !val)
			o->quiet = true;
		else if (!strcmp(param, "loglevel"))
			o->loglevel = num(val, -1);
		else if (!strcmp(param, "elevator") && val)
			o->elevator = val;
		else if (!strcmp(param, "popinit.image") && val) {
			/* a comma list; commas never occur in the specs we take */
			for (char *spec; (spec = str_item(&val, ','));) {
				if (o->n_images < CMDLINE_MAX_IMAGES)
					o->images[o->n_images++] = spec;
				else
					r = -E2BIG;
			}
		} else if (!strcmp(param, "popinit.keep-mounts"))
			o->keep_mounts = true;
		else if (!strcmp(param, "popinit.timing"))
			o->timing = true;
		else if (!strcmp(param, "popinit.modules") && val)
			o->no_modules = !strcmp(val, "off");
		else if (!strcmp(param, "popinit.shell"))
			o->shell = true;
		else if (!strcmp(param, "popinit.break"))
			o->break_at = val ? val : "";
		else if (!strcmp(param, "popinit.run") && val)
			o->run = val;
		else if (!strcmp(param, "popinit.slots"))
			o->slots = val ? val : "";
		else if (!strcmp(param, "popinit.verify"))
			o->verify = val ? val : "";
		else if (!strcmp(param, "popinit.revoke") && val)
			o->revoke = val;
		else if (!strcmp(param, "popinit.floor") && val)
			o->floors = val;
		else if (val)
			for (size_t i = 0; i < LEN(strs); i++)
				if (!strcmp(param, strs[i].key))
					*(const char **)((char *)o + strs[i].off) = val;
	}
	/* systemd's default: a root hash names the verity device */
	if (!o->root && o->roothash)
		o->root = "/dev/mapper/root";
	o->root_tmpfs = o->root && !strcmp(o->root, "tmpfs");
	return r;
}

int
cmdline_read(struct boot_opts *o)
{
	char text[CMDLINE_MAX + 1];
	ssize_t n = io_read_text("/proc/cmdline", text, sizeof text);
	int r = cmdline_parse(o, text);

	return n < 0 ? (int)n : r;
}
