/* sig.h: signed images ("initsig 1"), the format and its verification.
 *
 * A signed image is the image as built, followed by a trailer that the
 * kernel (and popinit's own cpio parser) skips without a trace:
 *
 *   payload   P bytes: the image (any codec, concatenations, plain cpio)
 *   pad       (4 - P % 4) % 4 NUL bytes
 *   header    124 bytes: a newc header "070701", ino mode uid gid nlink
 *             mtime 0, filesize = B (the body's length), devmajor devminor
 *             rdevmajor rdevminor 0, namesize 12, check 0, then the name
 *             "popinit.sig" and 3 NULs.  Mode 0 and a non-empty body make
 *             the kernel skip the name and the body (do_header: SkipIt).
 *   body      B = M + S + 32 bytes:
 *     manifest  M bytes (<= 4096), SIGNED, "key=value\n" lines in this
 *               order, nothing else:
 *                 initsig=1
 *                 name=NAME            1-64 of [A-Za-z0-9._+@-], not "." or ".."
 *                 version=N            decimal u64, no leading zero
 *                 payload-size=P       decimal, no leading zero
 *                 payload-sha256=H     64 lower-case hex digits
 *                 payload-sha384=H     optional: 96 lower-case hex digits,
 *                                      checked instead of the SHA-256 where
 *                                      it is the faster (sigimage.c)
 *                 kernel=RELEASE       optional: binds to uname -r
 *                 roothash=HEX         optional: the dm-verity root hash the
 *                                      root file system must have (2-128
 *                                      lower-case hex digits, even)
 *     records   S bytes, 1-8 records, each
 *                 "sig ALG KEYID LEN\n" LEN bytes "\n"
 *               ALG ecdsa-sha256 | ecdsa-sha384 | rsa-sha256 | rsa-sha384,
 *               KEYID the SHA-256 of the key's SubjectPublicKeyInfo DER
 *               (64 lower-case hex), the bytes `openssl dgst -shaN -sign`
 *               writes for the manifest (ECDSA: DER; RSA: PKCS#1 v1.5)
 *     footer    32 bytes: "~INITSIG1 %010u %010u\n" of M and S
 *   tail      any number of NUL bytes (block padding, a partition's rest)
 *
 * Everything here is pure: the caller reads the bytes (sigimage.c).
 */
#ifndef POPINIT_SIG_H
#define POPINIT_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/error.h"

#define SIG_FOOTER_LEN 32
#define SIG_HDR_LEN 124
#define SIG_MANIFEST_MAX 4096
#define SIG_RECORDS_MAX 8
#define SIG_LEN_MAX 1024
#define SIG_RECORD_MAX (4 + 13 + 64 + 6 + SIG_LEN_MAX + 1)
#define SIG_BODY_MAX (SIG_MANIFEST_MAX + SIG_RECORDS_MAX * SIG_RECORD_MAX + SIG_FOOTER_LEN)
#define SIG_TRAILER_MAX (3 + SIG_HDR_LEN + SIG_BODY_MAX)
#define SIG_NAME_MAX 64
#define SIG_ROOTHASH_MAX 128
#define SIG_KEYS_MAX 16
#define SIG_REVOKED_MAX 64
#define SIG_FLOORS_MAX 32

enum sig_alg { SIG_ECDSA_SHA256, SIG_ECDSA_SHA384, SIG_RSA_SHA256, SIG_RSA_SHA384 };
enum sig_keytype { SIG_KEY_EC = 1, SIG_KEY_RSA = 2 };

struct sig_record {
	enum sig_alg alg;
	uint8_t keyid[32];
	const uint8_t *sig;
	size_t len;
};

struct sig_manifest {
	char name[SIG_NAME_MAX + 1];
	uint64_t version;
	uint64_t payload_size;
	uint8_t sha256[32];
	uint8_t sha384[48];
	bool has_sha384;
	char kernel[SIG_NAME_MAX + 1];	/* "" when not bound */
	char roothash[SIG_ROOTHASH_MAX + 1];	/* "" when none */
};

/* a trusted public key */
struct sig_key {
	enum sig_keytype type;
	int curve;			/* EC: BearSSL's curve id */
	unsigned bits;			/* RSA modulus / EC field size */
	uint8_t keyid[32];
	uint8_t q[133];			/* EC point, uncompressed */
	size_t qlen;
	uint8_t n[512], e[4];		/* RSA, big-endian, no leading zero */
	size_t nlen, elen;
	char src[64];			/* where it came from, for messages */
};

/* what verification trusts and requires */
struct sig_trust {
	struct sig_key key[SIG_KEYS_MAX];
	int n_keys;
	uint8_t revoked[SIG_REVOKED_MAX][32];
	int n_revoked;
	struct {
		char name[SIG_NAME_MAX + 1];
		uint64_t min;
	} floor[SIG_FLOORS_MAX];
	int n_floors;
	bool required;			/* verify even without a trusted key */
	char kernel[SIG_NAME_MAX + 1];	/* uname -r to match kernel=, or "" */
};

/* the parsed trailer of an image */
struct sig_trailer {
	const uint8_t *manifest;	/* points into the caller's bytes */
	size_t manifest_len;
	struct sig_record rec[SIG_RECORDS_MAX];
	int n_rec;
	uint64_t payload_end;		/* P: where the pad starts */
	uint64_t header_off;		/* where the cpio header starts */
	uint64_t footer_end;		/* where the tail of NULs starts */
};

/* sig_fail: a failure into WHY (lib/error.h), replacing what it held: msg
 * "refused", what the reason formatted (SIG_WHY_MAX bytes at most), and
 * OFFSET, in the image, where it applies; returns -1 */
#define SIG_WHY_MAX 200
int sig_fail(struct error *why, uint64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *sig_alg_name(enum sig_alg alg);
/* sig_alg_sha384: does ALG sign the manifest's SHA-384 (else its SHA-256)? */
static inline bool
sig_alg_sha384(enum sig_alg alg)
{
	return alg == SIG_ECDSA_SHA384 || alg == SIG_RSA_SHA384;
}
void sig_hex(const uint8_t *b, size_t n, char *out);	/* OUT gets 2n+1 */
int sig_unhex(const char *s, size_t n, uint8_t *out);	/* lower case only */
/* sig_digest: M's SHA-384 (SHA384) or SHA-256 into OUT; its length */
size_t sig_digest(bool sha384, const void *m, size_t mlen, uint8_t out[48]);

/* sig_make_header: the 124-byte cpio header for a body of BODY bytes */
void sig_make_header(uint8_t hdr[SIG_HDR_LEN], uint32_t body);
/* sig_make_footer: the 32-byte footer */
void sig_make_footer(uint8_t f[SIG_FOOTER_LEN], uint32_t mlen, uint32_t slen);

/* sig_parse_trailer: TAIL holds the LEN bytes ending at offset END of the
 * image, END being just past the last non-NUL byte.  Finds the footer,
 * the header, the manifest and the records; checks every byte of the
 * frame.  Nothing is verified yet.  0, or -1 with WHY. */
int sig_parse_trailer(const uint8_t *tail, size_t len, uint64_t end, struct sig_trailer *t,
		      struct error *why);
/* sig_parse_manifest: strict; 0 or -1 with WHY */
int sig_parse_manifest(const uint8_t *p, size_t len, struct sig_manifest *m, struct error *why);
/* sig_verify: a record by a trusted, unrevoked key verifies the manifest,
 * and none by such a key fails.  0 with *used = the record, or -1. */
int sig_verify(const struct sig_trust *t, const struct sig_trailer *tr, int *used, struct error *why);
/* sig_check_manifest: name, floor, kernel binding; 0 or -1 */
int sig_check_manifest(const struct sig_trust *t, const struct sig_manifest *m, const char *name,
		       struct error *why);

/* sig_trust_keys: add the keys of a PEM (one or more "PUBLIC KEY" or
 * "CERTIFICATE" objects) or DER (SPKI or certificate) file; SRC names it.
 * 0, or -1 with WHY (nothing added). */
int sig_trust_keys(struct sig_trust *t, const uint8_t *data, size_t len, const char *src,
		   struct error *why);
/* sig_trust_revoke: a key id in hex; 0 or -1 */
int sig_trust_revoke(struct sig_trust *t, const char *hex);
/* sig_trust_floor: NAME's version must be at least MIN (the highest wins) */
int sig_trust_floor(struct sig_trust *t, const char *name, uint64_t min);
/* sig_parse_floor: "NAME:VERSION" (NAME not checked yet); 0 or -1 */
int sig_parse_floor(const char *spec, char name[SIG_NAME_MAX + 1], uint64_t *min);
/* sig_trust_parse_list: lines of "KEYID" (revoked) or "NAME VERSION"
 * (floors) from a file; '#' comments.  0 or -1 with WHY. */
int sig_trust_parse_list(struct sig_trust *t, const char *text, size_t len, bool floors,
			 struct error *why);
bool sig_trust_active(const struct sig_trust *t);
bool sig_name_ok(const char *s, size_t n);
int sig_parse_u64(const char *s, size_t n, uint64_t *v);

/* DER, strictly: definite minimal lengths.  sig_der_next: the next TLV of
 * D, which must have TAG; *V its value, *TLV (if not NULL) the whole; 0 or
 * -1.  sig_der_uint: a positive minimal INTEGER, without its leading 0. */
struct sig_der {
	const uint8_t *p;
	size_t len;
};
int sig_der_next(struct sig_der *d, uint8_t tag, struct sig_der *v, struct sig_der *tlv);
int sig_der_uint(struct sig_der *d, struct sig_der *v);

/* a PEM object's DER, for br_pem_decoder_setdest(): sig_der_append() sets
 * OVER rather than overflow */
struct sig_der_buf {
	uint8_t b[8192];
	size_t len;
	bool over;
};
void sig_der_append(void *ctx, const void *data, size_t len);

/* sig_parse_key: one key from DER (SPKI, or a certificate's); 0 or -1 */
int sig_parse_key(const uint8_t *der, size_t len, struct sig_key *k, struct error *why);

#endif
