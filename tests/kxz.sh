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

# the unit tests, as tests/unit.sh builds them, with XZ_KERNEL and lib/xz
k=$(ls -d build/deps/src/kxz-*/ 2>/dev/null | head -n 1)
lzo=$(ls -d build/deps/src/lzo2-*/ 2>/dev/null | head -n 1)
bz=$(ls -d build/deps/src/bzip2-*/ 2>/dev/null | head -n 1)
bs=$(ls -d build/deps/src/bearssl-*/ 2>/dev/null | head -n 1)
werror=; [ "${WERROR-}" = 1 ] && werror=-Werror
cc=${HOST_CC:-gcc}
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
if [ -z "$k" ] || [ -z "$lzo" ] || [ -z "$bz" ] || [ -z "$bs" ]; then
	echo "FAIL unit/kxz/build: no lib/xz, lzo2, bzip2 or bearssl source in build/deps/src"
elif ! { $cc -O1 -g $san -fno-sanitize=alignment -I"$lzo/include/lzo" -c "$lzo/minilzo/minilzo.c" \
		-o "$out/minilzo.o" &&
	for f in xz_dec_stream xz_dec_lzma2 xz_dec_bcj; do
		$cc -O1 -g $san -DXZ_DEC_X86 -Iboot -I"$k/include/linux" -c "$k/lib/xz/$f.c" -o "$out/$f.o" || exit 1
	done &&
	$cc -std=c11 -g -O1 -D_GNU_SOURCE $san -Wall $werror -Wextra -Wno-missing-prototypes \
		-DHAVE_GZIP -DHAVE_BZIP2 -DHAVE_LZMA -DHAVE_XZ -DHAVE_LZO -DHAVE_LZ4 -DHAVE_ZSTD -DXZ_KERNEL \
		-I"$lzo/include/lzo" -I"$lzo/minilzo" -I"$bz" -I"$bs/inc" -I"$bs/src" -I"$k/include/linux" \
		-o "$out/unit" tests/unit/*.c unpack/cpio.c unpack/links.c unpack/image.c unpack/timing.c \
		lib/clock.c lib/crc32.c codec/decomp.c codec/decomp_gzip.c codec/decomp_xz.c codec/decomp_zstd.c \
		codec/decomp_bzip2.c codec/decomp_lz4.c codec/decomp_lzo.c lib/error.c lib/io.c verify/sha256.c \
		"$bs/src/hash/sha2small.c" "$bs/src/codec/dec32be.c" "$bs/src/codec/enc32be.c" \
		"$bs/src/codec/enc64be.c" "$out/minilzo.o" "$out"/xz_dec_*.o -lz -llzma -lzstd -llz4 -lbz2; \
	} > "$out/unit.build" 2>&1; then
	echo "FAIL unit/kxz/build: $(grep -m 3 -i 'error' "$out/unit.build" | tr '\n' ' ')"
else
	(cd "$out" && ./unit 2>&1) > "$out/unit.out"
	sed -n 's#^\(PASS\|FAIL\) unit/#\1 unit/kxz/#p' "$out/unit.out"
	grep -q '^PASS ' "$out/unit.out" || echo "FAIL unit/kxz/run: no results: $(tail -n 3 "$out/unit.out" | tr '\n' ' ')"
fi

# shellcheck disable=SC2046
POPINIT=$top/build/kxz/popinit XZDEC=kernel sh tests/oracle/compare.sh \
	$(cd tests/corpus && ls ./*xz*.img ./*lzma*.img | sed 's#^\./##; s/\.img$//')
