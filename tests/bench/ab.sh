#!/bin/sh
# ab.sh: a benchmark (not a test): this build of popinit against another,
# inside one QEMU guest (Debian's kernel, TCG), the two run in turn ROUNDS
# times by tests/bench/vmtime.c, so that the boot-to-boot noise of vm.sh
# (a quarter of a figure on a shared machine) is not in the comparison.
#
#   sh tests/bench/ab.sh OTHER [ROUNDS [SMPS [CASES]]]   (defaults: 9 rounds, "1 2", all)
#
# Each build, on the images of tests/bench/vm.sh (run it once first), in
# the guest's rootfs as a boot finds them:
#   unpack-sound, unpack-itools   popinit unpack --consume of the sound
#                                 modules (29 MB, 367 entries) and of Debian's
#                                 initrd (128 MB, 1,175 entries), plain, into
#                                 an empty dir, from a fresh copy in rootfs:
#                                 given back as it is unpacked, as at boot
#   unpack-sound-zstd, unpack-sound-lz4, unpack-itools-zstd
#                                 the same, compressed (zstd -9, lz4 -9 -l):
#                                 decoded data, from our memory to the files
#   unpack-sound-gzip, unpack-sound-xz, unpack-itools-lz4
#                                 the same, gzip -n, xz and lz4 -9 -l (not by
#                                 default)
#   verify-sound                  popinit verify of the sound image signed
#                                 (ECDSA P-256): the payload's hash, in place
#   verify-sound-sha384, verify-itools-zstd, verify-itools-zstd-sha384
#                                 the same; signed -P sha384 (the guest's CPU
#                                 has no SHA-256 instructions: the SHA-384 is
#                                 checked), and Debian's initrd (zstd)
#                                 (not by default; a build before -P refuses
#                                 the -sha384 images: its runs fail, left out)
# Prints a table of the medians and the fastest runs (ms, the whole
# command) and THIS / OTHER for each: this machine's noise only adds time,
# so the fastest of many runs is the steadier figure.  Code placement is
# not taken out: QEMU chains translated blocks only within a guest page,
# and the same build linked 2 KiB further on ran verify-sound x1.21 slower
# (BearSSL's SHA-256 round across a page boundary, or not); the unpacks
# moved by up to 2 %.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
other=${1:?usage: ab.sh OTHER [ROUNDS [SMPS [CASES]]]}
rounds=${2:-9}
smps=${3:-1 2}
cases=${4:-unpack-sound unpack-itools unpack-sound-zstd unpack-sound-lz4 unpack-itools-zstd verify-sound}
w=build/bench
v=$w/ab
p=$top/build/popinit
say() { printf '%s\n' "$*" >&2; }
for f in $w/boot.cpio $w/boot.cpio.zst $w/boot.cpio.lz4 $w/itools.cpio $w/itools.cpio.zst $w/vm/sig.pem $w/vm/sig.pub; do
	[ -s $f ] || { say "ab.sh: fatal: $f missing: run tests/bench/vm.sh first"; exit 111; }
done
kernel=$(sh boot/kernel.sh build/kernel)
t=$top/$v/tree
rm -rf $v; mkdir -p $t/bin $t/img $t/etc $t/dev $t/keys
musl-gcc -static -Os -o $t/init tests/bench/vmtime.c
cp $p $t/bin/this
cp "$other" $t/bin/other
cp $w/boot.cpio $t/img/sound.cpio
cp $w/itools.cpio $t/img/itools.cpio
cp $w/boot.cpio.zst $t/img/sound.zstd
cp $w/boot.cpio.lz4 $t/img/sound.lz4
cp $w/itools.cpio.zst $t/img/itools.zstd
cp $w/vm/sig.pub $t/keys/
"$p" sign -k $w/vm/sig.pem -n image -V 1 $w/boot.cpio $t/img/sound.signed
# what only some cases use: the sound image's other codecs (vm.sh made
# them) and the other signed images
for c in $cases; do
	case $c in
	unpack-sound-gzip) cp $w/boot.cpio.gz $t/img/sound.gzip ;;
	unpack-sound-xz) cp $w/boot.cpio.xz $t/img/sound.xz ;;
	unpack-itools-lz4)
		[ -s $w/itools.cpio.lz4 ] || { say "ab.sh: fatal: $w/itools.cpio.lz4 missing: run tests/bench/options.sh first"; exit 111; }
		cp $w/itools.cpio.lz4 $t/img/itools.lz4 ;;
	verify-sound-sha384) "$p" sign -k $w/vm/sig.pem -n image -V 1 -P sha384 $w/boot.cpio $t/img/sound.signed-sha384 ;;
	verify-itools-zstd) "$p" sign -k $w/vm/sig.pem -n image -V 1 $w/itools.cpio.zst $t/img/itools-zstd.signed ;;
	verify-itools-zstd-sha384)
		"$p" sign -k $w/vm/sig.pem -n image -V 1 -P sha384 $w/itools.cpio.zst $t/img/itools-zstd.signed-sha384 ;;
	esac
done
for b in this other; do
	for c in $cases; do
		case $c in
		verify-sound) echo "$c-$b /bin/$b verify -k /keys/sig.pub -n image /img/sound.signed" ;;
		verify-*-sha384) i=${c#verify-}; echo "$c-$b /bin/$b verify -k /keys/sig.pub -n image /img/${i%-sha384}.signed-sha384" ;;
		verify-*) echo "$c-$b /bin/$b verify -k /keys/sig.pub -n image /img/${c#verify-}.signed" ;;
		unpack-*-*) i=${c#unpack-}; echo "$c-$b %/x =/img/${i%-*}.${i#*-}:/in /bin/$b unpack --consume --root /x /in" ;;
		unpack-*) echo "$c-$b %/x =/img/${c#unpack-}.cpio:/in /bin/$b unpack --consume --root /x /in" ;;
		*) say "ab.sh: fatal: no case $c"; exit 111 ;;
		esac
	done
done > $t/etc/vmtime
(cd $t && find . | sed 's|^\.||' | grep . | while read -r f; do
	if [ -d "$t$f" ]; then echo "dir $f 0755 0 0"; else echo "file $f $t$f 0755 0 0"; fi
done; echo "nod /dev/console 0600 0 0 c 5 1") | "$p" mkimage -o $v/vm.initrd -
load() { awk '{ print $1 " " $2 " " $3 }' /proc/loadavg; }
least() { sort -n "$1" | head -n 1; }
med() { sort -n "$1" | awk '{ v[++n] = $1 } END { if (!n) print "NaN"; else if (n % 2) print v[(n + 1) / 2]; else print (v[n / 2] + v[n / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NaN" || b == "NaN" || b <= 0) print "NaN"; else printf "%.3f", a / b }'; }
load0=$(load)
for s in $smps; do
	say "ab: QEMU, $s vCPU, $rounds rounds"
	sh boot/qemu.sh "$kernel" $v/vm.initrd $v/vm.$s.log "quiet vmtime.rounds=$rounds" 3600 -m 2048 -smp $s > /dev/null 2>&1 || true
	# a failed run (status not 0) is left out, and counted
	tr -d '\r' < $v/vm.$s.log | awk -v d=$v -v s=$s '/^@@T / { if ($4 == 0) print $3 >> (d "/" $2 "." s); else print $2 >> (d "/failed") }'
done
load1=$(load)
echo "A/B inside one guest: build/popinit (this) against $other (other), $rounds rounds each, run in turn;"
echo "QEMU $(qemu-system-x86_64 --version | head -n 1 | sed 's/QEMU emulator version //'), TCG, 2 GiB; load average $load0 at the start, $load1 at the end. Medians, ms."
echo
echo "| vCPUs | command | this: median | other: median | this / other | this: fastest | other: fastest | this / other |"
echo "|---|---|---|---|---|---|---|---|"
for s in $smps; do
	for c in $cases; do
		a=NaN b=NaN la=NaN lb=NaN
		[ -s $v/$c-this.$s ] && a=$(med $v/$c-this.$s) la=$(least $v/$c-this.$s)
		[ -s $v/$c-other.$s ] && b=$(med $v/$c-other.$s) lb=$(least $v/$c-other.$s)
		echo "| $s | $c | $a | $b | $(ratio $a $b) | $la | $lb | $(ratio $la $lb) |"
	done
done
if [ -s $v/failed ]; then
	echo
	echo "Failed runs (left out): $(sort $v/failed | uniq -c | tr -s ' ' | tr '\n' ';')"
fi
