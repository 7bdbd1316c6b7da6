/* fuzz.h: what the libFuzzer targets share.  Header only, so that a
 * target stays one file (tests/fuzz/fuzz_NAME.c, see tests/fuzz/run.sh).
 *
 * The output cap.  One input of at most -max_len bytes may expand without
 * bound (a bzip2 run of 4 bytes is 255 bytes of output, a bomb of 64 KiB
 * is gigabytes).  A target stops a run once the data its decoders handed
 * out passes FUZZ_OUT_CAP bytes, as a full disk would stop it: the sink
 * or the emit callback refuses, the decoder stops, and only what came
 * before the cap is compared.  A bomb then costs what 256 KiB of output
 * costs.  Past the cap nothing is checked by the fuzzers: the unit tests
 * (big-file decoding), the oracle corpus (big-file-*, many-entries-*)
 * and tests/cli.sh cover long outputs.  Where a target writes a record of
 * the entries, each byte of it counts FUZZ_TEXT_WEIGHT bytes, so that a
 * bomb of empty entries stops too (at about 250 entries); a target that
 * keeps no record counts FUZZ_ENTRY_COST bytes an entry.  The cap falls
 * on an exact byte of the output, whatever the pieces it came in: split
 * runs stop at the same place.  Memory has a cap of its own (alloc.c).
 *
 * The sampled re-feeds.  Feeding an input again split into pieces (the
 * split-invariance checks) costs a second or third parse per input; the
 * targets do it for one input in FUZZ_REFEED (one in FUZZ_REFEED_BYTES
 * for the 1-byte-at-a-time runs), chosen by a hash of the whole input:
 * the same input is always re-fed or never, so a reproducer replays as
 * it failed.
 */
#ifndef POPINIT_FUZZ_H
#define POPINIT_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_OUT_CAP (256u << 10)
#define FUZZ_TEXT_WEIGHT 4u
#define FUZZ_ENTRY_COST 1024u
#define FUZZ_REFEED 4u
#define FUZZ_REFEED_BYTES 16u

/* not instrumented: these loops run over every byte, and their branches
 * are no coverage worth finding */
#define FUZZ_PLAIN __attribute__((no_sanitize("coverage")))

/* fuzz_hash: a hash of the N bytes at P, eight at a time */
static inline FUZZ_PLAIN uint64_t
fuzz_hash(const uint8_t *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;

	for (; n >= 8; n -= 8, p += 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	for (; n; n--, p++)
		h = (h ^ *p) * 0x100000001b3ull;
	return h ^ (h >> 32);
}

/* fuzz_room: how many more bytes of data fit under the cap, after DATA
 * bytes of data and TEXT bytes of record; 0 when the cap is reached */
static inline uint64_t
fuzz_room(uint64_t data, uint64_t text)
{
	uint64_t spent = data + FUZZ_TEXT_WEIGHT * text;

	return spent < FUZZ_OUT_CAP ? FUZZ_OUT_CAP - spent : 0;
}

/* fuzz_sum: SUM plus the bytes at P (the 070702 check), a byte at a
 * time: not the parser's own word-wise sum, which it checks */
static inline FUZZ_PLAIN uint32_t
fuzz_sum(uint32_t sum, const uint8_t *p, size_t n)
{
	while (n--)
		sum += *p++;
	return sum;
}

/* fuzz_refeed: whether the input at P is one of the 1 in EVERY re-fed;
 * every input is with FUZZ_REFEED_ALL=1 in the environment (run.sh sets
 * it to replay the reproducers, tests/fuzz/regress/) */
static inline int
fuzz_refeed(const uint8_t *p, size_t n, unsigned every)
{
	static int all = -1;

	if (all < 0) {
		const char *e = getenv("FUZZ_REFEED_ALL");
		all = e && *e == '1';
	}
	return all || fuzz_hash(p, n) % every == 0;
}

#endif
