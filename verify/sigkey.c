/* sigkey.c: trusted public keys, from PEM or DER, as SubjectPublicKeyInfo
 * or inside an X.509 certificate.  The certificate is only a container
 * here: no chain, no dates; what is trusted is the key in it.
 *
 *   SubjectPublicKeyInfo ::= SEQUENCE {
 *     algorithm  SEQUENCE { OID, parameters },
 *     subjectPublicKey  BIT STRING }
 *   rsaEncryption 1.2.840.113549.1.1.1, parameters NULL,
 *     key: SEQUENCE { INTEGER n, INTEGER e }
 *   id-ecPublicKey 1.2.840.10045.2.1, parameters: the curve's OID,
 *     key: 04 || X || Y (uncompressed)
 *   Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version
 *     OPTIONAL, serial, signature, issuer, validity, subject,
 *     subjectPublicKeyInfo, ... }, signatureAlgorithm, signature }
 *
 * DER only: definite, minimal lengths; nothing after the outer object.
 * The key id is the SHA-256 of the SubjectPublicKeyInfo's DER, which is
 * what `openssl pkey -pubin -outform DER | sha256sum` prints.
 */
#include <stdio.h>
#include <string.h>

#include <bearssl_ec.h>
#include <bearssl_hash.h>
#include <bearssl_pem.h>

#include "../lib/io.h"
#include "sig.h"

#define der sig_der

int
sig_der_next(struct der *d, uint8_t tag, struct der *v, struct der *tlv)
{
	size_t n, h = 2;

	if (d->len < 2 || d->p[0] != tag)
		return -1;
	n = d->p[1];
	if (n & 0x80) {
		size_t k = n & 0x7f;
		if (k == 0 || k > 3 || d->len < 2 + k || d->p[2] == 0)
			return -1;
		n = 0;
		for (size_t i = 0; i < k; i++)
			n = n << 8 | d->p[2 + i];
		if (n < 0x80)
			return -1;	/* not minimal */
		h += k;
	}
	if (d->len - h < n)
		return -1;
	if (tlv) {
		tlv->p = d->p;
		tlv->len = h + n;
	}
	v->p = d->p + h;
	v->len = n;
	d->p += h + n;
	d->len -= h + n;
	return 0;
}

/* der_skip: skip one TLV of any tag */
static int
der_skip(struct der *d)
{
	struct der v;

	return d->len ? sig_der_next(d, d->p[0], &v, NULL) : -1;
}

static bool
eq(const struct der *v, const uint8_t *b, size_t n)
{
	return v->len == n && !memcmp(v->p, b, n);
}

int
sig_der_uint(struct der *d, struct der *v)
{
	if (sig_der_next(d, 0x02, v, NULL) < 0 || v->len == 0 || (v->p[0] & 0x80))
		return -1;
	if (v->p[0] == 0) {
		if (v->len == 1 || !(v->p[1] & 0x80))
			return -1;
		v->p++;
		v->len--;
	}
	return 0;
}

static const uint8_t oid_rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
static const uint8_t oid_ec[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const struct {
	uint8_t oid[8];
	size_t len;
	int curve;
	unsigned bits;
} curves[] = {
	{ { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 }, 8, BR_EC_secp256r1, 256 },
	{ { 0x2b, 0x81, 0x04, 0x00, 0x22 }, 5, BR_EC_secp384r1, 384 },
	{ { 0x2b, 0x81, 0x04, 0x00, 0x23 }, 5, BR_EC_secp521r1, 521 },
};

static int
parse_spki(const uint8_t *p, size_t len, struct sig_key *k, struct error *why)
{
	struct der d = { p, len }, spki, alg, oid, bits, key, n, e;

	if (sig_der_next(&d, 0x30, &spki, NULL) < 0 || d.len)
		return sig_fail(why, 0, "%s", "not a DER SubjectPublicKeyInfo");
	if (sig_der_next(&spki, 0x30, &alg, NULL) < 0 || sig_der_next(&alg, 0x06, &oid, NULL) < 0 ||
	    sig_der_next(&spki, 0x03, &bits, NULL) < 0 || spki.len || bits.len < 1 || bits.p[0] != 0)
		return sig_fail(why, 0, "%s", "malformed SubjectPublicKeyInfo");
	bits.p++;
	bits.len--;
	memset(k, 0, sizeof *k);
	if (eq(&oid, oid_rsa, sizeof oid_rsa)) {
		struct der nul;
		if (sig_der_next(&alg, 0x05, &nul, NULL) < 0 || nul.len || alg.len)
			return sig_fail(why, 0, "%s", "RSA key: parameters are not NULL");
		if (sig_der_next(&bits, 0x30, &key, NULL) < 0 || bits.len || sig_der_uint(&key, &n) < 0 ||
		    sig_der_uint(&key, &e) < 0 || key.len)
			return sig_fail(why, 0, "%s", "malformed RSA key");
		unsigned nbits = (unsigned)n.len * 8;
		for (uint8_t top = n.p[0]; !(top & 0x80); top = (uint8_t)(top << 1))
			nbits--;
		if (nbits < 2048 || nbits > 4096)
			return sig_fail(why, 0, "%s", "RSA key: the modulus must have 2048 to 4096 bits");
		if (e.len > sizeof k->e || !(e.p[e.len - 1] & 1) || (e.len == 1 && e.p[0] < 3))
			return sig_fail(why, 0, "%s", "RSA key: unusable public exponent");
		k->type = SIG_KEY_RSA;
		k->bits = nbits;
		memcpy(k->n, n.p, n.len);
		k->nlen = n.len;
		memcpy(k->e, e.p, e.len);
		k->elen = e.len;
	} else if (eq(&oid, oid_ec, sizeof oid_ec)) {
		struct der c;
		size_t i;
		if (sig_der_next(&alg, 0x06, &c, NULL) < 0 || alg.len)
			return sig_fail(why, 0, "%s", "EC key: parameters are not a named curve");
		for (i = 0; i < LEN(curves); i++)
			if (eq(&c, curves[i].oid, curves[i].len))
				break;
		if (i == LEN(curves))
			return sig_fail(why, 0, "%s", "EC key: curve is not P-256, P-384 or P-521");
		size_t clen = (curves[i].bits + 7) / 8;
		if (bits.len != 1 + 2 * clen || bits.p[0] != 0x04)
			return sig_fail(why, 0, "%s", "EC key: the point is not uncompressed");
		k->type = SIG_KEY_EC;
		k->curve = curves[i].curve;
		k->bits = curves[i].bits;
		memcpy(k->q, bits.p, bits.len);
		k->qlen = bits.len;
	} else {
		return sig_fail(why, 0, "%s", "key algorithm is neither RSA nor EC (Ed25519 is not supported)");
	}
	br_sha256_context h;
	br_sha256_init(&h);
	br_sha256_update(&h, p, len);
	br_sha256_out(&h, k->keyid);
	return 0;
}

/* cert_spki: the SubjectPublicKeyInfo inside a certificate */
static int
cert_spki(const uint8_t *p, size_t len, struct der *spki)
{
	struct der d = { p, len }, cert, tbs, v;

	if (sig_der_next(&d, 0x30, &cert, NULL) < 0 || d.len || sig_der_next(&cert, 0x30, &tbs, NULL) < 0)
		return -1;
	if (tbs.len && tbs.p[0] == 0xa0 && sig_der_next(&tbs, 0xa0, &v, NULL) < 0)
		return -1;
	for (int i = 0; i < 5; i++)	/* serial signature issuer validity subject */
		if (der_skip(&tbs) < 0)
			return -1;
	return sig_der_next(&tbs, 0x30, &v, spki);
}

int
sig_parse_key(const uint8_t *der, size_t len, struct sig_key *k, struct error *why)
{
	struct der spki;

	if (parse_spki(der, len, k, why) == 0)
		return 0;
	if (cert_spki(der, len, &spki) < 0)
		return -1;	/* WHY says why it is not an SPKI */
	return parse_spki(spki.p, spki.len, k, why);
}

static int
add_key(struct sig_trust *t, const uint8_t *der, size_t len, const char *src, struct error *why)
{
	struct sig_key k;

	if (sig_parse_key(der, len, &k, why) < 0)
		return -1;
	for (int i = 0; i < t->n_keys; i++)
		if (!memcmp(t->key[i].keyid, k.keyid, 32))
			return 0;	/* the same key twice */
	if (t->n_keys == SIG_KEYS_MAX)
		return sig_fail(why, 0, "%s", "too many trusted keys");
	snprintf(k.src, sizeof k.src, "%s", src);
	t->key[t->n_keys++] = k;
	return 0;
}

void
sig_der_append(void *ctx, const void *data, size_t len)
{
	struct sig_der_buf *pb = ctx;

	if (pb->over || len > sizeof pb->b - pb->len) {
		pb->over = true;
		return;
	}
	memcpy(pb->b + pb->len, data, len);
	pb->len += len;
}

int
sig_trust_keys(struct sig_trust *t, const uint8_t *data, size_t len, const char *src,
	       struct error *why)
{
	int n0 = t->n_keys, objs = 0;

	if (len && data[0] == 0x30) {
		if (add_key(t, data, len, src, why) == 0)
			return 0;
		goto undo;
	}
	static br_pem_decoder_context pc;
	static struct sig_der_buf pb;
	bool in = false;
	br_pem_decoder_init(&pc);
	while (len) {
		size_t n = br_pem_decoder_push(&pc, data, len);
		data += n;
		len -= n;
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ: {
			const char *name = br_pem_decoder_name(&pc);
			if (strcmp(name, "PUBLIC KEY") && strcmp(name, "CERTIFICATE")) {
				sig_fail(why, 0, "%s", "a PEM object that is not a PUBLIC KEY or CERTIFICATE");
				goto undo;
			}
			pb.len = 0;
			pb.over = false;
			br_pem_decoder_setdest(&pc, sig_der_append, &pb);
			in = true;
			break;
		}
		case BR_PEM_END_OBJ:
			if (pb.over) {
				sig_fail(why, 0, "%s", "PEM object too large");
				goto undo;
			}
			if (add_key(t, pb.b, pb.len, src, why) < 0)
				goto undo;
			objs++;
			in = false;
			break;
		case BR_PEM_ERROR:
			sig_fail(why, 0, "%s", "malformed PEM");
			goto undo;
		}
	}
	if (in) {
		sig_fail(why, 0, "%s", "PEM object not ended");
		goto undo;
	}
	if (!objs) {
		sig_fail(why, 0, "%s", "no key in it (neither PEM nor DER)");
		goto undo;
	}
	return 0;
undo:
	t->n_keys = n0;
	return -1;
}
