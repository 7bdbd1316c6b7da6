#!/bin/sh
# options.sh: a benchmark (not a test): the codecs' build options, speed
# against size, one variant at a time, to choose boot/deps.sh's defaults
# with figures.
#
#   sh tests/bench/options.sh [REPS] > build/bench/options.md   (make bench runs it)
#
# Each variant rebuilds one library (boot/deps.sh with ZSTD_FLAGS,
# LZMA_SMALL or LZMA_OPT, into build/bench/var/NAME) and measures:
#   - the firmware build's size (TOOLS=no, all seven codecs), against the
#     default's and the 300 KiB budget;
#   - the decode bound (tests/bench/decode.c: popinit's decoder front and
#     the library, output to /dev/null) on the Debian initramfs-tools image:
#     instructions (valgrind's callgrind: independent of the machine's
#     load), wall time on the host, and wall time inside QEMU (Debian's
#     kernel, TCG, 1 vCPU: tests/bench/vmtime.c runs every variant in one
#     boot), each the median of REPS runs, the variants interleaved.
# TCG is what the boot benchmark runs on: code that is cheap on the host
# (SIMD moves, BMI2) may cost more there, so both are shown.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
reps=${1:-5}
w=build/bench
say() { printf '%s\n' "$*" >&2; }
command -v valgrind > /dev/null || { say "options.sh: fatal: valgrind missing (sh boot/packages.sh)"; exit 111; }
[ -s $w/itools.cpio.zst ] || { say "options.sh: fatal: $w/itools.cpio.zst missing (tests/bench/unpack.sh makes it)"; exit 111; }
[ -s $w/itools.cpio.xz ] || { zstd -dc $w/itools.cpio.zst | xz --check=crc32 -T2 > $w/itools.cpio.xz.tmp && mv $w/itools.cpio.xz.tmp $w/itools.cpio.xz; }
[ -s $w/itools.cpio.gz ] || { zstd -dc $w/itools.cpio.zst | gzip -n > $w/itools.cpio.gz.tmp && mv $w/itools.cpio.gz.tmp $w/itools.cpio.gz; }
[ -s $w/itools.cpio.lz4 ] || { zstd -dc $w/itools.cpio.zst | lz4 -q -9 -l > $w/itools.cpio.lz4.tmp && mv $w/itools.cpio.lz4.tmp $w/itools.cpio.lz4; }

# NAME|LIB|VAR=VALUE;...: the variants; the first of each library is the default
zdef="-O2 -DHUF_FORCE_DECOMPRESS_X1 -DZSTD_FORCE_DECOMPRESS_SEQUENCES_SHORT"
variants="
zstd-default|zstd|ZSTD_FLAGS=$zdef
zstd-both-decoders|zstd|ZSTD_FLAGS=-O2
zstd-X2-LONG|zstd|ZSTD_FLAGS=-O2 -DHUF_FORCE_DECOMPRESS_X2 -DZSTD_FORCE_DECOMPRESS_SEQUENCES_LONG
zstd-X1-LONG|zstd|ZSTD_FLAGS=-O2 -DHUF_FORCE_DECOMPRESS_X1 -DZSTD_FORCE_DECOMPRESS_SEQUENCES_LONG
zstd-X2-SHORT|zstd|ZSTD_FLAGS=-O2 -DHUF_FORCE_DECOMPRESS_X2 -DZSTD_FORCE_DECOMPRESS_SEQUENCES_SHORT
zstd-no-BMI2-dispatch|zstd|ZSTD_FLAGS=$zdef -DDYNAMIC_BMI2=0
zstd-DISABLE_ASM|zstd|ZSTD_FLAGS=$zdef -DZSTD_DISABLE_ASM
zstd-STRIP_ERROR_STRINGS|zstd|ZSTD_FLAGS=$zdef -DZSTD_STRIP_ERROR_STRINGS
zstd-NO_INLINE|zstd|ZSTD_FLAGS=$zdef -DZSTD_NO_INLINE
zstd-Os|zstd|ZSTD_FLAGS=-Os -DHUF_FORCE_DECOMPRESS_X1 -DZSTD_FORCE_DECOMPRESS_SEQUENCES_SHORT
zstd-no-vectorize|zstd|ZSTD_FLAGS=$zdef -fno-tree-vectorize
zstd-fse-O2|zstd|ZSTD_FSE_OPT=
zlib-default|zlib|ZLIB_OPT=
zlib-O2|zlib|ZLIB_OPT=-O2
lz4-default|lz4|LZ4_OPT=-O2 -DLZ4_FAST_DEC_LOOP=0
lz4-fast-dec-loop|lz4|LZ4_OPT=-O2 -DLZ4_FAST_DEC_LOOP=1
lz4-Os|lz4|LZ4_OPT=-Os -DLZ4_FAST_DEC_LOOP=0
lzma-default|xz|LZMA_SMALL=yes
lzma-O2|xz|LZMA_OPT=-O2
lzma-not-small|xz|LZMA_SMALL=no
lzma-not-small-O2|xz|LZMA_SMALL=no;LZMA_OPT=-O2
"
# OPTIONS_ONLY=REGEX: only the variants whose name matches (and the defaults)
if [ -n "${OPTIONS_ONLY:-}" ]; then
	variants=$(echo "$variants" | grep -E "^([a-z]*-default|${OPTIONS_ONLY})\|")
fi

v=$w/var
mkdir -p $v
res=$v/res
rm -rf $res; mkdir -p $res
echo "$variants" | while IFS='|' read -r name lib envs; do
	[ -n "$name" ] || continue
	d=$v/$name
	key="$lib|$envs|$(cat boot/deps.sh Makefile $(git ls-files '*.c' '*.h') | cksum)"
	if [ "$(cat $d/key 2>/dev/null)" != "$key" ]; then
		say "options: building $name"
		rm -rf $d; mkdir -p $d/deps
		# every other library as built: only LIB is rebuilt
		cp -a build/deps/lib build/deps/include $d/deps/
		for s in build/deps/.stamp-*; do
			[ "$s" = build/deps/.stamp-$lib ] || cp "$s" $d/deps/	# newer than boot/deps.sh
		done
		(IFS=';'; for a in $envs; do export "${a?}"; done
		 make -s B=$d DEPS=$d/deps TOOLS=no $d/popinit $d/bench/decode) > $d/build.log 2>&1 ||
			{ say "options: $name failed to build (see $d/build.log)"; continue; }
		echo "$key" > $d/key
	fi
	stat -c %s $d/popinit > $res/$name.size
	case $lib in xz) img=$w/itools.cpio.xz ;; zlib) img=$w/itools.cpio.gz ;; lz4) img=$w/itools.cpio.lz4 ;;
	*) img=$w/itools.cpio.zst ;; esac
	echo "$img" > $res/$name.img
	say "options: $name: callgrind"
	valgrind --tool=callgrind --callgrind-out-file=/dev/null $d/bench/decode $img 2>&1 > /dev/null |
		awk '/Collected/ { print $NF }' > $res/$name.ir
done
load0=$(awk '{ print $1 " " $2 " " $3 }' /proc/loadavg)
for r in $(seq "$reps"); do
	echo "$variants" | while IFS='|' read -r name lib envs; do
		[ -n "$name" ] && [ -x $v/$name/bench/decode ] || continue
		s=$(date +%s%N)
		$v/$name/bench/decode "$(cat $res/$name.img)" > /dev/null
		e=$(date +%s%N)
		echo $(( (e - s) / 1000000 )) >> $res/$name.ms
	done
done
load1=$(awk '{ print $1 " " $2 " " $3 }' /proc/loadavg)

# the same decoders inside QEMU: one boot runs them all, REPS rounds
kernel=$(sh boot/kernel.sh build/kernel)
t=$top/$v/vmtree
rm -rf $t; mkdir -p $t/bin $t/img $t/etc $t/dev
musl-gcc -static -Os -o $t/init tests/bench/vmtime.c
cp $w/itools.cpio.zst $w/itools.cpio.xz $w/itools.cpio.gz $w/itools.cpio.lz4 $t/img/
echo "$variants" | while IFS='|' read -r name lib envs; do
	[ -n "$name" ] && [ -x $v/$name/bench/decode ] || continue
	cp $v/$name/bench/decode $t/bin/$name
	echo "$name /bin/$name $(sed "s|^$w|/img|" $res/$name.img)"
done > $t/etc/vmtime
(cd $t && find . | sed 's|^\.||' | grep . | while read -r f; do
	if [ -d "$t$f" ]; then echo "dir $f 0755 0 0"; else echo "file $f $t$f 0755 0 0"; fi
done; echo "nod /dev/console 0600 0 0 c 5 1") | build/popinit mkimage -o $v/vm.initrd -
say "options: QEMU, $reps rounds"
sh boot/qemu.sh "$kernel" $v/vm.initrd $v/vm.log "quiet vmtime.rounds=$reps" 1800 -m 1024 > /dev/null 2>&1 || true
tr -d '\r' < $v/vm.log | awk -v d=$res '/^@@T / && $4 == 0 { print $3 >> (d "/" $2 ".vm") }'
load2=$(awk '{ print $1 " " $2 " " $3 }' /proc/loadavg)

med() { sort -n "$1" | awk '{ v[++n] = $1 } END { if (n % 2) print v[(n + 1) / 2]; else print (v[n / 2] + v[n / 2 + 1]) / 2 }'; }
echo "| variant | flags | firmware build, bytes | vs default | instructions (callgrind) | vs default | host ms | vs default | QEMU ms | vs default |"
echo "|---|---|---|---|---|---|---|---|---|---|"
echo "$variants" | while IFS='|' read -r name lib envs; do
	[ -n "$name" ] && [ -s $res/$name.size ] || continue
	case $name in *-default) base=$name ;; esac
	size=$(cat $res/$name.size) ir=$(cat $res/$name.ir) ms=$(med $res/$name.ms)
	q=NaN; bq=NaN
	[ -s $res/$name.vm ] && q=$(med $res/$name.vm)
	[ -s $res/$base.vm ] && bq=$(med $res/$base.vm)
	awk -v n="$name" -v f="$envs" -v s="$size" -v bs="$(cat $res/$base.size)" -v i="$ir" -v bi="$(cat $res/$base.ir)" \
		-v m="$ms" -v bm="$(med $res/$base.ms)" -v q="$q" -v bq="$bq" 'BEGIN {
		printf "| %s | `%s` | %d | %+d | %.0fM | x%.3f | %s | x%.2f | %s | %s |\n", n, f, s, s - bs, i / 1e6, i / bi, m, m / bm,
			q, (q == "NaN" || bq == "NaN") ? "-" : sprintf("x%.2f", q / bq) }'
done
echo
echo "Images: Debian's initramfs-tools initrd (tests/bench/vm.sh), as mkinitramfs made it (zstd) and recompressed for the"
echo "other libraries: xz --check=crc32 (preset 6), gzip -n, lz4 -9 -l."
echo "Load average: $load0 at the start of the host runs, $load1 at their end, $load2 after QEMU's; the instruction counts do not depend on it."
