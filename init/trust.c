/* trust.c: the trust of signed images (see trust.h), and boot_trust, the
 * boot's step that gathers it before the first image. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "../codec/decomp.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "../lib/str.h"
#include "boot.h"
#include "trust.h"

#define TRUST_FILE_MAX (64u << 10)

int
trust_builtin(struct sig_trust *t)
{
	struct error why;
	int r = 0;

	for (int i = 0; i < trust_builtin_n; i++) {
		const struct trust_blob *b = &trust_builtin_keys[i];
		if (sig_trust_keys(t, b->data, b->len, b->name, &why) < 0) {
			log_err("built-in key %s: %s", b->name, why.what);
			r = -1;
		}
	}
	if (sig_trust_parse_list(t, trust_builtin_revoked, strlen(trust_builtin_revoked), false, &why) < 0 ||
	    sig_trust_parse_list(t, trust_builtin_floors, strlen(trust_builtin_floors), true, &why) < 0) {
		log_err("built-in trust lists: %s", why.what);
		r = -1;
	}
	if (r < 0)
		t->required = true;
	return r;
}

int
trust_open_image(const struct sig_trust *t, const char *label, int fd, const char *name, bool seal,
		 struct sig_image *si)
{
	struct error why;
	int m = sig_image_open(t, fd, name, seal, si, &why);

	if (m == -EBADMSG)
		log_fatal("%s: %s: %s (at offset %llu)", label, why.msg, why.what, (unsigned long long)why.offset);
	else if (m < 0)
		log_fatal("%s: unable to read: %s", label, strerror(-m));
	return m;
}

static bool
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n > m && !strcmp(s + n - m, suf);
}

int
trust_file(struct sig_trust *t, const char *path)
{
	static char buf[TRUST_FILE_MAX];
	struct error why;
	const char *base = strrchr(path, '/');
	bool list = false, floors = false;

	base = base ? base + 1 : path;
	if (!strcmp(base, "revoked") || (floors = !strcmp(base, "floors")))
		list = true;
	ssize_t n = io_read_file(path, buf, sizeof buf);
	if (n < 0) {
		log_err("unable to read %s: %s", path, strerror((int)-n));
		t->required = true;
		return -1;
	}
	int r = list ? sig_trust_parse_list(t, buf, (size_t)n, floors, &why) :
		       sig_trust_keys(t, (const uint8_t *)buf, (size_t)n, base, &why);
	if (r < 0) {
		log_err("%s: %s", path, why.what);
		t->required = true;
	}
	return r;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int
trust_dir(struct sig_trust *t, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name), r = 0;

	if (n < 0) {
		if (errno == ENOENT)
			return 0;
		log_err("unable to read %s: %s", dir, strerror(errno));
		t->required = true;
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char path[512];
		if (name[0] != '.' && strlen(dir) + strlen(name) + 2 <= sizeof path) {
			strcpy(path, dir);
			strcat(path, "/");
			strcat(path, name);
			if (has_suffix(name, ".pem") || has_suffix(name, ".crt") || has_suffix(name, ".der") ||
			    has_suffix(name, ".pub") || !strcmp(name, "revoked") || !strcmp(name, "floors")) {
				if (trust_file(t, path) < 0)
					r = -1;
			} else {
				log_warn("%s: not a key (*.pem *.crt *.der *.pub), \"revoked\" or \"floors\": ignored",
					 path);
			}
		}
		free(names[i]);
	}
	free(names);
	return r;
}

void
trust_role(const char *spec, char *out, size_t size)
{
	const char *b = strrchr(spec, '/'), *eq = strchr(spec, '=');
	size_t k = 0;

	b = b ? b + 1 : eq && spec[0] != '/' ? eq + 1 : spec;
	size_t n = strlen(b);
	(void)dec_by_suffix(b, false, &k);	/* every codec's, built in or not */
	n -= k;
	if (n > 5 && (!strncmp(b + n - 5, ".cpio", 5)))
		n -= 5;
	else if (n > 4 && !strncmp(b + n - 4, ".img", 4))
		n -= 4;
	if (n >= size)
		n = 0;
	memcpy(out, b, n);
	out[n] = 0;
}

/* each item of the comma list LIST to FN; -1 if one fails */
static int
each_item(struct sig_trust *t, const char *list, int (*fn)(struct sig_trust *t, const char *item))
{
	char buf[CMDLINE_MAX + 1], *s = buf, *item;
	int r = 0;

	snprintf(buf, sizeof buf, "%s", list ? list : "");
	while ((item = str_item(&s, ',')))
		if (fn(t, item) < 0)
			r = -1;
	return r;
}

static int
floor_one(struct sig_trust *t, const char *item)
{
	char name[SIG_NAME_MAX + 1];
	uint64_t v;

	return sig_parse_floor(item, name, &v) < 0 ? -1 : sig_trust_floor(t, name, v);
}

void
boot_trust(struct boot *b)
{
	const struct boot_opts *o = &b->o;
	struct sig_trust *t = &b->trust;
	struct utsname u;

	(void)trust_builtin(t);
	(void)trust_dir(t, TRUST_DIR);
	/* the command line adds; it never takes away */
	if (o->verify) {
		if (!strcmp(o->verify, "required") || !o->verify[0])
			t->required = true;
		else
			log_warn("popinit.verify=%s: only \"required\" is known; the command line cannot weaken the policy",
				 o->verify);
	}
	if (each_item(t, o->revoke, sig_trust_revoke) < 0) {
		log_err("popinit.revoke=%s: not a list of key ids: verification required", o->revoke);
		t->required = true;
	}
	if (each_item(t, o->floors, floor_one) < 0) {
		log_err("popinit.floor=%s: not a list of NAME:VERSION: verification required", o->floors);
		t->required = true;
	}
	if (uname(&u) == 0 && strlen(u.release) < sizeof t->kernel)
		strcpy(t->kernel, u.release);
	if (sig_trust_active(t))
		log_info("signed images only: %d trusted key%s, %d revoked, %d version floor%s", t->n_keys,
			 t->n_keys == 1 ? "" : "s", t->n_revoked, t->n_floors, t->n_floors == 1 ? "" : "s");
}
