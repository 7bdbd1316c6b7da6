#!/bin/sh
# unit.sh: build the unit tests for the host with glibc, ASan and UBSan
# (static musl cannot carry the sanitizers) and run them.
#
# A variant build (tests/kxz.sh) gives, in the environment:
#   UNIT_OUT    its build directory (default build/test)
#   UNIT_FLAGS  compiler flags added to the unit tests' own
#   UNIT_SRCS   sources added to theirs
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
# WERROR=1 (CI): warnings are errors here too
werror=; [ "${WERROR-}" = 1 ] && werror=-Werror
out=${UNIT_OUT:-$top/build/test}
mkdir -p "$out"
cc=${HOST_CC:-gcc}
srcs="$top/tests/unit/*.c $top/unpack/cpio.c $top/unpack/links.c $top/unpack/image.c $top/unpack/timing.c $top/lib/clock.c
      $top/codec/decomp.c $top/codec/decomp_gzip.c $top/codec/decomp_xz.c
      $top/codec/decomp_zstd.c $top/codec/decomp_bzip2.c $top/codec/decomp_lz4.c
      $top/codec/decomp_lzo.c $top/lib/error.c $top/lib/io.c $top/verify/sha256.c"
# the decoders against Debian's -dev libraries here, and minilzo from the
# source make fetched (Debian ships no minilzo); popinit itself links the
# musl builds of build/deps
lzo=$(ls -d "$top"/build/deps/src/lzo2-*/ 2>/dev/null | head -n 1)
bz=$(ls -d "$top"/build/deps/src/bzip2-*/ 2>/dev/null | head -n 1)
bs=$(ls -d "$top"/build/deps/src/bearssl-*/ 2>/dev/null | head -n 1)
[ -n "$lzo" ] && [ -n "$bz" ] && [ -n "$bs" ] ||
	{ echo "FAIL unit/build: no lzo2, bzip2 or bearssl source in build/deps/src (run make first)"; exit 1; }
# BearSSL's SHA-256, the reference of verify/sha256.c's SHA instructions
srcs="$srcs $bs/src/hash/sha2small.c $bs/src/codec/dec32be.c $bs/src/codec/enc32be.c $bs/src/codec/enc64be.c"
# minilzo reads unaligned words on purpose: no alignment checks for it
$cc -O1 -g -fsanitize=address,undefined -fno-sanitize=alignment -fno-sanitize-recover=all \
	-I"$lzo/include/lzo" -c "$lzo/minilzo/minilzo.c" -o "$out/minilzo.o" 2> "$out/minilzo.build" ||
	{ echo "FAIL unit/build: minilzo: $(head -3 "$out/minilzo.build" | tr '\n' ' ')"; exit 1; }
if ! $cc -std=c11 -g -O1 -D_GNU_SOURCE -fsanitize=address,undefined -fno-sanitize-recover=all \
	-Wall $werror -Wextra -Wno-missing-prototypes \
	-DHAVE_GZIP -DHAVE_BZIP2 -DHAVE_LZMA -DHAVE_XZ -DHAVE_LZO -DHAVE_LZ4 -DHAVE_ZSTD ${UNIT_FLAGS-} \
	-I"$lzo/include/lzo" -I"$lzo/minilzo" -I"$bz" -I"$bs/inc" -I"$bs/src" -o "$out/unit" $srcs ${UNIT_SRCS-} "$out/minilzo.o" \
	-lz -llzma -lzstd -llz4 -lbz2 2> "$out/unit.build"; then
	echo "FAIL unit/build: $(head -3 "$out/unit.build" | tr '\n' ' ')"
	exit 1
fi
cd "$out" && ./unit
