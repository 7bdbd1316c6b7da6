#!/bin/sh
# demo.sh: make boot.  Builds an initramfs with boot/mkinitramfs (popinit
# as /init and an image of Debian's modules for virtio and ext4), a root
# disk (ext4, made by mkfs.ext4 -d, holding a small static
# /sbin/init), fetches Debian's kernel, and boots it under QEMU (TCG) with
# only root=LABEL=... and rootwait: popinit unpacks, loads the modules by
# coldplug, finds and mounts the root, switches, and the root's init
# speaks.  The console is shown as it comes; the root's init prints
# popinit's timings, drawn into build/demo/boot.svg (popinit timeline).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
w=$top/build/demo
p=$top/build/popinit
mkdir -p "$w"
kernel=$(sh "$top/boot/kernel.sh" "$top/build/kernel")
kver=$(ls "$top/build/kernel/lib/modules" | head -n 1)
[ -f "$top/build/kernel/lib/modules/$kver/modules.dep" ] || depmod -b "$top/build/kernel" "$kver"

# the initramfs, as popinit-mkinitramfs makes it: popinit as /init and
# an image of the modules virtio_pci, virtio_blk and ext4 need
sh "$top/boot/mkinitramfs" -p "$p" -b "$top/build/kernel" -M -m virtio_pci,virtio_blk,ext4 \
	-o "$w/initramfs.cpio" "$kver"

# the root disk
musl-gcc -static -Os -o "$w/init" "$top/tests/boot/payload.c"
r=$w/root
rm -rf "$r"; mkdir -p "$r/sbin" "$r/etc" "$r/proc" "$r/sys" "$r/dev" "$r/run"
cp "$w/init" "$r/sbin/init"
echo "Hello from the root file system." > "$r/etc/motd"
echo /etc/motd > "$r/etc/payload.files"
# the root's init shows popinit's timings: the chart is drawn from them
echo /run/popinit/timings > "$r/etc/payload.cat"
rm -f "$w/root.disk"; truncate -s 64M "$w/root.disk"
mkfs.ext4 -q -F -L popinit-root -d "$r" "$w/root.disk"

rm -f "$w/console.log"
echo "demo: booting $(basename "$kernel") with root=LABEL=popinit-root rootwait (QEMU, TCG)"
sh "$top/boot/qemu.sh" "$kernel" "$w/initramfs.cpio" "$w/console.log" \
	"root=LABEL=popinit-root rootwait" 120 -drive "file=$w/root.disk,format=raw,if=virtio" &
q=$!
# follow the console: popinit's lines and the root init's
tail -F -n +1 "$w/console.log" 2>/dev/null | grep --line-buffered -E 'popinit:|@@PAYLOAD|@@FILE|@@MOUNT / |Power down|Kernel panic' &
t=$!
wait $q || true
sleep 0.3
kill $t 2>/dev/null || true
if grep -q '@@FILE /etc/motd=Hello' "$w/console.log"; then
	echo "demo: the root file system's init ran (full console log: $w/console.log)"
	tr -d '\r' < "$w/console.log" | sed -n 's|^@@CAT /run/popinit/timings: ||p' > "$w/timings"
	"$p" timeline -t "popinit demo: Debian $kver in QEMU (TCG)" -o "$w/boot.svg" "$w/timings" &&
		echo "demo: the boot's timeline: $w/boot.svg (from $w/timings)"
else
	echo "demo: FAILED: see $w/console.log" >&2
	exit 1
fi
