#!/bin/sh
# run.sh: build the libFuzzer target fuzz_image (clang, ASan, UBSan) and
# run it for a bounded time over a seed corpus made from tests/corpus/*.img
# (if there are any), after replaying tests/fuzz/regress/*.
#
#   sh tests/fuzz/run.sh [SECONDS]      default 60
#
# Prints one line, "PASS fuzz/image: ..." or "FAIL fuzz/image: ...";
# crashes and mismatches are left in build/fuzz/artifacts.
# FUZZ_MASK (see fuzz_image.c) names known differences to ignore while
# fuzzing; none by default.
# tests/fuzz/regress/* are replayed with nothing masked: each file there
# is a reproducer of a bug, and fails until the bug is fixed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
out=$top/build/fuzz
cc=${FUZZ_CC:-clang-14}
mask="${FUZZ_MASK-}"
mkdir -p "$out/seeds" "$out/corpus" "$out/artifacts"

lzo=$(ls -d "$top"/build/deps/src/lzo2-*/ 2>/dev/null | head -n 1)
bz=$(ls -d "$top"/build/deps/src/bzip2-*/ 2>/dev/null | head -n 1)
[ -n "$lzo" ] && [ -n "$bz" ] ||
	{ echo "FAIL fuzz/image: no lzo2 or bzip2 source in build/deps/src (run make first)"; exit 1; }
command -v "$cc" > /dev/null || { echo "FAIL fuzz/image: no $cc"; exit 1; }

flags="-std=c11 -g -O1 -D_GNU_SOURCE -Wall -Wextra -Wno-missing-prototypes
       -DHAVE_GZIP -DHAVE_BZIP2 -DHAVE_LZMA -DHAVE_XZ -DHAVE_LZO -DHAVE_LZ4 -DHAVE_ZSTD
       -I$lzo/include/lzo -I$lzo/minilzo -I$bz"
# minilzo loads and stores 4 bytes at unaligned addresses by design (x86):
# no -fsanitize=alignment for it
if ! $cc $flags -fsanitize=fuzzer-no-link,address -c -o "$out/minilzo.o" "$lzo/minilzo/minilzo.c" \
	2> "$out/build.log" ||
   ! $cc $flags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o "$out/fuzz_image" \
	"$top/tests/fuzz/fuzz_image.c" "$top/tests/unit/harness.c" "$top/tests/unit/sink_mem.c" \
	"$top/tests/unit/mkcpio.c" "$top/unpack/cpio.c" "$top/unpack/image.c" "$top/unpack/decomp.c" \
	"$top/unpack/decomp_gzip.c" "$top/unpack/decomp_xz.c" "$top/unpack/decomp_zstd.c" \
	"$top/unpack/decomp_bzip2.c" "$top/unpack/decomp_lz4.c" "$top/unpack/decomp_lzo.c" \
	"$out/minilzo.o" -lz -llzma -lzstd -llz4 -lbz2 2>> "$out/build.log"; then
	echo "FAIL fuzz/image: build: $(grep -m 3 error "$out/build.log" | tr '\n' ' ')"
	exit 1
fi

# seeds: each corpus image behind a control prefix (chunks of 128 and 14)
rm -f "$out/seeds/"*
n=0
for img in "$top"/tests/corpus/*.img; do
	[ -f "$img" ] || continue
	{ printf '\002\177\015'; head -c 65000 "$img"; } > "$out/seeds/$(basename "$img")"
	n=$((n + 1))
done
# and a few of our own, in case the corpus is not there
printf '\001\000' > "$out/seeds/empty"
printf '\000070701' > "$out/seeds/magic"

opts="-max_len=65536 -rss_limit_mb=4096 -malloc_limit_mb=4096 -timeout=20 -print_final_stats=1
      -artifact_prefix=$out/artifacts/"

# the reproducers, nothing masked: each must pass alone
bad=
: > "$out/regress.log"
for f in "$top"/tests/fuzz/regress/*; do
	[ -f "$f" ] || continue
	FUZZ_MASK= "$out/fuzz_image" $opts "$f" > "$out/regress.one" 2>&1 ||
		bad="$bad $(basename "$f")"
	cat "$out/regress.one" >> "$out/regress.log"
done

FUZZ_MASK=$mask "$out/fuzz_image" $opts -max_total_time="$secs" "$out/corpus" "$out/seeds" \
	> "$out/fuzz.log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz.log")
regress=${bad:+; regress/ still failing:$bad (build/fuzz/regress.log)}
if [ $rc -eq 0 ] && [ -z "$bad" ]; then
	echo "PASS fuzz/image: ${runs:-?} runs in ${secs}s from $n corpus images, no crash, no mismatch${mask:+ (masked: $mask)}"
elif [ $rc -eq 0 ]; then
	echo "FAIL fuzz/image: ${runs:-?} runs in ${secs}s, no new crash${mask:+ (masked: $mask)}$regress"
	exit 1
else
	art=$(ls -t "$out/artifacts/" 2>/dev/null | head -n 1)
	why=$(grep -m 1 -E 'ERROR: |differs from|runtime error' "$out/fuzz.log")
	echo "FAIL fuzz/image: $why; input build/fuzz/artifacts/$art, log build/fuzz/fuzz.log$regress"
	exit 1
fi
