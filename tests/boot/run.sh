#!/bin/sh
# run.sh: the QEMU boot suite.  Debian's kernel boots with popinit as its
# /init (the initrd plays the built-in initramfs: /init, /dev, /dev/console
# and /initramfs.d), every boot ends with panic=-1 and a timeout, and each
# scenario asserts the "@@" lines of the payload init (payload.c) and
# popinit's own lines on the serial console.  PASS/FAIL lines.
#
#   sh tests/boot/run.sh [SCENARIO...]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
p=$top/build/popinit
w=$top/build/test/boot
mkdir -p "$w"
kernel=$(sh "$top/boot/kernel.sh" "$top/build/kernel") || { echo "FAIL boot/kernel: cannot fetch the kernel"; exit 0; }
musl-gcc -static -Os -Wall -o "$w/payload" "$top/tests/boot/payload.c" || exit 1
# 8 MB: executed as soon as it is unpacked
musl-gcc -static -Os -Wall -DBALLAST=8000000 -o "$w/payload-big" "$top/tests/boot/payload.c" || exit 1

# img NAME: a list on stdin to an image in $w
img() { "$p" mkimage -t 100000 -o "$w/$1" -; }

# base NAME [LIST LINES...]: the initrd: popinit as /init, plus lines
base() {
	n=$1; shift
	{
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		echo "file /init $p 0755 0 0"
		echo "dir /initramfs.d 0755 0 0"
		for l; do echo "$l"; done
	} | "$p" mkimage -t 100000 -o "$w/$n.initrd" -
}

# boot NAME "CMDLINE" [QEMU ARGS...]: the console log in $w/NAME.log
boot() {
	n=$1 append=$2; shift 2
	rm -f "$w/$n.log"
	sh "$top/boot/qemu.sh" "$kernel" "$w/$n.initrd" "$w/$n.log" "$append" 120 "$@" >/dev/null 2>&1
	tr -d '\r' < "$w/$n.log" > "$w/$n.txt"
}

# expect NAME PATTERN...: every (grep -E) pattern in the log; !PATTERN: absent
expect() {
	n=$1; shift
	why=
	for pat; do
		case $pat in
		!*) grep -qE -- "${pat#!}" "$w/$n.txt" && why="$why; present: ${pat#!}" ;;
		*) grep -qE -- "$pat" "$w/$n.txt" || why="$why; missing: $pat" ;;
		esac
	done
	if [ -z "$why" ]; then echo "PASS boot/$n"; else echo "FAIL boot/$n:$why (log: $w/$n.txt)"; fi
}

want() { [ $# -eq 0 ] && return 0; for s in $sel; do [ "$s" = "$1" ] && return 0; done; return 1; }
sel=${*:-all}
want_s() { [ "$sel" = all ] || want "$1"; }

printf '/etc/x\n' > "$w/files"
printf '/initramfs.d\n/initramfs.d/10-payload.img\n/init\n' > "$w/absent"

# 1. an image brings /sbin/init: popinit execs it, mounts undone,
#    consumed images gone, a large binary run as soon as written
if want_s exec-sbin-init; then
	img payload.img <<L
dir /sbin 0755 0 0
file /sbin/init $w/payload-big 0755 0 0
dir /etc 0755 0 0
file /etc/payload.files $w/files 0644 0 0
file /etc/payload.absent $w/absent 0644 0 0
L
	printf 'one\n' > "$w/x1"
	base exec-sbin-init "file /initramfs.d/10-payload.img $w/payload.img 0644 0 0" \
		"dir /etc 0755 0 0" "file /etc/x $w/x1 0644 0 0"
	boot exec-sbin-init "quiet"
	expect exec-sbin-init '^@@PAYLOAD pid=1 argv0=/sbin/init ballast=1$' '^@@PROC already-mounted=no$' \
		'^@@FILE /etc/x=one$' '^@@ABSENT /initramfs.d/10-payload.img$' '^@@PRESENT /init$' \
		'!@@MOUNT /run ' '!@@MOUNT /sys ' '!@@MOUNT /dev '
fi

# 2. an image replaces /init: exec'd with popinit's own argv and envp
if want_s replaced-init; then
	img init.img <<L
file /init $w/payload 0755 0 0
L
	base replaced-init "file /initramfs.d/50-init.img $w/init.img 0644 0 0"
	boot replaced-init "quiet foo bar=baz -- after"
	expect replaced-init '^@@PAYLOAD pid=1 argv0=/init ' '^@@ARG 1=foo$' '^@@ARG 2=after$' '^@@ENV bar=baz$' \
		'^@@ENV HOME=/$' '^@@ENV TERM=linux$' '^@@PROC already-mounted=no$'
fi

# 3. root=tmpfs: the images unpacked into a fresh tmpfs, which becomes /
if want_s root-tmpfs; then
	printf '/initramfs.d\n/init\n' > "$w/absent3"
	img payload3.img <<L
dir /sbin 0755 0 0
file /sbin/init $w/payload 0755 0 0
dir /etc 0755 0 0
file /etc/payload.absent $w/absent3 0644 0 0
L
	base root-tmpfs "file /initramfs.d/10-payload.img $w/payload3.img 0644 0 0"
	boot root-tmpfs "root=tmpfs quiet"
	expect root-tmpfs '^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@MOUNT / tmpfs$' '^@@MOUNT /dev devtmpfs$' \
		'^@@MOUNT /proc proc$' '^@@MOUNT /sys sysfs$' '^@@MOUNT /run tmpfs$' \
		'^@@ABSENT /initramfs.d$' '^@@ABSENT /init$' '^@@PROC already-mounted=yes$'
fi

# 4. two images: the second overrides the first
if want_s two-images; then
	printf 'first\n' > "$w/first"
	printf 'second\n' > "$w/second"
	img a.img <<L
dir /sbin 0755 0 0
file /sbin/init $w/payload 0755 0 0
dir /etc 0755 0 0
file /etc/x $w/first 0644 0 0
file /etc/payload.files $w/files 0644 0 0
L
	img b.img <<L
dir /etc 0755 0 0
file /etc/x $w/second 0644 0 0
L
	"$p" mkimage -t 100000 -c zstd -o "$w/b.img.zst" - < /dev/null 2>/dev/null
	base two-images "file /initramfs.d/10-a.img $w/a.img 0644 0 0" "file /initramfs.d/20-b.img $w/b.img 0644 0 0"
	boot two-images "quiet"
	expect two-images '^@@PAYLOAD pid=1 ' '^@@FILE /etc/x=second$'
fi

# 6. no root device: rootwait=3 ends in the failure policy (panic=-1)
if want_s missing-root; then
	base missing-root
	boot missing-root "root=/dev/vdz rootwait=3"
	expect missing-root 'popinit: fatal: root device /dev/vdz not found after 3[0-9]{3} ms' \
		'popinit: fatal: no root file system' 'popinit: fatal: rebooting now \(panic=-1\)' '!@@PAYLOAD'
fi
