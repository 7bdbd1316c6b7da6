/* trust.h: what signed images are checked against, gathered once.
 *
 * The keys, revoked key ids and version floors compiled in (make KEYS=
 * REVOKED= FLOORS=), then those of a directory (/etc/popinit/keys of the
 * built-in initramfs): *.pem *.crt *.der *.pub are keys, "revoked" lists
 * key ids, "floors" lists "NAME VERSION" lines.  A file that cannot be
 * read or parsed makes verification required: trust never fails open.
 */
#ifndef POPINIT_TRUST_H
#define POPINIT_TRUST_H

#include <stdbool.h>
#include <stddef.h>

#include "../verify/sigimage.h"

#define TRUST_DIR "/etc/popinit/keys"

/* the generated build/trust.c */
struct trust_blob {
	const char *name;
	const unsigned char *data;
	unsigned long len;
};
extern const struct trust_blob trust_builtin_keys[];
extern const int trust_builtin_n;
extern const char trust_builtin_revoked[];
extern const char trust_builtin_floors[];

/* trust_builtin: the compiled-in part; 0, or -1 after logging */
int trust_builtin(struct sig_trust *t);
/* trust_dir: the keys and lists of DIR; 0 (also when DIR is missing), or
 * -1 after logging (then t->required is set) */
int trust_dir(struct sig_trust *t, const char *dir);
/* trust_file: one key file; 0 or -1 after logging */
int trust_file(struct sig_trust *t, const char *path);

/* trust_open_image: verify the image FD (LABEL in messages) for the role
 * NAME (NULL: any) against T: a sealed memfd of its payload (SEAL; else
 * 0), or a negative errno after logging why (-EBADMSG: refused).  The
 * caller ends SI with sig_image_done(). */
int trust_open_image(const struct sig_trust *t, const char *label, int fd, const char *name, bool seal,
		     struct sig_image *si);

/* trust_role: the role an image file or spec is signed for: its last path
 * component (or a LABEL=/PARTLABEL= value) without a codec suffix
 * (codec/decomp.h) and then ".cpio" or ".img"; "" if too long */
void trust_role(const char *spec, char *out, size_t size);

#endif
