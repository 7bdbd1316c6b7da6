#!/bin/sh
# run.sh: differential fuzzing of popinit against the kernel's own code:
# init/initramfs.c and lib/decompress_*.c of Linux 6.1 (with lib/xz,
# lib/zstd, lib/zlib_inflate), built for userspace from Debian's
# linux-source-6.1 (nothing of it is kept in this tree), see kinit.c.
#
#   sh tests/fuzz/kernel/run.sh [SECONDS]     default 60
#
# KSRC_TAR: the linux-source-6.1.tar.xz to use (default: Debian's place,
# /usr/src, then the research copy under /tmp/k).  Seeds: tests/corpus/*.img.
# DIFF_MASK (see fuzz_diff.c) names known differences not to stop at; by
# default the open ones.  DIFF_MASK= compares everything.
# The reproducers, regress/* (each a difference fixed), are replayed
# first with nothing masked: each must pass alone.  known/* are the open
# differences (masked, and said in the README).
# KXZ=1: popinit built with XZ_KERNEL (make XZDEC=kernel, or1k's default:
# the kernel's own lib/xz for .xz streams with the check none or CRC32), as
# fuzz/kernel-diff-kxz in build/fuzz/kernel-kxz: the known differences
# of .xz (xz-*) must be gone, and no .xz error path is masked.
# Prints one line, PASS or FAIL (too slow too: ../lib.sh); mismatches in
# build/fuzz/kernel/artifacts.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/tests/fuzz/lib.sh"
here=$top/tests/fuzz/kernel
secs=${1:-60}
kxz=${KXZ:-}
out=$top/build/fuzz/kernel${kxz:+-kxz}
cc=${FUZZ_CC:-clang-14}
name=fuzz/kernel-diff${kxz:+-kxz}

tar=${KSRC_TAR:-}
for t in /usr/src/linux-source-6.1.tar.xz /tmp/k/src/usr/src/linux-source-6.1.tar.xz; do
	[ -n "$tar" ] || { [ -f "$t" ] && tar=$t; }
done
[ -n "$tar" ] && [ -f "$tar" ] ||
	{ echo "FAIL $name: no linux-source-6.1.tar.xz (apt-get download linux-source-6.1; KSRC_TAR=...)"; exit 1; }
lzo=$(ls -d "$top"/build/deps/src/lzo2-*/ 2>/dev/null | head -n 1)
bz=$(ls -d "$top"/build/deps/src/bzip2-*/ 2>/dev/null | head -n 1)
[ -n "$lzo" ] && [ -n "$bz" ] || { echo "FAIL $name: no lzo2 or bzip2 source in build/deps/src (run make first)"; exit 1; }
command -v "$cc" > /dev/null || { echo "FAIL $name: no $cc"; exit 1; }

mkdir -p "$out/obj" "$out/inc/linux/decompress" "$out/inc/asm" "$out/corpus" "$out/artifacts"
log=$out/build.log
: > "$log"
fail() { echo "FAIL $name: $1 (see ${out#$top/}/build.log)"; exit 1; }

# the kernel's files, once
k=$out/src/linux-source-6.1
if [ ! -f "$k/init/initramfs.c" ]; then
	mkdir -p "$out/src"
	tar -C "$out/src" -xJf "$tar" --wildcards 'linux-source-6.1/init/initramfs.c' \
		'linux-source-6.1/lib/decompress*.c' 'linux-source-6.1/lib/xz/*' 'linux-source-6.1/lib/zstd/*' \
		'linux-source-6.1/lib/zlib_inflate/*' 'linux-source-6.1/lib/xxhash.c' \
		'linux-source-6.1/include/linux/xz.h' 'linux-source-6.1/include/linux/zstd*.h' \
		'linux-source-6.1/include/linux/xxhash.h' 'linux-source-6.1/include/linux/zutil.h' \
		'linux-source-6.1/include/linux/zlib.h' 'linux-source-6.1/include/linux/zconf.h' >> "$log" 2>&1 ||
		fail "cannot extract $tar"
fi

# headers: the kernel's own where they are plain C, else stubs over kshim.h
inc=$out/inc
for h in init async fs slab types fcntl delay string dirent syscalls utime file memblock mm namei \
	 init_syscalls task_work umh kernel module export compiler bitops initrd kexec crc32 crc32poly \
	 math64 swab unaligned stddef vmalloc; do
	echo '#include "kshim.h"' > "$inc/linux/$h.h"
done
echo '#include "kshim.h"' > "$inc/asm/unaligned.h"
echo '#include "kshim.h"' > "$inc/linux/decompress/mm.h"
echo '#include "kshim_lz4.h"' > "$inc/linux/lz4.h"
echo '#include "kshim_lzo.h"' > "$inc/linux/lzo.h"
cat > "$inc/linux/decompress/generic.h" <<'EOF'
#include "kshim.h"
typedef int (*decompress_fn)(unsigned char *inbuf, long len, long (*fill)(void *, unsigned long),
			     long (*flush)(void *, unsigned long), unsigned char *outbuf, long *posp,
			     void (*error)(char *x));
decompress_fn decompress_method(const unsigned char *inbuf, long len, const char **name);
EOF
for d in bunzip2:bunzip2 unlzma:unlzma unlz4:unlz4 unlzo:unlzo unxz:unxz inflate:gunzip unzstd:unzstd; do
	printf '#include "generic.h"\nint %s(unsigned char *, long, long (*)(void *, unsigned long), long (*)(void *, unsigned long), unsigned char *, long *, void (*)(char *));\n' \
		"${d#*:}" > "$inc/linux/decompress/${d%%:*}.h"
done
for h in xz zstd zstd_errors zstd_lib xxhash zutil zlib zconf; do cp "$k/include/linux/$h.h" "$inc/linux/"; done

# the copies run.sh changes (ORACLE, see kinit.c)
sed -n '1,/^static int __initdata do_retain_initrd/p' "$k/init/initramfs.c" | sed '$d' |
awk '
/^\tnext_header = \(next_header \+ 3\) & ~3;$/ { print; getline; print; print "\tnext_state = Reset;\t/* ORACLE: B19 as popinit */"; next }
/^\t\tbuf \+= my_inptr;$/ { print "\t\tif (!message && my_inptr > len) { kor_ub = 2; break; }\t/* ORACLE: past the end */" }
/^static long __init flush_buffer\(void \*bufv, unsigned long len\)$/ { print "extern int kor_capped;"; print; getline; print; print "\tif (kor_capped)\t/* ORACLE: the output cap */"; print "\t\treturn -1;"; next }
{ print }' > "$out/obj/initramfs_cut.c"
awk '
/^\t\t\tt \+= \(runPos << nextSym\);$/ { print "\t\t\tif (runPos > dbufSize) { extern int kor_ub; kor_ub = 3; return RETVAL_DATA_ERROR; }\t/* ORACLE: t overflows */" }
{ print }' "$k/lib/decompress_bunzip2.c" > "$out/obj/decompress_bunzip2.c"
awk '
/^\t\treturn wr->buffer\[pos\];$/ { print "\t\tif ((size_t)pos >= (size_t)wr->bufsize) { extern int kor_ub; kor_ub = 4; return 0; }\t/* ORACLE: outside the window */" }
{ print }' "$k/lib/decompress_unlzma.c" > "$out/obj/decompress_unlzma.c"
[ "$(grep -c ORACLE "$out/obj/initramfs_cut.c")" = 3 ] && grep -q ORACLE "$out/obj/decompress_bunzip2.c" &&
	[ "$(grep -c ORACLE "$out/obj/decompress_unlzma.c")" = 2 ] ||
	fail "the kernel files are not the ones expected (ORACLE patches did not apply)"

kflags="-O1 -g -w -Werror=implicit-function-declaration -I$here -I$inc -I$k/lib -I$k/lib/zstd -I$lzo/include/lzo -I$lzo/minilzo"
xzflags="-D__KERNEL__ -DCONFIG_XZ_DEC_X86 -DCONFIG_XZ_DEC_POWERPC -DCONFIG_XZ_DEC_IA64 -DCONFIG_XZ_DEC_ARM
	 -DCONFIG_XZ_DEC_ARMTHUMB -DCONFIG_XZ_DEC_SPARC -DCONFIG_XZ_DEC_BCJ"
objs=
build() {	# build OBJ SRC FLAGS...
	o=$out/obj/$1; s=$2; shift 2
	gcc $kflags "$@" -c -o "$o" "$s" >> "$log" 2>&1 || fail "cannot build $(basename "$s")"
	objs="$objs $o"
}
build kinit.o "$here/kinit.c" -I"$out/obj"
build bunzip2.o "$out/obj/decompress_bunzip2.c"
build unlzma.o "$out/obj/decompress_unlzma.c"
for d in unlz4 unlzo inflate unzstd; do build $d.o "$k/lib/decompress_$d.c"; done
build unxz.o "$k/lib/decompress_unxz.c" -D__KERNEL__
for f in xz_dec_stream xz_dec_lzma2 xz_dec_bcj xz_crc32; do build $f.o "$k/lib/xz/$f.c" $xzflags; done
for f in inflate inftrees inffast infutil; do build zi_$f.o "$k/lib/zlib_inflate/$f.c"; done
for f in "$k"/lib/zstd/common/*.c "$k"/lib/zstd/decompress/*.c "$k/lib/zstd/zstd_decompress_module.c" "$k/lib/xxhash.c"; do
	build zs_$(basename "$f" .c).o "$f"
done
build minilzo.o "$lzo/minilzo/minilzo.c"
# one object, only kernel_unpack() seen from outside (its zstd and
# minilzo would clash with popinit's)
ld -r -o "$out/obj/kor_all.o" $objs >> "$log" 2>&1 &&
	objcopy --keep-global-symbol=kernel_unpack "$out/obj/kor_all.o" "$out/obj/kor.o" >> "$log" 2>&1 ||
	fail "cannot link kor.o"

$cc $kflags -c -o "$out/obj/minilzo_pop.o" -fsanitize=fuzzer-no-link,address "$lzo/minilzo/minilzo.c" >> "$log" 2>&1 ||
	fail "cannot build minilzo"
# KXZ: popinit's side with lib/xz as boot/deps.sh builds it (userspace,
# boot/xz_config.h), the BCJ filters of the kernel's side
# (xz.h alone in a folder of its own: include/linux has zlib.h and zstd.h too)
pxz=
if [ -n "$kxz" ]; then
	mkdir -p "$out/inc-xz" && cp "$k/include/linux/xz.h" "$out/inc-xz/" || fail "cannot copy xz.h"
	for f in xz_dec_stream xz_dec_lzma2 xz_dec_bcj; do
		$cc -g -O1 -w -fsanitize=fuzzer-no-link,address,undefined -I"$top/boot" -I"$out/inc-xz" \
			-DXZ_DEC_X86 -DXZ_DEC_POWERPC -DXZ_DEC_IA64 -DXZ_DEC_ARM -DXZ_DEC_ARMTHUMB -DXZ_DEC_SPARC \
			-c -o "$out/obj/pop_$f.o" "$k/lib/xz/$f.c" >> "$log" 2>&1 || fail "cannot build $f.c for popinit"
		pxz="$pxz $out/obj/pop_$f.o"
	done
	pxz="-DXZ_KERNEL -DCRC32_NOT_ZLIB -I$out/inc-xz $top/lib/crc32.c $pxz"
fi
# shellcheck disable=SC2086
if ! $cc -std=gnu11 -g -O1 -D_GNU_SOURCE -Wall -Wextra \
	-DHAVE_GZIP -DHAVE_BZIP2 -DHAVE_LZMA -DHAVE_XZ -DHAVE_LZO -DHAVE_LZ4 -DHAVE_ZSTD \
	-I"$lzo/include/lzo" -I"$lzo/minilzo" -I"$bz" $pxz \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o "$out/fuzz_diff" \
	"$here/fuzz_diff.c" "$top/tests/fuzz/alloc.c" "$top/unpack/cpio.c" "$top/unpack/image.c" "$top/unpack/timing.c" "$top/lib/clock.c" "$top/unpack/links.c" \
	"$top/codec/decomp.c" "$top/codec/decomp_gzip.c" "$top/codec/decomp_xz.c" \
	"$top/codec/decomp_zstd.c" "$top/codec/decomp_bzip2.c" "$top/codec/decomp_lz4.c" \
	"$top/codec/decomp_lzo.c" "$top/lib/error.c" "$out/obj/minilzo_pop.o" "$out/obj/kor.o" \
	-lz -llzma -lzstd -llz4 -lbz2 >> "$log" 2>&1; then
	fail "cannot build fuzz_diff"
fi

seeds=$out/seeds
mkdir -p "$seeds"
n=0
for img in "$top"/tests/corpus/*.img; do
	[ -f "$img" ] || continue
	head -c 65536 "$img" > "$seeds/$(basename "$img")"
	n=$((n + 1))
done
printf '070701' > "$seeds/magic"

o="-max_len=65536 -rss_limit_mb=4096 -malloc_limit_mb=4096 -timeout=20 -print_final_stats=1
   -artifact_prefix=$out/artifacts/"
bad=
: > "$out/regress.log"
for f in "$here"/regress/*; do
	[ -f "$f" ] || continue
	DIFF_MASK= "$out/fuzz_diff" $o "$f" >> "$out/regress.log" 2>&1 || bad="$bad $(basename "$f")"
done
[ -z "$bad" ] ||
	{ echo "FAIL $name: regress/ still failing:$bad (${out#$top/}/regress.log)"; exit 1; }

# the known differences, each documented in the README and masked: each
# file of known/ is named after its mask (MASK, or MASK.WHAT for another
# instance) and must still differ with nothing masked (else the difference
# is gone: remove it and its mask), and not with its own mask; with KXZ,
# the .xz ones (xz-*) must be gone, the .lzma ones (liblzma still) not
for f in "$here"/known/*; do
	[ -f "$f" ] || continue
	k=$(basename "$f"); m=${k%%.*}
	if [ -n "$kxz" ] && [ "${m#xz-}" != "$m" ]; then
		DIFF_MASK= "$out/fuzz_diff" $o "$f" >> "$out/regress.log" 2>&1 ||
			{ echo "FAIL $name: known/$k: still differs with the kernel's lib/xz (${out#$top/}/regress.log)"; exit 1; }
		continue
	fi
	if DIFF_MASK= "$out/fuzz_diff" $o "$f" >> "$out/regress.log" 2>&1; then
		echo "FAIL $name: known/$k: popinit = kernel now: the difference is gone (remove it, its mask, its README note)"
		exit 1
	fi
	DIFF_MASK=$m "$out/fuzz_diff" $o "$f" >> "$out/regress.log" 2>&1 ||
		{ echo "FAIL $name: known/$k: not the difference its mask $m describes (${out#$top/}/regress.log)"; exit 1; }
done

# (the kernel's lib/xz shifts the range coder's first byte out as the kernel does)
masks=decoder-error-path,xz-settings,lz4-cut-block,lzma-stated-size
[ -z "$kxz" ] && masks=$masks,xz-rc-first-byte
export DIFF_MASK="${DIFF_MASK-$masks}"
fuzz_time "$out/time" "$out/fuzz_diff" $o $fuzz_runs -max_total_time="$secs" "$out/corpus" "$seeds" \
	> "$out/fuzz.log" 2>&1
rc=$?
fuzz_speed "$out/fuzz.log" "$out/time"
[ $rc -eq 0 ] && fuzz_merge "$out/fuzz_diff" "$out" $o
if [ $rc -eq 0 ] && ! fuzz_slow; then
	echo "PASS $name: $speed from $n corpus images (coverage ${cov:-?}), popinit = kernel${DIFF_MASK:+ (masked: $DIFF_MASK)}"
elif [ $rc -eq 0 ]; then
	echo "FAIL $name: too slow: $cpu_rate runs/s of CPU, below $FUZZ_MIN_RATE; $speed, popinit = kernel"
	exit 1
else
	fuzz_outcome "$out/fuzz.log"
	if [ -n "$stopped" ]; then
		echo "STOP $name: interrupted (libFuzzer exit $rc): $speed, popinit = kernel until then"
		exit 1
	fi
	why=$(grep -m 1 -E 'differ|ERROR: |runtime error' "$out/fuzz.log")
	echo "FAIL $name: ${why:-libFuzzer exit $rc}; input ${art:-none written} (DIFF_SHOW=1 DIFF_NOABORT=1 $out/fuzz_diff FILE shows both)"
	exit 1
fi
