#!/bin/sh
# modload.sh: a benchmark (not a test): the time to load the virtio, ext4
# and bfq set in QEMU (Debian's kernel, TCG, 2 vCPUs) with popinit's
# parallel loader against kmod's modprobe (sequential), in the same VM
# configuration, ROUNDS boots each; prints each figure and the ratio of
# the medians.
#
#   sh tests/bench/modload.sh [ROUNDS]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
w=$top/build/bench
p=$top/build/popinit
rounds=${1:-3}
mkdir -p "$w"
kernel=$(sh "$top/boot/kernel.sh" "$top/build/kernel")
kver=$(ls "$top/build/kernel/lib/modules" | head -n 1)
kmods=$top/build/kernel/lib/modules/$kver
[ -f "$kmods/modules.dep" ] || depmod -b "$top/build/kernel" "$kver"
set="virtio_pci virtio_blk ext4 bfq"

t=$w/tree
rm -rf "$t"; mkdir -p "$t/lib/modules/$kver" "$t/sbin" "$t/etc" "$t/dev" "$t/lib/x86_64-linux-gnu" "$t/lib64"
cp "$kmods/modules.order" "$kmods/modules.builtin" "$kmods/modules.builtin.modinfo" "$t/lib/modules/$kver/"
for m in $set; do "$p" modprobe -n -d "$top/build/kernel" -S "$kver" "$m"; done |
	sed -n 's/^insmod \([^ ]*\).*/\1/p' | sort -u | while read -r ko; do
	rel=${ko#"$kmods"/}
	mkdir -p "$t/lib/modules/$kver/$(dirname "$rel")"
	cp "$ko" "$t/lib/modules/$kver/$rel"
done
depmod -b "$t" "$kver"
# kmod's modprobe with its libraries
kmod=$(command -v kmod || echo /bin/kmod)
cp "$kmod" "$t/sbin/kmod"
ln -sf kmod "$t/sbin/modprobe"
ldd "$kmod" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^\t\(\/lib64\/[^ ]*\).*/\1/p' | while read -r lib; do
	cp -L "$lib" "$t$lib" 2>/dev/null || cp -L "$lib" "$t/lib/x86_64-linux-gnu/"
done
cp "$p" "$t/sbin/popinit"
musl-gcc -static -Os -o "$t/bench" "$top/tests/bench/bench_init.c"
echo "/sbin/popinit modprobe -a $set" > "$t/etc/bench.popinit"
echo "/sbin/popinit modprobe -j 1 -a $set" > "$t/etc/bench.popinit1"
for m in $set; do echo "/sbin/modprobe $m"; done > "$t/etc/bench.kmod"
(cd "$t" && find . | sed 's|^\.||' | grep . | while read -r f; do
	if [ -L "$t$f" ]; then echo "slink $f $(readlink "$t$f") 0777 0 0"
	elif [ -d "$t$f" ]; then echo "dir $f 0755 0 0"
	else echo "file $f $t$f 0755 0 0"; fi
done; echo "nod /dev/console 0600 0 0 c 5 1") | "$p" mkimage -o "$w/initrd" -

med() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for mode in popinit popinit1 kmod; do
	: > "$w/$mode.ms"
	for r in $(seq "$rounds"); do
		sh "$top/boot/qemu.sh" "$kernel" "$w/initrd" "$w/$mode.log" "rdinit=/bench bench=$mode quiet" 120 \
			-smp 2 > /dev/null 2>&1 || true
		line=$(tr -d '\r' < "$w/$mode.log" | grep '^@@BENCH' || echo "@@BENCH mode=$mode ms=NaN")
		echo "$line"
		echo "$line" | sed -n 's/.* ms=\([^ ]*\).*/\1/p' >> "$w/$mode.ms"
	done
done
a=$(med < "$w/popinit.ms"); a1=$(med < "$w/popinit1.ms"); b=$(med < "$w/kmod.ms")
echo "median: popinit (parallel) $a ms, popinit (one thread) $a1 ms, kmod modprobe (sequential) $b ms"
echo "kmod/popinit = $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }'), kmod/popinit-one-thread = $(awk -v a="$a1" -v b="$b" 'BEGIN { printf "%.2f", b / a }')"
