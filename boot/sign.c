/* sign.c: private keys, their public half, and the records of a signed
 * image.  The signatures are the bytes `openssl dgst -shaN -sign KEY`
 * writes: ECDSA as DER (RFC 6979 nonces here), RSA as PKCS#1 v1.5. */
#include <stdio.h>
#include <string.h>

#include <bearssl_ec.h>
#include <bearssl_hash.h>
#include <bearssl_pem.h>
#include <bearssl_rsa.h>

#include "../lib/io.h"
#include "sign.h"

/*
 * The RSA public half, which BearSSL's decoder drops (and recomputes only
 * for primes = 3 mod 4):
 *   RSAPrivateKey ::= SEQUENCE { version, n, e, d, p, q, dp, dq, qinv }
 *   PrivateKeyInfo ::= SEQUENCE { version, algorithm, OCTET STRING { RSAPrivateKey } }
 */
static int
rsa_public(struct sign_key *k, const uint8_t *der, size_t len)
{
	struct sig_der d = { der, len }, seq, v, n, e;

	if (sig_der_next(&d, 0x30, &seq, NULL) < 0 || sig_der_next(&seq, 0x02, &v, NULL) < 0)
		return -1;
	if (seq.len && seq.p[0] == 0x30) {
		struct sig_der alg, oct;
		if (sig_der_next(&seq, 0x30, &alg, NULL) < 0 || sig_der_next(&seq, 0x04, &oct, NULL) < 0 ||
		    sig_der_next(&oct, 0x30, &seq, NULL) < 0 || sig_der_next(&seq, 0x02, &v, NULL) < 0)
			return -1;
	}
	if (sig_der_uint(&seq, &n) < 0 || sig_der_uint(&seq, &e) < 0 || n.len > sizeof k->n ||
	    e.len > sizeof k->e)
		return -1;
	memcpy(k->n, n.p, k->nlen = n.len);
	memcpy(k->e, e.p, k->elen = e.len);
	return 0;
}

int
sign_key_load(struct sign_key *k, const uint8_t *data, size_t len, int hash, struct error *why)
{
	static struct sig_der_buf db;

	memset(k, 0, sizeof *k);
	db.len = 0;
	db.over = false;
	br_skey_decoder_init(&k->dc);
	if (len && data[0] == 0x30) {
		sig_der_append(&db, data, len);
	} else {
		br_pem_decoder_context pc;
		int objs = 0;
		br_pem_decoder_init(&pc);
		while (len) {
			size_t n = br_pem_decoder_push(&pc, data, len);
			data += n;
			len -= n;
			int ev = br_pem_decoder_event(&pc);
			if (ev == BR_PEM_ERROR)
				return sig_fail(why, 0, "%s", "malformed PEM");
			if (ev == BR_PEM_BEGIN_OBJ) {
				const char *name = br_pem_decoder_name(&pc);
				if (objs++)
					return sig_fail(why, 0, "%s", "more than one PEM object");
				if (strcmp(name, "PRIVATE KEY") && strcmp(name, "EC PRIVATE KEY") &&
				    strcmp(name, "RSA PRIVATE KEY"))
					return sig_fail(why, 0, "%s", !strcmp(name, "ENCRYPTED PRIVATE KEY") ?
						   "an encrypted private key: decrypt it, or sign with boot/sign-image" :
						   "not a private key");
				br_pem_decoder_setdest(&pc, sig_der_append, &db);
			}
		}
		if (!objs)
			return sig_fail(why, 0, "%s", "no private key in it");
	}
	if (db.over)
		return sig_fail(why, 0, "%s", "private key too large");
	br_skey_decoder_push(&k->dc, db.b, db.len);
	int r = br_skey_decoder_last_error(&k->dc) ? -1 : 0;
	if (r == 0 && br_skey_decoder_key_type(&k->dc) == BR_KEYTYPE_RSA) {
		k->type = SIG_KEY_RSA;
		r = rsa_public(k, db.b, db.len);
	}
	memset(db.b, 0, db.len);	/* the only copy left is the decoder's */
	if (r < 0)
		return sig_fail(why, 0, "%s", "not a usable RSA or EC private key");
	uint8_t spki[600];
	struct sig_key pub;
	if (k->type != SIG_KEY_RSA) {
		int c = br_skey_decoder_get_ec(&k->dc)->curve;
		if (c != BR_EC_secp256r1 && c != BR_EC_secp384r1 && c != BR_EC_secp521r1)
			return sig_fail(why, 0, "%s", "EC key: curve is not P-256, P-384 or P-521");
		k->type = SIG_KEY_EC;
	}
	/* the public half through the verifier's own parser: the same key
	 * id, the same limits (RSA 2048-4096) */
	if (sig_parse_key(spki, sign_spki(k, spki), &pub, why) < 0)
		return -1;
	memcpy(k->keyid, pub.keyid, 32);
	k->bits = pub.bits;
	if (hash == 0)
		hash = k->type == SIG_KEY_EC && k->bits > 256 ? 384 : 256;
	if (hash != 256 && hash != 384)
		return sig_fail(why, 0, "%s", "the hash is sha256 or sha384");
	k->alg = k->type == SIG_KEY_EC ? (hash == 384 ? SIG_ECDSA_SHA384 : SIG_ECDSA_SHA256) :
					 (hash == 384 ? SIG_RSA_SHA384 : SIG_RSA_SHA256);
	return 0;
}

/* DER writing: a tag and a length */
static size_t
der_hdr(uint8_t *out, uint8_t tag, size_t len)
{
	out[0] = tag;
	if (len < 0x80) {
		out[1] = (uint8_t)len;
		return 2;
	}
	if (len < 0x100) {
		out[1] = 0x81;
		out[2] = (uint8_t)len;
		return 3;
	}
	out[1] = 0x82;
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	return 4;
}

static size_t
der_len(size_t len)
{
	return len < 0x80 ? 2 + len : len < 0x100 ? 3 + len : 4 + len;
}

/* der_int: an unsigned big-endian integer as a DER INTEGER */
static size_t
der_int(uint8_t *out, const uint8_t *v, size_t len)
{
	while (len > 1 && !v[0]) {
		v++;
		len--;
	}
	size_t pad = v[0] & 0x80 ? 1 : 0, h = der_hdr(out, 0x02, len + pad);
	out[h] = 0;
	memcpy(out + h + pad, v, len);
	return h + pad + len;
}

size_t
sign_spki(const struct sign_key *k, uint8_t *out)
{
	static const uint8_t rsa_alg[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
					   0x01, 0x01, 0x01, 0x05, 0x00 };
	static const uint8_t ec_oid[] = { 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
	static const uint8_t p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
	static const uint8_t p384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };
	static const uint8_t p521[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23 };
	uint8_t key[1100], alg[32];
	size_t klen, alen;

	if (k->type == SIG_KEY_EC) {
		const br_ec_private_key *sk = br_skey_decoder_get_ec(&k->dc);
		uint8_t kbuf[BR_EC_KBUF_PUB_MAX_SIZE];
		br_ec_public_key pk;
		klen = br_ec_compute_pub(&br_ec_prime_i31, &pk, kbuf, sk);
		memcpy(key, kbuf, klen);
		const uint8_t *c = sk->curve == BR_EC_secp256r1 ? p256 : sk->curve == BR_EC_secp384r1 ? p384 : p521;
		size_t clen = c == p256 ? sizeof p256 : sizeof p384;
		alen = der_hdr(alg, 0x30, sizeof ec_oid + clen);
		memcpy(alg + alen, ec_oid, sizeof ec_oid);
		memcpy(alg + alen + sizeof ec_oid, c, clen);
		alen += sizeof ec_oid + clen;
	} else {
		uint8_t ints[540];
		size_t il = der_int(ints, k->n, k->nlen);
		il += der_int(ints + il, k->e, k->elen);
		klen = der_hdr(key, 0x30, il);
		memcpy(key + klen, ints, il);
		klen += il;
		memcpy(alg, rsa_alg, sizeof rsa_alg);
		alen = sizeof rsa_alg;
	}
	/* SEQUENCE { alg, BIT STRING { 0, key } } */
	size_t bits = der_len(1 + klen), h = der_hdr(out, 0x30, alen + bits);
	memcpy(out + h, alg, alen);
	h += alen;
	h += der_hdr(out + h, 0x03, 1 + klen);
	out[h++] = 0;
	memcpy(out + h, key, klen);
	return h + klen;
}

int
sign_manifest(char *out, const char *name, uint64_t version, uint64_t size, const uint8_t sha256[32],
	      const uint8_t *sha384, const char *kernel, const char *roothash, struct error *why)
{
	char hex[97];
	struct sig_manifest m;

	sig_hex(sha256, 32, hex);
	int n = snprintf(out, SIG_MANIFEST_MAX + 1,
			 "initsig=1\nname=%s\nversion=%llu\npayload-size=%llu\npayload-sha256=%s\n", name,
			 (unsigned long long)version, (unsigned long long)size, hex);
	if (sha384 && n > 0 && n <= SIG_MANIFEST_MAX) {
		sig_hex(sha384, 48, hex);
		n += snprintf(out + n, SIG_MANIFEST_MAX + 1 - (size_t)n, "payload-sha384=%s\n", hex);
	}
	if (kernel && n > 0 && n <= SIG_MANIFEST_MAX)
		n += snprintf(out + n, SIG_MANIFEST_MAX + 1 - (size_t)n, "kernel=%s\n", kernel);
	if (roothash && n > 0 && n <= SIG_MANIFEST_MAX)
		n += snprintf(out + n, SIG_MANIFEST_MAX + 1 - (size_t)n, "roothash=%s\n", roothash);
	if (n <= 0 || n > SIG_MANIFEST_MAX)
		return sig_fail(why, 0, "%s", "manifest too long");
	/* what the verifier would refuse is not signed */
	if (sig_parse_manifest((const uint8_t *)out, (size_t)n, &m, why) < 0)
		return -1;
	return n;
}

int
sign_record(const struct sign_key *k, const uint8_t *m, size_t mlen, uint8_t *out, size_t cap,
	    struct error *why)
{
	uint8_t hash[48], sig[SIG_LEN_MAX];
	size_t slen;
	bool sha384 = sig_alg_sha384(k->alg);
	const br_hash_class *hc = sha384 ? &br_sha384_vtable : &br_sha256_vtable;
	size_t hlen = sig_digest(sha384, m, mlen, hash);

	if (k->type == SIG_KEY_EC) {
		slen = br_ecdsa_i31_sign_asn1(&br_ec_prime_i31, hc, hash, br_skey_decoder_get_ec(&k->dc), sig);
	} else {
		const br_rsa_private_key *sk = br_skey_decoder_get_rsa(&k->dc);
		slen = (sk->n_bitlen + 7) / 8;
		if (!br_rsa_i31_pkcs1_sign(sha384 ? BR_HASH_OID_SHA384 : BR_HASH_OID_SHA256, hash, hlen, sk,
					   sig))
			slen = 0;
	}
	if (slen == 0)
		return sig_fail(why, 0, "%s", "signing failed");
	char id[65];
	sig_hex(k->keyid, 32, id);
	int h = snprintf((char *)out, cap, "sig %s %s %zu\n", sig_alg_name(k->alg), id, slen);
	if (h < 0 || (size_t)h + slen + 1 > cap)
		return sig_fail(why, 0, "%s", "too many signature records");
	memcpy(out + h, sig, slen);
	out[(size_t)h + slen] = '\n';
	return h + (int)slen + 1;
}
