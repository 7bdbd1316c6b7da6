#!/bin/sh
# kxz.sh: the build whose .xz decoder is the kernel's own lib/xz (make
# XZDEC=kernel, or1k's default; codec/decomp_xz.c), on the host:
#   - the unit tests again, built with it (glibc, ASan and UBSan; lib/xz
#     from the source boot/deps.sh extracted), named unit/kxz/...;
#   - the oracle's .xz and .lzma cases against the kernel's recorded trees
#     (tests/oracle/compare.sh, XZDEC=kernel): where liblzma knowingly
#     differs (an .expect's "decoder: liblzma"), this build must be the
#     kernel exactly, named corpus/kxz/...
# PASS/FAIL lines.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=${TESTDIR:-$top/build/test}/kxz
mkdir -p "$out"
cd "$top" || exit 1

if ! make -s XZDEC=kernel B=build/kxz build/kxz/popinit > "$out/make.log" 2>&1; then
	echo "FAIL kxz/build: make XZDEC=kernel: $(tail -n 3 "$out/make.log" | tr '\n' ' ')"
	exit 1
fi
echo "PASS kxz/build"

# the unit tests as tests/unit.sh builds them, with XZ_KERNEL and lib/xz:
# the sources boot/deps.sh extracted, the filters it chose for this host
k=$(ls -d build/deps/src/kxz-*/ 2>/dev/null | head -n 1)
if [ -z "$k" ] || [ ! -f build/deps/lib/kxz.defs ]; then
	echo "FAIL unit/kxz/build: no lib/xz in build/deps (boot/deps.sh kxz)"
else
	UNIT_OUT=$out UNIT_FLAGS="-DXZ_KERNEL $(cat build/deps/lib/kxz.defs) -Iboot -I${k}include/linux" \
		UNIT_SRCS="${k}lib/xz/xz_dec_stream.c ${k}lib/xz/xz_dec_lzma2.c ${k}lib/xz/xz_dec_bcj.c lib/crc32.c" \
		sh tests/unit.sh > "$out/unit.out" 2>&1
	sed -n 's#^\(PASS\|FAIL\) unit/#\1 unit/kxz/#p' "$out/unit.out"
	grep -q '^PASS ' "$out/unit.out" || echo "FAIL unit/kxz/run: no results: $(tail -n 3 "$out/unit.out" | tr '\n' ' ')"
fi

# shellcheck disable=SC2046
POPINIT=$top/build/kxz/popinit XZDEC=kernel sh tests/oracle/compare.sh \
	$(cd tests/corpus && ls ./*xz*.img ./*lzma*.img | sed 's#^\./##; s/\.img$//')
