/* cmdline.h: the kernel command line, as popinit reads it.
 *
 * Words are split as the kernel's next_arg() splits them: on white space,
 * except inside double quotes; a value's surrounding quotes are dropped
 * ("name=\"a b\"" is name, a b).  Everything after a lone "--" is for the
 * init, not for the kernel or popinit.  For repeated keys the last wins,
 * except popinit.image=, whose values accumulate.
 */
#ifndef POPINIT_CMDLINE_H
#define POPINIT_CMDLINE_H

#include <stdbool.h>

#include "../lib/args.h"

#define CMDLINE_MAX 4096
#define CMDLINE_MAX_IMAGES 32
#define CMDLINE_MAX_WORDS 256

struct boot_opts {
	const char *root;		/* root=, NULL if absent */
	bool root_tmpfs;		/* root=tmpfs: a fresh tmpfs is the new root */
	const char *rootfstype;		/* a comma list */
	const char *rootflags;
	bool ro;			/* ro/rw: default ro, last wins */
	bool rootwait;
	int rootwait_secs;		/* rootwait=N; -1: forever */
	int rootdelay;			/* seconds */
	const char *init;		/* init= */
	int panic;			/* panic=: 0 stay, > 0 reboot after N s, < 0 at once */
	bool quiet;
	int loglevel;			/* -1: not given */
	const char *images[CMDLINE_MAX_IMAGES];	/* popinit.image= specs */
	int n_images;
	bool keep_mounts;		/* popinit.keep-mounts */
	bool timing;			/* popinit.timing: each image's phases */
	bool no_modules;		/* popinit.modules=off: the images' init loads them */
	bool shell;			/* popinit.shell: emergency shell on failure */
	const char *break_at;		/* popinit.break=STAGE */
	const char *run;		/* popinit.run=PATH */
	const char *slots;		/* popinit.slots=NAME: A/B root slots */
	const char *elevator;		/* elevator= */
	/* signed images: the command line can only make the policy stricter */
	const char *verify;		/* popinit.verify=required */
	const char *revoke;		/* popinit.revoke=KEYID,... */
	const char *floors;		/* popinit.floor=NAME:VERSION,... */
	/* verified and layered roots (systemd's names where it has them) */
	const char *roothash;		/* roothash=HEX */
	const char *verity_data;	/* systemd.verity_root_data=SPEC */
	const char *verity_hash;	/* systemd.verity_root_hash=SPEC */
	const char *verity_options;	/* systemd.verity_root_options=a,b */
	const char *volatile_mode;	/* systemd.volatile=overlay */
	const char *overlay;		/* popinit.overlay=SPEC: a persistent upper */
	const char *root_image;		/* popinit.root-image=PATH on root= */
	/* every word, for the modules' MODULE.PARAM= and the like */
	struct args_word words[CMDLINE_MAX_WORDS];
	int n_words;
	char buf[CMDLINE_MAX + 1];
};

/* cmdline_parse: split TEXT (copied) into O.  Returns 0, or -E2BIG when
 * TEXT or its word count exceeds the limits (what fits is kept). */
int cmdline_parse(struct boot_opts *o, const char *text);
/* cmdline_read: /proc/cmdline (CMDLINE_MAX bytes of it) into O; 0, -E2BIG
 * as cmdline_parse, or another -errno when it cannot be read (O is then
 * an empty command line's) */
int cmdline_read(struct boot_opts *o);

#endif
