#!/bin/sh
# demo.sh: make boot.  Builds a built-in-style initramfs (boot/initramfs.list)
# with popinit as /init and an image of Debian's modules for virtio and
# ext4, a root disk (ext4, made by mkfs.ext4 -d, holding a small static
# /sbin/init), fetches Debian's kernel, and boots it under QEMU (TCG) with
# only root=LABEL=... and rootwait: popinit unpacks, loads the modules by
# coldplug, finds and mounts the root, switches, and the root's init
# speaks.  The console is shown as it comes.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
w=$top/build/demo
p=$top/build/popinit
mkdir -p "$w"
kernel=$(sh "$top/boot/kernel.sh" "$top/build/kernel")
kver=$(ls "$top/build/kernel/lib/modules" | head -n 1)
kmods=$top/build/kernel/lib/modules/$kver
[ -f "$kmods/modules.dep" ] || depmod -b "$top/build/kernel" "$kver"

# the modules image: what virtio_pci, virtio_blk and ext4 need
t=$w/modules
rm -rf "$t"; mkdir -p "$t/lib/modules/$kver"
cp "$kmods/modules.order" "$kmods/modules.builtin" "$kmods/modules.builtin.modinfo" "$t/lib/modules/$kver/"
for m in virtio_pci virtio_blk ext4; do
	"$p" modprobe -n -d "$top/build/kernel" -S "$kver" "$m"
done | sed -n 's/^insmod \([^ ]*\).*/\1/p' | sort -u | while read -r ko; do
	rel=${ko#"$kmods"/}
	mkdir -p "$t/lib/modules/$kver/$(dirname "$rel")"
	cp "$ko" "$t/lib/modules/$kver/$rel"
done
depmod -b "$t" "$kver"
(cd "$t" && find . | sed 's|^\.||' | grep . | while read -r f; do
	if [ -d "$t$f" ]; then echo "dir $f 0755 0 0"; else echo "file $f $t$f 0644 0 0"; fi
done) | "$p" mkimage -c zstd -o "$w/modules.img" -

# the built-in initramfs
POPINIT=$p IMAGES=$w "$p" mkimage -o "$w/initramfs.cpio" "$top/boot/initramfs.list"

# the root disk
musl-gcc -static -Os -o "$w/init" "$top/tests/boot/payload.c"
r=$w/root
rm -rf "$r"; mkdir -p "$r/sbin" "$r/etc" "$r/proc" "$r/sys" "$r/dev" "$r/run"
cp "$w/init" "$r/sbin/init"
echo "Hello from the root file system." > "$r/etc/motd"
echo /etc/motd > "$r/etc/payload.files"
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
else
	echo "demo: FAILED: see $w/console.log" >&2
	exit 1
fi
