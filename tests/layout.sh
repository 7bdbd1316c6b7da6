#!/bin/sh
# layout.sh: the decoders' and hashes' loops lie each in one page
# (boot/layout.sh, boot/hot.list; under QEMU's TCG a loop across a page
# boundary pays a block lookup at every jump across it, bench/history.md
# 2r).  First boot/layout.sh itself, on a map made up so that only its
# placement can keep a function off a boundary; then the maps of the
# builds make check made (the full x86_64 binary, the firmware build):
# every unit boot/hot.list names that a map holds lies in one page, and
# the units every build carries are there.  PASS/FAIL lines.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
w=${TESTDIR:-$top/build/test}/layout
rm -rf "$w"; mkdir -p "$w"
cd "$top" || exit 1

pass() { echo "PASS layout/$1"; }
fail() { echo "FAIL layout/$1: $2"; }

# a map as ld writes it: the group from 0x1000, in the order of its inputs
# a (0xe00 bytes), hot1 (0xc00), hot2 (0x700), b (0x300), c (0x100):
# linked so, hot1 would cross 0x2000 and hot2 0x3000
cat > "$w/map" <<'EOF'
Linker script and memory map

 *(SORT_BY_ALIGNMENT(.text.hot .text.hot.*))
 .text.hot.a    0x0000000000001000      0xe00 x/liba.a(a.o)
 .text.hot.hot1
                0x0000000000001e00      0xc00 x/liba.a(h.o)
 .text.hot.hot2.constprop.0
                0x0000000000002a00      0x700 x/liba.a(h.o)
 .text.hot.b    0x0000000000003100      0x300 x/liba.a(b.o)
 .text.hot.c    0x0000000000003400      0x100 x/own.o
EOF
printf 'hot1\n# a comment\nhot2\n' > "$w/list"
printf 'SECTIONS\n{\n  .text : {\n    *(.text.hot .text.hot.*)\n    *(.text .text.*)\n  }\n}\n' > "$w/default.ld"
# laid out: hot1 from 0x1000 to 0x1c00; hot2 does not fit before 0x2000,
# the largest filler that ends by then is b, then c: hot2 from 0x2000
if sh boot/layout.sh "$w/map" "$w/list" x86_64 "$w/default.ld" true > "$w/out.ld" 2> "$w/err"; then
	got=$(grep -o '^    \*[^ (][^ ]*' "$w/out.ld" | tr -d ' ' | tr '\n' ' ')
	want='*liba.a:h.o(.text.hot.hot1) *liba.a:b.o(.text.hot.b) *x/own.o(.text.hot.c) *liba.a:h.o(.text.hot.hot2.constprop.0) '
	if [ "$got" = "$want" ] && grep -q '^    \*(\.text\.hot \.text\.hot\.\*)$' "$w/out.ld"; then
		pass placement-fills-before-a-boundary
	else
		fail placement-fills-before-a-boundary "order '$got', not '$want'"
	fi
else
	fail placement-fills-before-a-boundary "boot/layout.sh: $(cat "$w/err")"
fi
# the same map checked as a final link: hot1 and hot2 cross
if out=$(sh boot/layout.sh -c "$w/map" "$w/list" x86_64); then
	fail check-finds-crossing "status 0 for a map where hot1 and hot2 cross: $out"
elif [ "$(echo "$out" | tr '\n' ' ')" = "crosses hot1 crosses hot2 " ]; then
	pass check-finds-crossing
else
	fail check-finds-crossing "$(echo "$out" | tr '\n' ' ')"
fi
# a line for another ARCH with the bytes that run hot: on x86_64 the
# whole function (which crosses), on that ARCH only its range
printf 'hot1 aarch64 0x0 0x100\n' > "$w/list2"
out=$(sh boot/layout.sh -c "$w/map" "$w/list2" aarch64) &&
	out2=$(sh boot/layout.sh -c "$w/map" "$w/list2" x86_64; echo "status $?")
if [ "$out" = "ok hot1" ] && [ "$(echo "$out2" | tr '\n' ' ')" = "crosses hot1 status 1 " ]; then
	pass range-per-arch
else
	fail range-per-arch "aarch64: '$out', x86_64: '$(echo "${out2:-}" | tr '\n' ' ')'"
fi

# the builds: every unit in one page, and the ones each build carries
# (each codec's loop, popinit's CRC-32, the SHA-256 and the P-256 code)
need='inflate_fast lzma_decode crc32_update LZ4_decompress_safe BZ2_decompress lzo1x_decompress_safe br_sha224_update+br_sha2small_round run_code'
for m in build/popinit.map build/fw/popinit.map; do
	t=$(echo "${m%/popinit.map}" | tr / -)
	if [ ! -f "$m" ]; then
		fail "$t" "no $m (make all, tests/budget.sh build it)"
		continue
	fi
	out=$(sh boot/layout.sh -c "$m" boot/hot.list x86_64)
	st=$?
	miss=
	for u in $need; do
		echo "$out" | grep -qx "ok $u" || miss="$miss $u"
	done
	echo "$out" | grep -q '^ok ZSTD_decompressSequences' || miss="$miss ZSTD_decompressSequences*"
	if [ $st != 0 ]; then
		fail "$t-loops-in-one-page" "$(echo "$out" | grep crosses | tr '\n' ' ')"
	elif [ -n "$miss" ]; then
		fail "$t-loops-in-one-page" "not laid out:$miss"
	else
		pass "$t-loops-in-one-page"
		echo "layout: $m: $(echo "$out" | wc -l) units each in one page" >&2
	fi
done
