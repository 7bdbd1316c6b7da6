#!/bin/sh
# or1k.sh: a benchmark (not a test): the seed's scenario on OpenRISC
# (tests/port.sh's boot or1k-signed: a signed, xz-compressed image in the
# built-in initramfs, verified and unpacked by popinit built with the key)
# broken down by phase, against the kernel unpacking the same image
# unsigned on the same kernel binary (given as its initrd: the kernel's
# unpack_to_rootfs() of the same bytes).
#
#   sh tests/bench/or1k.sh [REPS]        writes build/bench/or1k.md
#
# Boots, interleaved, REPS each (QEMU's or1k virt, TCG, printk.time=1):
#   kernel   -initrd main.img, rdinit=/sbin/init: its unpack is "Unpacking
#            initramfs..." to "Freeing initrd memory"
#   popinit  popinit.image=main:/images/main.img: its line "unpacked 1
#            image ... in N ms" (verification included), and once more with
#            popinit.timing for the phases
#   unsigned the same line of a build without keys, given the unsigned
#            image (the kernel's bytes)
#   liblzma  the same, built with XZDEC=liblzma (or1k's default is the
#            kernel's own lib/xz for this image's CRC32 stream)
#   Os       the same, lib/xz built at -Os (KXZ_OPT=; boot/deps.sh's
#            default is -O2): the trade of size and speed
#   sig      the signature check's ms (popinit.timing), the image signed
#            with ECDSA P-256 and with RSA-2048, each with its keyed build
#   xzpair   the decoders alone, see below
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
reps=${1:-3}
w=build/bench/or1k
mkdir -p $w
say() { printf '%s\n' "$*" >&2; }
command -v qemu-system-or1k > /dev/null || { say "or1k.sh: fatal: qemu-system-or1k missing (sh boot/packages.sh)"; exit 111; }

make -s ARCH=or1k build/or1k/popinit > $w/make.log 2>&1 || { say "or1k.sh: fatal: make ARCH=or1k (log: $w/make.log)"; exit 111; }
cc=$top/build/or1k/musl/bin/or1k-linux-musl-gcc
if [ ! -f $w/key.pub ]; then
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $w/key.pem 2> /dev/null &&
	openssl pkey -in $w/key.pem -pubout -out $w/key.pub
fi
make -s ARCH=or1k B=build/or1k/bench KEYS="$top/$w/key.pub" TOOLS=no build/or1k/bench/popinit >> $w/make.log 2>&1 ||
	{ say "or1k.sh: fatal: the keyed or1k build (log: $w/make.log)"; exit 111; }
$cc -static -Os -o $w/payload tests/boot/payload.c
echo or1k > $w/arch
printf '/etc/arch\n' > $w/files
# the image of tests/port.sh's scenario
build/popinit mkimage -c xz -o $w/main.img - <<L
dir /sbin 0755 0 0
file /sbin/init $top/$w/payload 0755 0 0
dir /etc 0755 0 0
file /etc/arch $top/$w/arch 0644 0 0
file /etc/payload.files $top/$w/files 0644 0 0
L
build/popinit sign -k $w/key.pem -n main -V 1 $w/main.img $w/main-signed.img
printf '%s\n' "dir /dev 0755 0 0" "nod /dev/console 0600 0 0 c 5 1" \
	"file /init $top/build/or1k/bench/popinit 0755 0 0" "dir /images 0755 0 0" \
	"file /images/main.img $top/$w/main-signed.img 0644 0 0" > $w/builtin.list
sh boot/mkkernel.sh or1k $w/builtin.list $w/kernel 2> $w/kernel.log || { say "or1k.sh: fatal: the kernel (log: $w/kernel.log)"; exit 111; }
# the same image signed with an RSA-2048 key, its own keyed build and kernel
if [ ! -f $w/rsa.pub ]; then
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $w/rsa.pem 2> /dev/null &&
	openssl pkey -in $w/rsa.pem -pubout -out $w/rsa.pub
fi
make -s ARCH=or1k B=build/or1k/bench-rsa KEYS="$top/$w/rsa.pub" TOOLS=no build/or1k/bench-rsa/popinit >> $w/make.log 2>&1 ||
	{ say "or1k.sh: fatal: the RSA-keyed or1k build (log: $w/make.log)"; exit 111; }
build/popinit sign -k $w/rsa.pem -n main -V 1 $w/main.img $w/main-rsa.img
sed "s|$top/build/or1k/bench/popinit|$top/build/or1k/bench-rsa/popinit|; s|$top/$w/main-signed.img|$top/$w/main-rsa.img|" \
	$w/builtin.list > $w/builtin-rsa.list
sh boot/mkkernel.sh or1k $w/builtin-rsa.list $w/kernel-rsa 2>> $w/kernel.log || { say "or1k.sh: fatal: the RSA kernel (log: $w/kernel.log)"; exit 111; }
# the unsigned image, unpacked by a build without keys: the same bytes
# as the kernel's, the unpack alone
make -s ARCH=or1k B=build/or1k/bench-nokey TOOLS=no build/or1k/bench-nokey/popinit >> $w/make.log 2>&1 ||
	{ say "or1k.sh: fatal: the or1k build without keys (log: $w/make.log)"; exit 111; }
sed "s|$top/build/or1k/bench/popinit|$top/build/or1k/bench-nokey/popinit|; s|$top/$w/main-signed.img|$top/$w/main.img|" \
	$w/builtin.list > $w/builtin-nokey.list
sh boot/mkkernel.sh or1k $w/builtin-nokey.list $w/kernel-nokey 2>> $w/kernel.log || { say "or1k.sh: fatal: the kernel without keys (log: $w/kernel.log)"; exit 111; }
make -s ARCH=or1k B=build/or1k/bench-nokey-lzma XZDEC=liblzma TOOLS=no build/or1k/bench-nokey-lzma/popinit >> $w/make.log 2>&1 ||
	{ say "or1k.sh: fatal: the or1k build with XZDEC=liblzma (log: $w/make.log)"; exit 111; }
sed "s|bench-nokey/popinit|bench-nokey-lzma/popinit|" $w/builtin-nokey.list > $w/builtin-lzma.list
sh boot/mkkernel.sh or1k $w/builtin-lzma.list $w/kernel-lzma 2>> $w/kernel.log || { say "or1k.sh: fatal: the XZDEC=liblzma kernel (log: $w/kernel.log)"; exit 111; }
# (a copy of the libraries with only lib/xz rebuilt)
dos=$top/$w/deps-kxz-Os
rm -rf $dos; cp -a build/or1k/deps $dos; rm -f $dos/.stamp-kxz $dos/lib/libkxz.a
KXZ_OPT= make -s ARCH=or1k B=build/or1k/bench-nokey-Os DEPS=$dos TOOLS=no build/or1k/bench-nokey-Os/popinit >> $w/make.log 2>&1 ||
	{ say "or1k.sh: fatal: the or1k build with lib/xz at -Os (log: $w/make.log)"; exit 111; }
sed "s|bench-nokey/popinit|bench-nokey-Os/popinit|" $w/builtin-nokey.list > $w/builtin-Os.list
sh boot/mkkernel.sh or1k $w/builtin-Os.list $w/kernel-Os 2>> $w/kernel.log || { say "or1k.sh: fatal: the -Os lib/xz kernel (log: $w/kernel.log)"; exit 111; }

# boot NAME QEMU-ARGS...: the console in $w/NAME.txt; ends at the payload's
# last line (or after 120 s)
boot() {
	n=$1; shift
	rm -f $w/$n.log; : > $w/$n.log
	timeout -k 5 120 qemu-system-or1k -M virt -cpu or1200 -m 128 -accel tcg -kernel ${kern:-$w/kernel} \
		-display none -monitor none -serial file:$w/$n.log -no-reboot "$@" > /dev/null 2>&1 &
	pid=$!
	while kill -0 $pid 2> /dev/null; do
		grep -q '^@@PAYLOAD-END' $w/$n.log && { sleep 0.5; kill $pid 2> /dev/null || true; break; }
		sleep 0.3
	done
	wait $pid 2> /dev/null || true
	tr -d '\r' < $w/$n.log > $w/$n.txt
}
# [ 1.234567] timestamps, in ms
ts() { sed -n "s/^\[ *\([0-9.]*\)\] .*$1.*/\1/p" $w/$2.txt | head -n 1 | awk '{ printf "%.1f", $1 * 1000 }'; }
load0=$(awk '{ print $1 " " $2 " " $3 }' /proc/loadavg)
res=$w/res
rm -rf $res; mkdir -p $res
for r in $(seq "$reps"); do
	say "or1k: repetition $r"
	boot k -initrd $w/main.img -append "console=ttyS0 panic=-1 printk.time=1 rdinit=/sbin/init"
	a=$(ts 'Unpacking initramfs\|Trying to unpack rootfs image' k) b=$(ts 'Freeing initrd memory' k)
	if grep -q '^@@FILE /etc/arch=or1k$' $w/k.txt && [ -n "$a" ] && [ -n "$b" ]; then
		awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f\n", b - a }' >> $res/k
	else
		echo NaN >> $res/k
	fi
	for v in p u l o; do
		[ $v = u ] && kern=$w/kernel-nokey
		[ $v = l ] && kern=$w/kernel-lzma
		[ $v = o ] && kern=$w/kernel-Os
		boot $v -append "console=ttyS0 panic=-1 printk.time=1 popinit.image=main:/images/main.img"
		kern=
		if grep -q '^@@FILE /etc/arch=or1k$' $w/$v.txt; then
			sed -n 's/.*popinit: unpacked 1 image.* in \([0-9]*\) ms.*/\1/p' $w/$v.txt >> $res/$v
		else
			echo NaN >> $res/$v
		fi
	done
done
boot t -append "console=ttyS0 panic=-1 printk.time=1 popinit.image=main:/images/main.img popinit.timing"
# the signature check, ECDSA P-256 against RSA-2048, REPS boots each with
# popinit.timing, interleaved
: > $res/sig-ec; : > $res/sig-rsa
for r in $(seq "$reps"); do
	for a in ec rsa; do
		[ $a = rsa ] && kern=$w/kernel-rsa
		boot s -append "console=ttyS0 panic=-1 printk.time=1 popinit.image=main:/images/main.img popinit.timing"
		kern=
		v=$(sed -n 's/.*timing .*verify: .*signature \([0-9]*\) ms.*/\1/p' $w/s.txt)
		grep -q '^@@FILE /etc/arch=or1k$' $w/s.txt && [ -n "$v" ] && echo "$v" >> $res/sig-$a || echo NaN >> $res/sig-$a
	done
done

# Where the decode goes: tests/bench/xzpair.c, the kernel's own xz decoder
# (lib/xz of linux-source-6.1, built for user space: not kept here)
# against liblzma in each build variant (boot/deps.sh: the default, then
# LZMA_SMALL=no, LZMA_OPT=-O2), decoding main.img, in user space both: in
# the VM (one boot runs every variant, chained; REPS boots) and under
# qemu-or1k (user mode: no MMU to emulate)
ksrc=$w/ksrc/linux-source-6.1
if [ ! -f $ksrc/lib/xz/xz_dec_lzma2.c ]; then
	mkdir -p $w/ksrc
	tar -C $w/ksrc -xJf /usr/src/linux-source-6.1.tar.xz 'linux-source-6.1/lib/xz' \
		'linux-source-6.1/include/linux/xz.h' || { say "or1k.sh: fatal: lib/xz from /usr/src/linux-source-6.1.tar.xz"; exit 111; }
fi
xzvars="default: nosmall:LZMA_SMALL=no O2:LZMA_OPT=-O2"
prev= last=
for v in $xzvars; do
	n=${v%%:*} set=${v#*:}
	d=$top/$w/deps-$n
	[ $n = default ] && d=$top/build/or1k/deps
	# shellcheck disable=SC2086
	env $set make -s ARCH=or1k B=build/or1k/bench-$n DEPS=$d XZDEC=liblzma TOOLS=no build/or1k/bench-$n/popinit >> $w/make.log 2>&1 ||
		{ say "or1k.sh: fatal: the or1k build with $set (log: $w/make.log)"; exit 111; }
	echo "$n $(stat -c %s build/or1k/bench-$n/popinit)" >> $w/xzsize.new
	$cc -static -O2 -w -Iboot -DXZ_KERNEL_CRC32 -I$ksrc/include/linux -I$ksrc/lib/xz -I$d/include -DVARIANT="\"liblzma-$n\"" \
		${last:+-DNEXT="\"/xzpair-$last\""} -o $w/xzpair-$n tests/bench/xzpair.c \
		$ksrc/lib/xz/xz_dec_stream.c $ksrc/lib/xz/xz_dec_lzma2.c $ksrc/lib/xz/xz_crc32.c $d/lib/liblzma.a >> $w/make.log 2>&1 ||
		{ say "or1k.sh: fatal: xzpair with $set (log: $w/make.log)"; exit 111; }
	prev="$prev $n" last=$n
done
mv $w/xzsize.new $w/xzsize
# the chain runs the variants backwards from /init: the last built is
# /init, its NEXT the one before, ...
{ echo "dir /dev 0755 0 0"; echo "nod /dev/console 0600 0 0 c 5 1"; echo "file /main.img $top/$w/main.img 0644 0 0"
  for n in $prev; do [ $n = "$last" ] && f=/init || f=/xzpair-$n
	echo "file $f $top/$w/xzpair-$n 0755 0 0"; done; } > $w/xzpair.list
sh boot/mkkernel.sh or1k $w/xzpair.list $w/kernel-xz 2>> $w/kernel.log || { say "or1k.sh: fatal: the xzpair kernel (log: $w/kernel.log)"; exit 111; }
: > $res/xz
kern=$w/kernel-xz
for r in $(seq "$reps"); do
	boot x -append "console=ttyS0 panic=-1"
	grep '^@@XZPAIR' $w/x.txt >> $res/xz
done
kern=
: > $res/xzuser
for n in $prev; do qemu-or1k $w/xzpair-$n $w/main.img 5 >> $res/xzuser; done
load1=$(awk '{ print $1 " " $2 " " $3 }' /proc/loadavg)
med() { grep -v NaN "$1" | sort -n | awk '{ v[++n] = $1 } END { if (!n) print "NaN"; else if (n % 2) print v[(n + 1) / 2]; else print (v[n / 2] + v[n / 2 + 1]) / 2 }'; }
{
echo "The image: tests/port.sh's (the payload init, two small files), xz ($(stat -c %s $w/main.img) bytes; signed"
echo "$(stat -c %s $w/main-signed.img) bytes, ECDSA P-256); the kernel: boot/mkkernel.sh or1k, the same binary for both;"
echo "QEMU or1k virt, TCG, 128 MiB; load average $load0 at the start, $load1 at the end; medians of $reps boots, interleaved."
echo
echo "| | ms |"
echo "|---|---|"
echo "| the kernel unpacks the unsigned image (its initrd) | $(med $res/k) |"
echo "| popinit unpacks the unsigned image (a build without keys; its \"unpacked\" line) | $(med $res/u) |"
echo "| popinit verifies and unpacks the signed image (its \"unpacked\" line) | $(med $res/p) |"
echo "| the build without keys with XZDEC=liblzma, the unsigned image | $(med $res/l) |"
echo "| the build without keys with lib/xz at -Os, the unsigned image | $(med $res/o) |"
echo
echo "popinit / the kernel, the unsigned image: x$(awk -v a="$(med $res/u)" -v b="$(med $res/k)" 'BEGIN { printf "%.2f", a / b }');"
echo "with XZDEC=liblzma: x$(awk -v a="$(med $res/l)" -v b="$(med $res/k)" 'BEGIN { printf "%.2f", a / b }');"
echo "with lib/xz at -Os: x$(awk -v a="$(med $res/o)" -v b="$(med $res/k)" 'BEGIN { printf "%.2f", a / b }')."
echo "The builds without keys (TOOLS=no), bytes: lib/xz at -O2 (the default) $(stat -c %s build/or1k/bench-nokey/popinit),"
echo "at -Os $(stat -c %s build/or1k/bench-nokey-Os/popinit), XZDEC=liblzma $(stat -c %s build/or1k/bench-nokey-lzma/popinit)."
echo
echo "popinit's phases (one more boot, with popinit.timing):"
echo
sed -n 's/^\[ *[0-9.]*\] popinit: \(timing .*\)/- \1/p; s/^\[ *[0-9.]*\] popinit: \(unpacked .*\)/- \1/p' $w/t.txt
echo
echo "The signature check alone (its \"signature\" ms of popinit.timing, medians of $reps boots each, interleaved):"
echo "ECDSA P-256 (BearSSL's p256_m15) $(med $res/sig-ec) ms, RSA-2048 (i31) $(med $res/sig-rsa) ms."
echo
echo "The decoders alone (tests/bench/xzpair.c, main.img, the output discarded): the kernel's own xz decoder (lib/xz,"
echo "built for user space with the same compiler at -O2) against liblzma as popinit links it, in each build of it,"
echo "alternately; in the VM (medians of 5 pairs in each of $reps boots) and under qemu-or1k (user mode, 5 pairs);"
echo "the firmware build's size (or1k, TOOLS=no) with each liblzma. liblzma decodes into 128 KiB at a time, as"
echo "popinit does (DEC_CHUNK), and once more into the kernel's 4 KiB (\"4k\"). In ms:"
echo
echo "| liblzma build | or1k firmware, bytes | VM: kernel's decoder | VM: liblzma | liblzma / kernel | VM: liblzma 4k | user: kernel's | user: liblzma | liblzma / kernel |"
echo "|---|---|---|---|---|---|---|---|---|"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
for n in $prev; do
	grep " liblzma-$n " $res/xz | awk '{ print $3 }' > $res/xzk; grep " liblzma-$n " $res/xz | awk '{ print $5 }' > $res/xzl
	grep " liblzma-$n " $res/xz | awk '{ print $7 }' > $res/xz4
	grep " liblzma-$n " $res/xzuser | awk '{ print $3 }' > $res/xuk; grep " liblzma-$n " $res/xzuser | awk '{ print $5 }' > $res/xul
	vk=$(med $res/xzk) vl=$(med $res/xzl) v4=$(med $res/xz4) uk=$(med $res/xuk) ul=$(med $res/xul)
	echo "| $n | $(awk -v n=$n '$1 == n { print $2 }' $w/xzsize) | $vk | $vl | $(ratio "$vl" "$vk") | $v4 | $uk | $ul | $(ratio "$ul" "$uk") |"
done
} > $w/../or1k.md
cat $w/../or1k.md
