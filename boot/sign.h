/* sign.h: making signed images (the format: verify/sig.h).
 *
 *	struct sign_key k;
 *	sign_key_load(&k, pem, len, SIG_ECDSA_SHA256 or -1, &why);
 *	sign_manifest(...) writes the manifest for a payload
 *	sign_record(&k, manifest, mlen, out, cap) appends one record
 *	sign_trailer(...) frames manifest and records: pad, header, footer
 */
#ifndef POPINIT_SIGN_H
#define POPINIT_SIGN_H

#include <bearssl_x509.h>

#include "../verify/sig.h"

struct sign_key {
	br_skey_decoder_context dc;	/* holds the private key */
	enum sig_keytype type;
	enum sig_alg alg;
	uint8_t keyid[32];
	unsigned bits;
	uint8_t n[512], e[4];		/* RSA: the public half, from the DER */
	size_t nlen, elen;
};

/* sign_key_load: a PEM private key ("PRIVATE KEY", "EC PRIVATE KEY",
 * "RSA PRIVATE KEY", unencrypted), or its DER.  HASH 0 picks SHA-384 for
 * EC keys above 256 bits, else SHA-256; 256 or 384 force one.  0, or -1
 * with WHY. */
int sign_key_load(struct sign_key *k, const uint8_t *data, size_t len, int hash, struct error *why);
/* sign_manifest: the manifest text into OUT (SIG_MANIFEST_MAX + 1), with
 * the payload's SHA384, KERNEL and ROOTHASH when not NULL; its length, or
 * -1 if a field is invalid (WHY) */
int sign_manifest(char *out, const char *name, uint64_t version, uint64_t size,
		  const uint8_t sha256[32], const uint8_t *sha384, const char *kernel, const char *roothash,
		  struct error *why);
/* sign_record: append K's record for manifest M to OUT (CAP bytes);
 * its length, or -1 */
int sign_record(const struct sign_key *k, const uint8_t *m, size_t mlen, uint8_t *out, size_t cap,
		struct error *why);
/* sign_spki: K's public key as SubjectPublicKeyInfo DER into OUT (600
 * bytes); its length */
size_t sign_spki(const struct sign_key *k, uint8_t *out);

#endif
