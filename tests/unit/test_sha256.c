/* test_sha256.c: verify/sha256.c, the payload hash of signed images: the
 * known answers, and the CPU's SHA instructions (when this CPU has them)
 * against BearSSL's portable code for every length to 3,000 bytes, each
 * fed in two pieces cut anywhere and one byte at a time. */
#include <stdlib.h>

#include "../../verify/sha256.h"
#include "t.h"

static void
hex(const uint8_t h[32], char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

static void
known(const char *name, const void *data, size_t n, size_t repeat, const char *want)
{
	struct sha256 h;
	uint8_t out[32];
	char got[65];

	sha256_init(&h);
	for (size_t i = 0; i < repeat; i++)
		sha256_update(&h, data, n);
	sha256_out(&h, out);
	hex(out, got);
	T_CHECK(name, !strcmp(got, want), "got %s, want %s (SHA instructions: %d)", got, want, h.ni);
}

void
test_sha256(void)
{
	static uint8_t data[3000];
	struct sha256 probe;

	known("unit/sha256/empty", "", 0, 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	known("unit/sha256/abc", "abc", 3, 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	known("unit/sha256/two-blocks", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, 1,
	      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	known("unit/sha256/million-a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	      100, 10000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

	sha256_init(&probe);
	if (!probe.ni) {
		printf("unit/sha256: this CPU has no SHA instructions: BearSSL's code is the one used\n");
		return;
	}
	uint32_t seed = 1;
	for (size_t i = 0; i < sizeof data; i++) {
		seed = seed * 1103515245 + 12345;
		data[i] = (uint8_t)(seed >> 16);
	}
	int bad = 0;
	char why[200] = "";
	for (size_t len = 0; len <= sizeof data && !bad; len++) {
		br_sha256_context b;
		uint8_t want[32], got[32];
		br_sha256_init(&b);
		br_sha256_update(&b, data, len);
		br_sha256_out(&b, want);
		for (size_t cut = 0; cut <= len && !bad; cut += len / 5 + 1) {
			struct sha256 h;
			sha256_init(&h);
			sha256_update(&h, data, cut);
			sha256_update(&h, data + cut, len - cut);
			sha256_out(&h, got);
			if (memcmp(got, want, 32))
				bad = snprintf(why, sizeof why, "%zu bytes cut at %zu", len, cut);
		}
		if (len < 200 && !bad) {
			struct sha256 h;
			sha256_init(&h);
			for (size_t i = 0; i < len; i++)
				sha256_update(&h, data + i, 1);
			sha256_out(&h, got);
			if (memcmp(got, want, 32))
				bad = snprintf(why, sizeof why, "%zu bytes one at a time", len);
		}
	}
	T_CHECK("unit/sha256/instructions-as-bearssl", !bad, "differs from BearSSL: %s", why);
}
