/* sigimage.h: a signed image read from a file, a block device or a pipe.
 *
 *	struct sig_image si;
 *	int m = sig_image_open(&trust, fd, "main", true, &si, &why);
 *	if (m >= 0) unpack from m: a sealed memfd holding the payload alone
 *	(SEAL false: only verified, hashed in place; 0 on success: the
 *	payload is the first si.m.payload_size bytes of fd, for a caller who
 *	knows nothing can change them before it reads them again)
 *	sig_image_done(&si);
 *
 * The payload is hashed where it is when FD is a regular file (mapped: no
 * copy in user memory), else as it is read.
 *
 * sig_image_read() only finds and parses the trailer (popinit list).
 * Both return a negative errno: -EBADMSG when the image is refused (WHY
 * says why and where), any other for an I/O failure.
 */
#ifndef POPINIT_SIGIMAGE_H
#define POPINIT_SIGIMAGE_H

#include "sig.h"

struct sig_image {
	int fd;				/* where the image is read from */
	int spool;			/* a pipe's copy, or -1 */
	uint64_t size;			/* with its NUL tail */
	uint64_t tail_off;		/* the last bytes of the data, read once */
	size_t tail_len;
	uint8_t tail[SIG_TRAILER_MAX];
	struct sig_trailer tr;
	struct sig_manifest m;		/* valid after sig_image_open() */
	int used;			/* the record that verified */
	/* where the time went (ns): the trailer found and read, the
	 * signature checked, the payload copied and hashed */
	uint64_t ns_trailer, ns_sig, ns_hash;
	bool direct;			/* the copy read with O_DIRECT */
	bool sha384;			/* the manifest's SHA-384 checked, not its SHA-256 */
};

int sig_image_read(int fd, struct sig_image *si, struct error *why);
int sig_image_open(const struct sig_trust *t, int fd, const char *name, bool seal,
		   struct sig_image *si, struct error *why);
void sig_image_done(struct sig_image *si);

#endif
