/* sig.c: the trailer of a signed image, its manifest, and the check of
 * its signatures against the trust.  See sig.h for the format. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <bearssl_ec.h>
#include <bearssl_hash.h>
#include <bearssl_rsa.h>

#include "../lib/io.h"
#include "sig.h"

static const char footer_magic[] = "~INITSIG1 ";
static const char hdr_name[] = "popinit.sig";	/* 11 bytes and a NUL */

static const char *const alg_names[] = {
	[SIG_ECDSA_SHA256] = "ecdsa-sha256",
	[SIG_ECDSA_SHA384] = "ecdsa-sha384",
	[SIG_RSA_SHA256] = "rsa-sha256",
	[SIG_RSA_SHA384] = "rsa-sha384",
};

int
sig_fail(struct error *why, uint64_t offset, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why->what, SIG_WHY_MAX, fmt, ap);
	va_end(ap);
	why->msg = "refused";
	why->why = NULL;
	why->err = -EBADMSG;
	why->offset = offset;
	why->where[0] = '\0';
	return -1;
}

const char *
sig_alg_name(enum sig_alg alg)
{
	return alg_names[alg];
}

void
sig_hex(const uint8_t *b, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

size_t
sig_digest(bool sha384, const void *m, size_t mlen, uint8_t out[48])
{
	const br_hash_class *hc = sha384 ? &br_sha384_vtable : &br_sha256_vtable;
	br_hash_compat_context c;

	hc->init(&c.vtable);
	hc->update(&c.vtable, m, mlen);
	hc->out(&c.vtable, out);
	return sha384 ? 48 : 32;
}

int
sig_unhex(const char *s, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* sig_parse_u64: decimal, 1-20 digits, no sign, no leading zero */
int
sig_parse_u64(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		unsigned d = (unsigned)(s[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

bool
sig_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > SIG_NAME_MAX || (n == 1 && s[0] == '.') || (n == 2 && !memcmp(s, "..", 2)))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("._+@-", c)) || !c)
			return false;
	}
	return true;
}

/* the fixed part of a newc header: magic and 13 fields of 8 hex digits
 * (unpack/cpio.h draws it), before the name */
#define NEWC_HDR_LEN 110

void
sig_make_header(uint8_t hdr[SIG_HDR_LEN], uint32_t body)
{
	char h[NEWC_HDR_LEN + 1];

	/* ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor
	 * rdevminor namesize check */
	snprintf(h, sizeof h, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 0u, 0u, 0u, 0u, 0u, 0u, (unsigned)body, 0u, 0u, 0u, 0u,
		 (unsigned)sizeof hdr_name, 0u);
	memcpy(hdr, h, NEWC_HDR_LEN);
	memset(hdr + NEWC_HDR_LEN, 0, SIG_HDR_LEN - NEWC_HDR_LEN);
	memcpy(hdr + NEWC_HDR_LEN, hdr_name, sizeof hdr_name);
}

void
sig_make_footer(uint8_t f[SIG_FOOTER_LEN], uint32_t mlen, uint32_t slen)
{
	char b[SIG_FOOTER_LEN + 1];

	snprintf(b, sizeof b, "%s%010u %010u\n", footer_magic, (unsigned)mlen, (unsigned)slen);
	memcpy(f, b, SIG_FOOTER_LEN);
}

static int
parse_digits10(const uint8_t *p, uint32_t *v)
{
	uint64_t x = 0;

	for (int i = 0; i < 10; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(p[i] - '0');
	}
	if (x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/*
 * One record:  "sig " ALG " " KEYID " " LEN "\n" <LEN bytes> "\n"
 */
static int
parse_records(const uint8_t *p, size_t len, uint64_t off, struct sig_trailer *t, struct error *why)
{
	size_t i = 0;

	t->n_rec = 0;
	while (i < len) {
		struct sig_record *r = &t->rec[t->n_rec];
		const uint8_t *nl = memchr(p + i, '\n', len - i < 128 ? len - i : 128);
		if (t->n_rec == SIG_RECORDS_MAX)
			return sig_fail(why, off + i, "more than %d signature records", SIG_RECORDS_MAX);
		if (!nl)
			return sig_fail(why, off + i, "signature record %d: no header line", t->n_rec + 1);
		const char *s = (const char *)p + i, *e = (const char *)nl;
		if (e - s < 4 || memcmp(s, "sig ", 4))
			return sig_fail(why, off + i, "signature record %d: not \"sig ...\"", t->n_rec + 1);
		s += 4;
		size_t a;
		for (a = 0; a < LEN(alg_names); a++) {
			size_t n = strlen(alg_names[a]);
			if ((size_t)(e - s) > n && !memcmp(s, alg_names[a], n) && s[n] == ' ')
				break;
		}
		if (a == LEN(alg_names))
			return sig_fail(why, off + i, "signature record %d: unknown algorithm", t->n_rec + 1);
		r->alg = (enum sig_alg)a;
		s += strlen(alg_names[a]) + 1;
		if (e - s < 66 || s[64] != ' ' || sig_unhex(s, 32, r->keyid) < 0)
			return sig_fail(why, off + i, "signature record %d: bad key id", t->n_rec + 1);
		s += 65;
		uint64_t n;
		if (sig_parse_u64(s, (size_t)(e - s), &n) < 0 || n == 0 || n > SIG_LEN_MAX)
			return sig_fail(why, off + i, "signature record %d: bad length", t->n_rec + 1);
		i = (size_t)(nl - p) + 1;
		if (len - i < n + 1 || p[i + n] != '\n')
			return sig_fail(why, off + i, "signature record %d: %llu bytes do not fit", t->n_rec + 1,
				    (unsigned long long)n);
		r->sig = p + i;
		r->len = (size_t)n;
		i += (size_t)n + 1;
		for (int k = 0; k < t->n_rec; k++)
			if (!memcmp(t->rec[k].keyid, r->keyid, 32))
				return sig_fail(why, off + i, "signature record %d: key id repeated", t->n_rec + 1);
		t->n_rec++;
	}
	if (!t->n_rec)
		return sig_fail(why, off, "no signature record");
	return 0;
}

int
sig_parse_trailer(const uint8_t *tail, size_t len, uint64_t end, struct sig_trailer *t,
		  struct error *why)
{
	uint32_t m, s;

	memset(t, 0, sizeof *t);
	if (len < SIG_FOOTER_LEN || end < SIG_FOOTER_LEN ||
	    memcmp(tail + len - SIG_FOOTER_LEN, footer_magic, sizeof footer_magic - 1))
		return sig_fail(why, end, "not signed (no initsig footer at the end)");
	const uint8_t *f = tail + len - SIG_FOOTER_LEN;
	uint64_t foot = end - SIG_FOOTER_LEN;
	if (parse_digits10(f + 10, &m) < 0 || f[20] != ' ' || parse_digits10(f + 21, &s) < 0 ||
	    f[31] != '\n')
		return sig_fail(why, foot, "malformed initsig footer");
	if (m == 0 || m > SIG_MANIFEST_MAX)
		return sig_fail(why, foot, "manifest length %u out of range", (unsigned)m);
	if (s == 0 || s > SIG_RECORDS_MAX * SIG_RECORD_MAX)
		return sig_fail(why, foot, "signature records length %u out of range", (unsigned)s);
	uint64_t body = (uint64_t)m + s + SIG_FOOTER_LEN;
	if (end < body + SIG_HDR_LEN || len < body + SIG_HDR_LEN)
		return sig_fail(why, foot, "truncated: the footer announces %llu bytes, the image has %llu",
			    (unsigned long long)(body + SIG_HDR_LEN), (unsigned long long)end);
	const uint8_t *h = tail + len - body - SIG_HDR_LEN;
	t->header_off = end - body - SIG_HDR_LEN;
	t->footer_end = end;
	uint8_t want[SIG_HDR_LEN];
	sig_make_header(want, (uint32_t)body);
	if (t->header_off % 4)
		return sig_fail(why, t->header_off, "initsig header not on a 4-byte boundary");
	if (memcmp(h, want, SIG_HDR_LEN))
		return sig_fail(why, t->header_off, "malformed initsig header");
	t->manifest = h + SIG_HDR_LEN;
	t->manifest_len = m;
	return parse_records(t->manifest + m, s, t->header_off + SIG_HDR_LEN + m, t, why);
}

/* the manifest's lines, in this order; the last three are optional */
static const char *const mkeys[] = { "initsig", "name", "version", "payload-size", "payload-sha256",
				     "payload-sha384", "kernel", "roothash" };
#define MKEYS_REQUIRED 5

int
sig_parse_manifest(const uint8_t *p, size_t len, struct sig_manifest *m, struct error *why)
{
	size_t i = 0, k = 0;

	memset(m, 0, sizeof *m);
	while (i < len) {
		const uint8_t *nl = memchr(p + i, '\n', len - i);
		if (!nl)
			return sig_fail(why, i, "manifest: last line not ended");
		const char *s = (const char *)p + i, *e = (const char *)nl;
		size_t kl;
		/* an optional key may be absent: the next one may be this line */
		for (;; k++) {
			if (k == LEN(mkeys))
				return sig_fail(why, i, "manifest: a line after the last key");
			kl = strlen(mkeys[k]);
			if ((size_t)(e - s) > kl && !memcmp(s, mkeys[k], kl) && s[kl] == '=')
				break;
			if (k < MKEYS_REQUIRED)
				return sig_fail(why, i, "manifest: line %zu is not %s=", k + 1, mkeys[k]);
		}
		const char *v = s + kl + 1;
		size_t vl = (size_t)(e - v);
		int bad = 0;
		switch (k) {
		case 0:
			bad = vl != 1 || *v != '1';
			break;
		case 1:
			bad = !sig_name_ok(v, vl);
			if (!bad)
				memcpy(m->name, v, vl);
			break;
		case 2:
			bad = sig_parse_u64(v, vl, &m->version) < 0;
			break;
		case 3:
			bad = sig_parse_u64(v, vl, &m->payload_size) < 0;
			break;
		case 4:
			bad = vl != 64 || sig_unhex(v, 32, m->sha256) < 0;
			break;
		case 5:
			bad = vl != 96 || sig_unhex(v, 48, m->sha384) < 0;
			m->has_sha384 = !bad;
			break;
		case 6:
			bad = vl == 0 || vl > SIG_NAME_MAX;
			for (size_t j = 0; !bad && j < vl; j++)
				bad = v[j] <= ' ' || v[j] > '~';
			if (!bad)
				memcpy(m->kernel, v, vl);
			break;
		case 7:
			bad = vl < 2 || vl > SIG_ROOTHASH_MAX || vl % 2 || strspn(v, "0123456789abcdef") < vl;
			if (!bad)
				memcpy(m->roothash, v, vl);
			break;
		}
		if (bad)
			return sig_fail(why, i, "manifest: bad %s", mkeys[k]);
		k++;
		i = (size_t)(nl - p) + 1;
	}
	if (k < MKEYS_REQUIRED)
		return sig_fail(why, i, "manifest: %s missing", mkeys[k]);
	return 0;
}

static const struct sig_key *
find_key(const struct sig_trust *t, const uint8_t id[32])
{
	for (int i = 0; i < t->n_keys; i++)
		if (!memcmp(t->key[i].keyid, id, 32))
			return &t->key[i];
	return NULL;
}

static bool
revoked(const struct sig_trust *t, const uint8_t id[32])
{
	for (int i = 0; i < t->n_revoked; i++)
		if (!memcmp(t->revoked[i], id, 32))
			return true;
	return false;
}

/* check: does record R verify over M with key K? */
static bool
check(const struct sig_key *k, const struct sig_record *r, const uint8_t *m, size_t mlen)
{
	uint8_t hash[48], rhash[48];
	bool sha384 = sig_alg_sha384(r->alg);
	size_t hlen = sig_digest(sha384, m, mlen, hash);

	if (k->type == SIG_KEY_EC) {
		br_ec_public_key pk = { k->curve, (unsigned char *)k->q, k->qlen };
		/* P-256 on a 32-bit CPU: BearSSL's code for that curve in
		 * 15-bit limbs (products a 32-bit multiply gives), 3.7 times
		 * the speed of the generic code under QEMU's or1k (90 -> 24 ms
		 * a check); the 64-bit builds keep the generic code alone */
		const br_ec_impl *ec = &br_ec_prime_i31;
#if UINTPTR_MAX <= 0xffffffffu
		if (k->curve == BR_EC_secp256r1)
			ec = &br_ec_p256_m15;
#endif
		return br_ecdsa_i31_vrfy_asn1(ec, hash, hlen, &pk, r->sig, r->len) == 1;
	}
	br_rsa_public_key pk = { (unsigned char *)k->n, k->nlen, (unsigned char *)k->e, k->elen };
	if (r->len != k->nlen)
		return false;
	return br_rsa_i31_pkcs1_vrfy(r->sig, r->len, sha384 ? BR_HASH_OID_SHA384 : BR_HASH_OID_SHA256, hlen, &pk, rhash) == 1 &&
	       !memcmp(rhash, hash, hlen);
}

int
sig_verify(const struct sig_trust *t, const struct sig_trailer *tr, int *used, struct error *why)
{
	int good = -1, rev = -1;
	char id[65];
	uint64_t roff = tr->header_off + SIG_HDR_LEN + tr->manifest_len;

	for (int i = 0; i < tr->n_rec; i++) {
		const struct sig_record *r = &tr->rec[i];
		const struct sig_key *k = find_key(t, r->keyid);
		if (!k)
			continue;
		if (revoked(t, r->keyid)) {
			rev = i;
			continue;
		}
		bool ec = r->alg == SIG_ECDSA_SHA256 || r->alg == SIG_ECDSA_SHA384;
		sig_hex(r->keyid, 8, id);
		if (ec != (k->type == SIG_KEY_EC))
			return sig_fail(why, roff, "signature %d: %s with the %s key %s", i + 1,
				    alg_names[r->alg], ec ? "RSA" : "EC", id);
		/* a bad signature by a key we trust is tampering, whatever
		 * the other records say */
		if (!check(k, r, tr->manifest, tr->manifest_len))
			return sig_fail(why, roff, "signature %d by key %s (%s) does not verify", i + 1, id,
				    k->src);
		if (good < 0)
			good = i;
	}
	if (good >= 0) {
		*used = good;
		return 0;
	}
	if (rev >= 0) {
		sig_hex(tr->rec[rev].keyid, 8, id);
		return sig_fail(why, roff, "signed only by revoked key %s", id);
	}
	if (!t->n_keys)
		return sig_fail(why, roff, "signatures required, but no key is trusted");
	sig_hex(tr->rec[0].keyid, 8, id);
	return sig_fail(why, roff, "not signed by a trusted key (signed by %s%s)", id,
		    tr->n_rec > 1 ? " and others" : "");
}

int
sig_check_manifest(const struct sig_trust *t, const struct sig_manifest *m, const char *name,
		   struct error *why)
{
	if (name && strcmp(name, m->name))
		return sig_fail(why, 0, "signed as \"%s\", used as \"%s\"", m->name, name);
	for (int i = 0; i < t->n_floors; i++)
		if (!strcmp(t->floor[i].name, m->name) && m->version < t->floor[i].min)
			return sig_fail(why, 0, "version %llu of \"%s\" is below the floor %llu",
				    (unsigned long long)m->version, m->name,
				    (unsigned long long)t->floor[i].min);
	if (m->kernel[0] && t->kernel[0] && strcmp(m->kernel, t->kernel))
		return sig_fail(why, 0, "bound to kernel %s, running %s", m->kernel, t->kernel);
	return 0;
}

int
sig_trust_revoke(struct sig_trust *t, const char *hex)
{
	uint8_t id[32];

	if (strlen(hex) != 64 || sig_unhex(hex, 32, id) < 0)
		return -1;
	if (revoked(t, id))
		return 0;
	if (t->n_revoked == SIG_REVOKED_MAX)
		return -1;
	memcpy(t->revoked[t->n_revoked++], id, 32);
	return 0;
}

int
sig_parse_floor(const char *spec, char name[SIG_NAME_MAX + 1], uint64_t *min)
{
	const char *c = strchr(spec, ':');

	if (!c || (size_t)(c - spec) > SIG_NAME_MAX || sig_parse_u64(c + 1, strlen(c + 1), min) < 0)
		return -1;
	memcpy(name, spec, (size_t)(c - spec));
	name[c - spec] = '\0';
	return 0;
}

int
sig_trust_floor(struct sig_trust *t, const char *name, uint64_t min)
{
	size_t n = strlen(name);

	if (!sig_name_ok(name, n))
		return -1;
	for (int i = 0; i < t->n_floors; i++)
		if (!strcmp(t->floor[i].name, name)) {
			if (min > t->floor[i].min)
				t->floor[i].min = min;
			return 0;
		}
	if (t->n_floors == SIG_FLOORS_MAX)
		return -1;
	memcpy(t->floor[t->n_floors].name, name, n + 1);
	t->floor[t->n_floors++].min = min;
	return 0;
}

/*
 * revoked:  one key id (64 hex) a line
 * floors:   "NAME VERSION" a line
 * Blank lines and lines starting with '#' are ignored.
 */
int
sig_trust_parse_list(struct sig_trust *t, const char *text, size_t len, bool floors,
		     struct error *why)
{
	size_t i = 0, line = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - text) - i : len - i;
		char buf[128];
		line++;
		if (n >= sizeof buf)
			return sig_fail(why, line, "line %zu too long", line);
		memcpy(buf, text + i, n);
		buf[n] = 0;
		i += n + 1;
		if (!n || buf[0] == '#')
			continue;
		if (!floors) {
			if (sig_trust_revoke(t, buf) < 0)
				return sig_fail(why, line, "line %zu: not a key id (64 lower-case hex)", line);
			continue;
		}
		char *sp = strchr(buf, ' ');
		uint64_t v;
		if (!sp || sig_parse_u64(sp + 1, strlen(sp + 1), &v) < 0)
			return sig_fail(why, line, "line %zu: not \"NAME VERSION\"", line);
		*sp = 0;
		if (sig_trust_floor(t, buf, v) < 0)
			return sig_fail(why, line, "line %zu: bad name or too many", line);
	}
	return 0;
}

bool
sig_trust_active(const struct sig_trust *t)
{
	return t->n_keys > 0 || t->required;
}
