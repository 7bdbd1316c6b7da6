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
# WERROR=1 (CI): warnings are errors here too
werror=; [ "${WERROR-}" = 1 ] && werror=-Werror
p=$top/build/popinit
w=$top/build/test/boot
mkdir -p "$w"
kernel=$(sh "$top/boot/kernel.sh" "$top/build/kernel") || { echo "FAIL boot/kernel: cannot fetch the kernel"; exit 0; }
musl-gcc -static -Os -Wall $werror -o "$w/payload" "$top/tests/boot/payload.c" || exit 1
# 8 MB: executed as soon as it is unpacked
musl-gcc -static -Os -Wall $werror -DBALLAST=8000000 -o "$w/payload-big" "$top/tests/boot/payload.c" || exit 1

# img NAME [MKIMAGE OPTIONS]: a list on stdin to an image in $w
img() { n=$1; shift; "$p" mkimage -t 100000 "$@" -o "$w/$n" -; }

# base NAME [LIST LINES...]: the initrd: popinit as /init, plus lines
# (NOCONSOLE=1: without /dev/console)
base() {
	n=$1; shift
	{
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		echo "file /init $p 0755 0 0"
		echo "dir /initramfs.d 0755 0 0"
		for l; do echo "$l"; done
	} | "$p" mkimage -t 100000 -o "$w/$n.initrd" -
	if [ -n "${NOCONSOLE:-}" ]; then
		# an entry of type 0 deletes what has its name (the kernel's
		# clean_path), here the built-in archive's /dev/console
		{ cat "$w/$n.initrd"; printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08Xdev/console\0' \
			0 0 0 0 1 0 0 0 0 0 0 12 0; printf '\0\0\0\0'; } > "$w/$n.initrd.new"
		mv "$w/$n.initrd.new" "$w/$n.initrd"
	fi
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
. "$top/tests/flip.sh"

want_s() { [ "$sel" = all ] || want "$1"; }

# modules NAME COMPRESS MODULE...: an image with these modules of Debian's
# kernel and what they need, depmod'ed (COMPRESS: none, xz or zst)
kver=$(ls "$top/build/kernel/lib/modules" | head -n 1)
kmods=$top/build/kernel/lib/modules/$kver
[ -f "$kmods/modules.dep" ] || depmod -b "$top/build/kernel" "$kver"
modules() {
	n=$1 comp=$2; shift 2
	t=$w/mods-$n
	rm -rf "$t"; mkdir -p "$t/lib/modules/$kver"
	for f in modules.order modules.builtin modules.builtin.modinfo; do cp "$kmods/$f" "$t/lib/modules/$kver/"; done
	for m; do
		modprobe --show-depends -d "$top/build/kernel" -S "$kver" "$m" 2>/dev/null | sed -n 's/^insmod \([^ ]*\).*/\1/p'
	done | sort -u | while read -r ko; do
		rel=${ko#"$kmods"/}
		mkdir -p "$t/lib/modules/$kver/$(dirname "$rel")"
		case $comp in
		xz) xz --check=crc32 -c "$ko" > "$t/lib/modules/$kver/$rel.xz" ;;
		zst) zstd -q -c "$ko" > "$t/lib/modules/$kver/$rel.zst" ;;
		*) cp "$ko" "$t/lib/modules/$kver/$rel" ;;
		esac
	done
	depmod -b "$t" "$kver"
	(cd "$t" && find . | sed 's|^\.||' | grep . | while read -r f; do
		if [ -d "$t$f" ]; then echo "dir $f 0755 0 0"; else echo "file $f $t$f 0644 0 0"; fi
	done) | "$p" mkimage -t 100000 -c zstd -o "$w/$n.img" -
}

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

# rootfs's size limit (tmpfs's default: half the RAM managed when the
# kernel mounts it) raised for the unpack, then put back: a tree
# of 170 MB at 320 MiB (zeros, zstd: the initrd stays small) is above the
# kernel's limit (its own unpack of the same image fails, the scenario's
# oracle: 6.1's limit there about 130 MB) and below the RAM (popinit's
# limit about 215 MB); popinit unpacks it and leaves the limit at what it
# holds.  300 MB is above the RAM less popinit's reserve: "No space left
# on device", said, never the OOM killer's panic.  A small tree: the old
# limit back, as /proc/self/mounts shows it to the payload.
if want_s rootfs-room; then
	head -c 10000000 /dev/zero > "$w/zeros"
	printf 'one\n' > "$w/x1"
	for t in 17 30; do
		{ echo "dir /sbin 0755 0 0"; echo "file /sbin/init $w/payload 0755 0 0"; echo "dir /etc 0755 0 0"
		  echo "file /etc/x $w/x1 0644 0 0"; echo "file /etc/payload.files $w/files 0644 0 0"; echo "dir /data 0755 0 0"
		  for i in $(seq 1 $t); do echo "file /data/z$i $w/zeros 0644 0 0"; done; } > "$w/room$t.list"
		"$p" mkimage -t 100000 -c zstd -o "$w/room$t.img" - < "$w/room$t.list"
	done
	# the kernel's own unpack of the 170 MB tree at 320 MiB
	cp "$w/room17.img" "$w/rootfs-room-kernel.initrd"
	boot rootfs-room-kernel "" -m 320
	expect rootfs-room-kernel 'Initramfs unpacking failed: write error' '!@@FILE /etc/x=one$'
	base rootfs-room "file /initramfs.d/10-room.img $w/room17.img 0644 0 0"
	boot rootfs-room "" -m 320
	expect rootfs-room '^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@FILE /etc/x=one$' \
		'popinit: rootfs: size limit 16[5-9][0-9]{3} KB, what the images left in it \(the kernel.s: [0-9]+ KB\)$' \
		'!popinit: (fatal|error|warning)'
	k=$(sed -n 's/.*popinit: rootfs: size limit \([0-9]*\) KB, what the images left.*/\1/p' "$w/rootfs-room.txt")
	cp "$w/rootfs-room.txt" "$w/rootfs-room-mountopt.txt"
	expect rootfs-room-mountopt "^@@MOUNTOPT / rw,size=${k:-none}k"
	base rootfs-room-full "file /initramfs.d/10-room.img $w/room30.img 0644 0 0"
	boot rootfs-room-full "" -m 320
	expect rootfs-room-full 'popinit: fatal: /initramfs.d/10-room.img: write error \(data/z[0-9]+: No space left on device\)' \
		'!Out of memory' '!@@PAYLOAD'
	img payload-room.img <<L
dir /sbin 0755 0 0
file /sbin/init $w/payload 0755 0 0
L
	base rootfs-room-back "file /initramfs.d/10-payload.img $w/payload-room.img 0644 0 0"
	boot rootfs-room-back ""
	expect rootfs-room-back '^@@PAYLOAD pid=1 argv0=/sbin/init ' \
		'popinit: rootfs: size limit back to [0-9]+ KB \([0-9]+ KB for the unpack\)$'
	k=$(sed -n 's/.*popinit: rootfs: size limit back to \([0-9]*\) KB.*/\1/p' "$w/rootfs-room-back.txt")
	cp "$w/rootfs-room-back.txt" "$w/rootfs-room-back-mountopt.txt"
	expect rootfs-room-back-mountopt "^@@MOUNTOPT / rw,size=${k:-none}k"
	# only the kernel's rootfs: a tmpfs of 16m moved onto / before popinit
	# runs (switch_root's way, tests/boot/totmpfs.c) keeps its size
	musl-gcc -static -Os -Wall $werror -o "$w/totmpfs" "$top/tests/boot/totmpfs.c" || exit 1
	{ echo "dir /dev 0755 0 0"; echo "nod /dev/console 0600 0 0 c 5 1"; echo "file /init $w/totmpfs 0755 0 0"
	  echo "file /popinit $p 0755 0 0"; echo "dir /initramfs.d 0755 0 0"
	  echo "file /initramfs.d/10-payload.img $w/payload-room.img 0644 0 0"; } |
		"$p" mkimage -t 100000 -o "$w/rootfs-room-not-rootfs.initrd" -
	boot rootfs-room-not-rootfs ""
	expect rootfs-room-not-rootfs '^@@TOTMPFS / is a tmpfs of 16m$' '^@@PAYLOAD pid=1 argv0=/sbin/init ' \
		'^@@MOUNT / tmpfs$' '^@@MOUNTOPT / rw,.*size=16384k' '!popinit: rootfs: size limit' '!@@TOTMPFS failed'
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
	base two-images "file /initramfs.d/10-a.img $w/a.img 0644 0 0" "file /initramfs.d/20-b.img $w/b.img 0644 0 0"
	boot two-images "quiet"
	expect two-images '^@@PAYLOAD pid=1 ' '^@@FILE /etc/x=second$'
fi

# 5. no /dev/console in the archive: the kernel starts /init with fds 0-2
#    closed; popinit opens devtmpfs's console, and the payload still speaks
if want_s no-console; then
	NOCONSOLE=1 base no-console "file /initramfs.d/10-payload.img $w/payload.img 0644 0 0" \
		"dir /etc 0755 0 0" "file /etc/x $w/x1 0644 0 0"
	boot no-console ""
	expect no-console 'Warning: unable to open an initial console' '^@@PAYLOAD pid=1 argv0=/sbin/init ' \
		'^@@FILE /etc/x=one$'
fi

# 6. no root device: rootwait=3 ends in the failure policy (panic=-1)
if want_s missing-root; then
	base missing-root
	boot missing-root "root=/dev/vdz rootwait=3"
	expect missing-root 'popinit: fatal: root device /dev/vdz not found after 3[0-9]{3} ms' \
		'popinit: fatal: no root file system' 'popinit: fatal: rebooting now \(panic=-1\)' '!@@PAYLOAD'
fi

# fault injection (issue 7): each scenario asserts the exact outcome

# the new root (root=tmpfs, rootflags=size=1m) fills up in the middle of
# a file: the message names the image and the entry; the file cut short
# keeps the kernel's length but not its mtime (it is not done), nothing
# after it is created, no image is reported unpacked, the next image is
# not unpacked; the failure policy runs: the emergency shell (the payload
# as /bin/sh shows the tree), then panic=-1
if want_s rootfs-full; then
	head -c 3000000 /dev/urandom > "$w/big3m"
	printf 'x\n' > "$w/small"
	img full-big.img -c gzip <<L
dir /d 0755 0 0
file /d/a $w/small 0644 0 0
file /d/big $w/big3m 0644 0 0
file /d/c $w/small 0644 0 0
L
	img full-later.img <<L
dir /sbin 0755 0 0
file /sbin/init $w/payload 0755 0 0
L
	printf '/root/d/a\n/root/d/big\n/root/d/c\n' > "$w/full.stat"
	printf '/root/sbin/init\n/initramfs.d/20-later.img\n' > "$w/full.absent"
	base rootfs-full "file /initramfs.d/10-big.img $w/full-big.img 0644 0 0" \
		"file /initramfs.d/20-later.img $w/full-later.img 0644 0 0" "dir /bin 0755 0 0" \
		"file /bin/sh $w/payload 0755 0 0" "dir /etc 0755 0 0" "file /etc/payload.stat $w/full.stat 0644 0 0" \
		"file /etc/payload.absent $w/full.absent 0644 0 0"
	boot rootfs-full "root=tmpfs rootflags=size=1m,mode=0755 popinit.shell"
	expect rootfs-full 'popinit: fatal: /initramfs.d/10-big.img: write error \(d/big: No space left on device\)$' \
		'popinit: fatal: unpacking the images failed$' '^@@PAYLOAD pid=[0-9]+ argv0=sh ' \
		'^@@STAT /root/d/a size=2 mtime=100000$' '^@@STAT /root/d/big size=3000000 mtime=[0-9]+$' \
		'!^@@STAT /root/d/big size=3000000 mtime=100000$' '^@@STAT /root/d/c MISSING$' \
		'^@@ABSENT /root/sbin/init$' '^@@PRESENT /initramfs.d/20-later.img$' \
		'popinit: fatal: rebooting now \(panic=-1\)' '!unpacked [0-9]+ image' '!@@PAYLOAD pid=1 '
fi

# a compressed image cut short in /initramfs.d, after a plain archive: the
# entries before the break are there (the kernel's semantics), the refusal
# names the image, the codec's reason and the offset of the xz data; the
# policy: no later image is unpacked, the shell, then panic=-1
if want_s corrupt-image; then
	printf 'first\n' > "$w/first"
	head -c 200000 /dev/urandom > "$w/rand200k"
	img cut-plain.img <<L
dir /etc 0755 0 0
file /etc/first $w/first 0644 0 0
L
	img cut-xz.img -c xz <<L
dir /x 0755 0 0
file /x/r $w/rand200k 0644 0 0
L
	{ cat "$w/cut-plain.img"; head -c 100000 "$w/cut-xz.img"; } > "$w/cut.img"
	off=$(stat -c %s "$w/cut-plain.img")
	img cut-good.img <<L
dir /sbin 0755 0 0
file /sbin/init $w/payload 0755 0 0
dir /etc 0755 0 0
file /etc/from-20 $w/first 0644 0 0
L
	printf '/etc/first\n/etc/from-20\n/sbin/init\n/initramfs.d/10-cut.img\n/initramfs.d/20-good.img\n' > "$w/cut.absent"
	base corrupt-image "file /initramfs.d/10-cut.img $w/cut.img 0644 0 0" \
		"file /initramfs.d/20-good.img $w/cut-good.img 0644 0 0" "dir /bin 0755 0 0" \
		"file /bin/sh $w/payload 0755 0 0" "dir /etc 0755 0 0" "file /etc/payload.absent $w/cut.absent 0644 0 0"
	boot corrupt-image "popinit.shell"
	expect corrupt-image "popinit: fatal: /initramfs.d/10-cut.img: XZ-compressed data is corrupt \\(the compressed data is truncated\\) at the xz data at offset $off\$" \
		'popinit: fatal: unpacking the images failed$' '^@@PRESENT /etc/first$' '^@@ABSENT /etc/from-20$' \
		'^@@ABSENT /sbin/init$' '^@@PRESENT /initramfs.d/10-cut.img$' '^@@PRESENT /initramfs.d/20-good.img$' \
		'popinit: fatal: rebooting now \(panic=-1\)' '!@@PAYLOAD pid=1 '
fi

# init= names a file that is not executable: said, then the defaults
if want_s init-not-executable; then
	img noexec.img <<L
dir /sbin 0755 0 0
file /sbin/init $w/payload 0755 0 0
dir /etc 0755 0 0
file /etc/noexec $w/payload 0644 0 0
L
	base init-not-executable "file /initramfs.d/10-noexec.img $w/noexec.img 0644 0 0"
	boot init-not-executable "init=/etc/noexec"
	expect init-not-executable 'popinit: warning: init=/etc/noexec is not an executable file in the new root: trying the defaults' \
		'^@@PAYLOAD pid=1 argv0=/sbin/init '
fi

# ... and no default either: the failure policy (panic=-1)
if want_s init-missing; then
	base init-missing
	boot init-missing "init=/nonexistent"
	expect init-missing 'popinit: warning: init=/nonexistent is not an executable file' \
		'popinit: fatal: nothing to run: no root=, and no init in rootfs$' 'popinit: fatal: rebooting now \(panic=-1\)' \
		'!@@PAYLOAD' '!Kernel panic'
fi

# SIGTERM, SIGINT and SIGKILL sent to PID 1 (popinit, waiting for its
# popinit.break shell): the kernel delivers to init only signals it has a
# handler for, and popinit has none while it boots: all three are
# ignored; it reaps the orphan the shell leaves, and goes on to exec
# /sbin/init when the shell exits
if want_s signals-to-pid1; then
	img sig.img <<L
dir /sbin 0755 0 0
file /sbin/init $w/payload 0755 0 0
L
	printf 'TERM\nINT\nKILL\n' > "$w/sig.kill"
	base signals-to-pid1 "file /initramfs.d/10-sig.img $w/sig.img 0644 0 0" "dir /bin 0755 0 0" \
		"file /bin/sh $w/payload 0755 0 0" "dir /etc 0755 0 0" "file /etc/payload.kill $w/sig.kill 0644 0 0" \
		"file /etc/payload.orphan $w/sig.kill 0644 0 0"
	boot signals-to-pid1 "popinit.break=modules"
	expect signals-to-pid1 '^@@PAYLOAD pid=[0-9]+ argv0=sh ' '^@@KILL TERM=0$' '^@@KILL INT=0$' '^@@KILL KILL=0$' \
		'^@@ZOMBIES 0$' '^@@PAYLOAD pid=1 argv0=/sbin/init ' '!Attempted to kill init' '!Kernel panic'
fi

# a root disk: rootdir NAME: $w/NAME.root holds the payload as /sbin/init
rootdir() {
	r=$w/$1.root
	rm -rf "$r"; mkdir -p "$r/sbin" "$r/etc" "$r/proc" "$r/dev" "$r/sys" "$r/run"
	cp "$w/payload" "$r/sbin/init"
}
extdisk() { # extdisk NAME: $w/NAME.disk, ext4 from $w/NAME.root
	rm -f "$w/$1.disk"
	truncate -s 64M "$w/$1.disk"
	mkfs.ext4 -q -F -U "$2" -L popinit-root -d "$w/$1.root" "$w/$1.disk"
}
disk() { echo "-drive file=$w/$1.disk,format=raw,if=virtio"; }

ROOTUUID=6c0d6f2e-6f70-4e69-8e69-74726f6f7430
modules m-plain none virtio_pci virtio_blk ext4 bfq kyber-iosched e1000 loop nls_utf8 squashfs

# issue 4: only root= and rootwait: coldplug loads virtio_pci, virtio_blk,
# then ext4 (probed) with its dependencies; nothing else is asked for
if want_s root-ext4; then
	rootdir root-ext4
	printf '/sys/block/vda/queue/scheduler\n' > "$w/root-ext4.root/etc/payload.files"
	printf '/run/popinit/timings\n' > "$w/root-ext4.root/etc/payload.cat"
	extdisk root-ext4 $ROOTUUID
	base root-ext4 "file /initramfs.d/10-modules.img $w/m-plain.img 0644 0 0"
	boot root-ext4 "root=/dev/vda rootwait" $(disk root-ext4)
	expect root-ext4 '^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@MOUNT / ext4$' '^@@MOUNTOPT / ro,' \
		'^@@MODULE virtio_blk$' '^@@MODULE virtio_pci$' '^@@MODULE ext4$' '^@@MODULE jbd2$' '^@@MODULE e1000$' \
		'popinit: loaded [0-9]+ modules' '!@@MODULE bfq$' '!@@MODULE loop$'
	# issue 17: the phases in /run/popinit/timings, kept by the switch
	t='@@CAT /run/popinit/timings: '
	cp "$w/root-ext4.txt" "$w/root-ext4-timings.txt"
	expect root-ext4-timings "^${t}popinit-timings 1\$" "^${t}kernel 0 [1-9][0-9]* 0 $kver\$" \
		"^${t}setup [0-9]+ [0-9]+ 0 -\$" "^${t}image [0-9]+ [0-9]+ 0 /initramfs.d/10-modules.img\$" \
		"^${t}modules [0-9]+ [0-9]+ 0 -\$" "^${t}module [0-9]+ [0-9]+ 1 virtio_blk\$" \
		"^${t}module [0-9]+ [0-9]+ 1 ext4\$" "^${t}module [0-9]+ [0-9]+ 1 jbd2\$" \
		"^${t}root [0-9]+ [0-9]+ 0 /dev/vda\$" "^${t}init [0-9]+ [0-9]+ 0 /sbin/init\$"
	# in order: each phase starts after the one before ended; the loads
	# inside the modules phase, or the root's (ext4 comes with the root)
	sed -n "s|^$t||p" "$w/root-ext4.txt" | awk '
		NR > 1 { k[NR] = $1; s[NR] = $2; e[NR] = $3; n[NR] = $5 }
		$1 == "modules" { ms = $2 } $1 == "root" { re = $3 }
		END {
			for (i = 2; i <= NR; i++) {
				if (e[i] < s[i]) bad = bad " " k[i] "-ends-before-it-starts"
				if (k[i] == "module") { if (s[i] < ms || e[i] > re) bad = bad " module-" n[i]; continue }
				if (s[i] < last) bad = bad " " k[i]
				last = e[i]
			}
			if (bad != "") { print "FAIL boot/root-ext4-timings-order:" bad; exit }
			print "PASS boot/root-ext4-timings-order" }'
fi

# modules-load= and /etc/modules-load.d; root by GPT PARTUUID, rootfstype,
# rootflags, rw
if want_s root-partuuid; then
	rootdir root-partuuid
	mkdir -p "$w/root-partuuid.etc/etc/modules-load.d"
	printf '# a comment\nnls_utf8\n' > "$w/root-partuuid.etc/etc/modules-load.d/test.conf"
	img mlist.img <<L
dir /etc 0755 0 0
dir /etc/modules-load.d 0755 0 0
file /etc/modules-load.d/test.conf $w/root-partuuid.etc/etc/modules-load.d/test.conf 0644 0 0
L
	extdisk root-partuuid $ROOTUUID
	rm -f "$w/gpt.disk"; truncate -s 80M "$w/gpt.disk"
	printf 'label: gpt\nsize=4M, name="other"\nsize=70M, name="root", uuid=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n' |
		sfdisk -q "$w/gpt.disk"
	start=$(sfdisk -J "$w/gpt.disk" | python3 -c 'import json,sys; print(json.load(sys.stdin)["partitiontable"]["partitions"][1]["start"])')
	dd if="$w/root-partuuid.disk" of="$w/gpt.disk" bs=512 seek="$start" conv=notrunc status=none
	base root-partuuid "file /initramfs.d/10-modules.img $w/m-plain.img 0644 0 0" \
		"file /initramfs.d/20-list.img $w/mlist.img 0644 0 0"
	boot root-partuuid "root=PARTUUID=0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0 rootwait rootfstype=xfs,ext4 rootflags=commit=7 rw modules-load=loop" \
		-drive "file=$w/gpt.disk,format=raw,if=virtio"
	expect root-partuuid '^@@PAYLOAD pid=1 ' '^@@MOUNT / ext4$' '^@@MOUNTOPT / rw,.*commit=7' \
		'^@@MODULE loop$' '^@@MODULE nls_utf8$' 'popinit: mounted /dev/vda2 \(ext4\) on /root'
fi

# MBR PARTUUID (SSSSSSSS-PP); popinit.break=root runs /bin/sh (the payload
# again, not PID 1) with popinit's mounts, where a scheduler written to
# sysfs makes the kernel ask popinit (its modprobe helper) for kyber
if want_s break-helper; then
	rootdir break-helper
	extdisk break-helper $ROOTUUID
	rm -f "$w/mbr.disk"; truncate -s 80M "$w/mbr.disk"
	printf 'label: dos\nlabel-id: 0x5eed1234\nsize=70M, type=83\n' | sfdisk -q "$w/mbr.disk"
	start=$(sfdisk -J "$w/mbr.disk" | python3 -c 'import json,sys; print(json.load(sys.stdin)["partitiontable"]["partitions"][0]["start"])')
	dd if="$w/break-helper.disk" of="$w/mbr.disk" bs=512 seek="$start" conv=notrunc status=none
	printf '/sys/block/vda/queue/scheduler kyber\n' > "$w/write"
	printf '/sys/block/vda/queue/scheduler\n/proc/sys/kernel/modprobe\n' > "$w/bfiles"
	printf '/sys/module/kyber_iosched\n' > "$w/babsent"
	base break-helper "file /initramfs.d/10-modules.img $w/m-plain.img 0644 0 0" "dir /bin 0755 0 0" \
		"file /bin/sh $w/payload 0755 0 0" "dir /etc 0755 0 0" "file /etc/payload.write $w/write 0644 0 0" \
		"file /etc/payload.files $w/bfiles 0644 0 0"
	boot break-helper "root=PARTUUID=5eed1234-01 rootwait popinit.break=root" -drive "file=$w/mbr.disk,format=raw,if=virtio"
	expect break-helper '^@@PAYLOAD pid=[0-9]+ argv0=sh ' '^@@WROTE /sys/block/vda/queue/scheduler=0$' \
		'^@@FILE /sys/block/vda/queue/scheduler=.*\[kyber\]' '^@@FILE /proc/sys/kernel/modprobe=/run/popinit/modprobe$' \
		'^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@MODULE kyber_iosched$' '^@@MOUNT / ext4$'
fi

# elevator=, a module parameter, a blacklist, root by UUID
if want_s root-uuid-bfq; then
	rootdir root-uuid-bfq
	printf '/sys/block/vda/queue/scheduler\n/sys/module/virtio_blk/parameters/queue_depth\n' \
		> "$w/root-uuid-bfq.root/etc/payload.files"
	printf '/sys/module/e1000\n' > "$w/root-uuid-bfq.root/etc/payload.absent"
	extdisk root-uuid-bfq $ROOTUUID
	base root-uuid-bfq "file /initramfs.d/10-modules.img $w/m-plain.img 0644 0 0"
	boot root-uuid-bfq "root=UUID=$ROOTUUID rootwait elevator=bfq virtio_blk.queue_depth=64 modprobe.blacklist=e1000" \
		$(disk root-uuid-bfq)
	expect root-uuid-bfq '^@@PAYLOAD pid=1 ' '^@@MOUNT / ext4$' '^@@FILE /sys/block/vda/queue/scheduler=.*\[bfq\]' \
		'^@@FILE /sys/module/virtio_blk/parameters/queue_depth=64$' '^@@ABSENT /sys/module/e1000$' '^@@MODULE bfq$'
fi

# modules-load= and modules-load.d honour the blacklist, as systemd's
# modules-load does (KMOD_PROBE_APPLY_BLACKLIST): a blacklisted module
# named there is not loaded, and popinit says which blacklist hid it
if want_s modules-load-blacklist; then
	mkdir -p "$w/mlbl"
	printf 'blacklist nls_utf8\n' > "$w/mlbl/bl.conf"
	printf 'nls_utf8\n' > "$w/mlbl/ml.conf"
	img mlbl.img <<L
dir /sbin 0755 0 0
file /sbin/init $w/payload 0755 0 0
dir /etc 0755 0 0
dir /etc/modprobe.d 0755 0 0
file /etc/modprobe.d/bl.conf $w/mlbl/bl.conf 0644 0 0
dir /etc/modules-load.d 0755 0 0
file /etc/modules-load.d/ml.conf $w/mlbl/ml.conf 0644 0 0
L
	base modules-load-blacklist "file /initramfs.d/10-modules.img $w/m-plain.img 0644 0 0" \
		"file /initramfs.d/20-mlbl.img $w/mlbl.img 0644 0 0"
	boot modules-load-blacklist "modules-load=loop,squashfs modprobe.blacklist=squashfs"
	expect modules-load-blacklist '^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@MODULE loop$' '!@@MODULE squashfs$' \
		'!@@MODULE nls_utf8$' "popinit: module squashfs not loaded: blacklisted by the command line's modprobe.blacklist=\$" \
		'popinit: module nls_utf8 not loaded: blacklisted by /etc/modprobe.d/bl.conf$'
fi

# a module that fails to load (its file is not a module: ENOEXEC) and one
# that does not exist: each named once with its reason; the boot goes on
if want_s module-fails; then
	mkdir -p "$w/badmod"
	printf 'not an ELF file\n' > "$w/badmod/loop.ko"
	img badmod.img <<L
dir /lib 0755 0 0
dir /lib/modules 0755 0 0
dir /lib/modules/$kver 0755 0 0
dir /lib/modules/$kver/kernel 0755 0 0
dir /lib/modules/$kver/kernel/drivers 0755 0 0
dir /lib/modules/$kver/kernel/drivers/block 0755 0 0
file /lib/modules/$kver/kernel/drivers/block/loop.ko $w/badmod/loop.ko 0644 0 0
L
	img badmod-init.img <<L
dir /sbin 0755 0 0
file /sbin/init $w/payload 0755 0 0
L
	base module-fails "file /initramfs.d/10-modules.img $w/m-plain.img 0644 0 0" \
		"file /initramfs.d/20-badmod.img $w/badmod.img 0644 0 0" "file /initramfs.d/30-init.img $w/badmod-init.img 0644 0 0"
	boot module-fails "modules-load=loop,nosuchmodule"
	expect module-fails 'popinit: warning: unable to load module loop: Exec format error' \
		'popinit: warning: module nosuchmodule not found' '^@@PAYLOAD pid=1 argv0=/sbin/init ' '!@@MODULE loop$'
	n=$(grep -c 'unable to load module loop' "$w/module-fails.txt")
	[ "$n" -eq 1 ] || echo "FAIL boot/module-fails-once: the failure of loop is logged $n times"
fi

# compressed modules, decompressed by popinit (6.1 has no in-kernel
# module decompression)
for c in xz zst; do
	if want_s "modules-$c"; then
		modules "m-$c" $c virtio_pci virtio_blk ext4
		rootdir "modules-$c"
		extdisk "modules-$c" $ROOTUUID
		base "modules-$c" "file /initramfs.d/10-modules.img $w/m-$c.img 0644 0 0"
		boot "modules-$c" "root=LABEL=popinit-root rootwait" $(disk "modules-$c")
		expect "modules-$c" '^@@PAYLOAD pid=1 ' '^@@MOUNT / ext4$' '^@@MODULE virtio_blk$' '^@@MODULE ext4$'
	fi
done

# issue 3: an image on a raw GPT partition, found by its name
if want_s partlabel || want_s partlabel-eio; then
	printf 'from the partition\n' > "$w/frompart"
	img part.img <<L
dir /sbin 0755 0 0
file /sbin/init $w/payload 0755 0 0
dir /etc 0755 0 0
file /etc/x $w/frompart 0644 0 0
file /etc/payload.files $w/files 0644 0 0
L
	rm -f "$w/partlabel.disk"
	truncate -s 16M "$w/partlabel.disk"
	printf 'label: gpt\nsize=4M, name="popinit-b"\nsize=4M, name="popinit-a"\n' | sfdisk -q "$w/partlabel.disk"
	start=$(sfdisk -J "$w/partlabel.disk" | python3 -c 'import json,sys; print(json.load(sys.stdin)["partitiontable"]["partitions"][1]["start"])')
	dd if="$w/part.img" of="$w/partlabel.disk" bs=512 seek="$start" conv=notrunc status=none
	base partlabel "file /initramfs.d/10-modules.img $w/m-plain.img 0644 0 0"
fi
if want_s partlabel; then
	boot partlabel "popinit.image=PARTLABEL=popinit-a rootwait=10 popinit.timing" $(disk partlabel)
	# read with O_DIRECT into the memory the unpacker reads in place
	expect partlabel '^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@FILE /etc/x=from the partition$' \
		' popinit: timing PARTLABEL=popinit-a: 4194304 bytes in [0-9]+ ms: 3 files, 2 dirs, 0 others, [0-9]+ bytes out;' \
		' popinit: timing PARTLABEL=popinit-a: calls: read 1, .*; read direct, 0 MB given back as consumed$'
fi
# a 24 MiB image of 070702 entries (each file's sum checked) on a
# partition: more steps than the ring of recycled pages holds, each read
# into pages of a step already unpacked; a stale or misplaced byte is a
# checksum error or a broken header
# bigdisk NAME: NAME.disk, 48 MiB, whose 40 MiB GPT partition popinit-a
# holds NAME.img, NULs after it to the partition's end
bigdisk() {
	rm -f "$w/$1.disk"
	truncate -s 48M "$w/$1.disk"
	printf 'label: gpt\nsize=40M, name="popinit-a"\n' | sfdisk -q "$w/$1.disk"
	start=$(sfdisk -J "$w/$1.disk" | python3 -c 'import json,sys; print(json.load(sys.stdin)["partitiontable"]["partitions"][0]["start"])')
	dd if="$w/$1.img" of="$w/$1.disk" bs=512 seek="$start" conv=notrunc status=none
}
if want_s partlabel-big; then
	printf 'from the partition\n' > "$w/frompart"	# (also partlabel's: either runs alone)
	mkdir -p "$w/big"
	: > "$w/big.list"
	for i in $(seq 1 48); do
		head -c 524288 /dev/urandom > "$w/big/f$i"
		echo "file /data/f$i $w/big/f$i 0644 0 0" >> "$w/big.list"
	done
	{ echo "dir /sbin 0755 0 0"; echo "file /sbin/init $w/payload 0755 0 0"; echo "dir /data 0755 0 0"
	  cat "$w/big.list"; echo "dir /etc 0755 0 0"; echo "file /etc/x $w/frompart 0644 0 0"
	  echo "file /etc/payload.files $w/files 0644 0 0"; } | "$p" mkimage -C -t 100000 -o "$w/big.img" -
	bigdisk big
	base partlabel-big "file /initramfs.d/10-modules.img $w/m-plain.img 0644 0 0"
	# one vCPU (the unpack in one thread), then two (pages given back by
	# the writer's thread, taken by the reader's)
	cp "$w/partlabel-big.initrd" "$w/partlabel-big-smp2.initrd"
	for n in partlabel-big partlabel-big-smp2; do
		smp=1; [ $n = partlabel-big ] || smp=2
		# one CPU, rootfs the target: no writer thread (unpack/pipe.h),
		# so neither side ever waits for the other; two CPUs: two threads
		waits='waits: reader 0, writer 0;'; [ $smp = 1 ] || waits='!waits: reader 0, writer 0;'
		boot $n "popinit.image=PARTLABEL=popinit-a rootwait=10 popinit.timing" $(disk big) -smp $smp
		expect $n '^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@FILE /etc/x=from the partition$' \
			' popinit: timing PARTLABEL=popinit-a: 41943040 bytes in [0-9]+ ms: 51 files, 3 dirs, 0 others, 25[0-9]{6} bytes out;' \
			'; read direct, 0 MB given back as consumed$' '!popinit: (fatal|error|warning)' "$waits"
	done
fi
# the same from the device as lz4 (lz4 -l -9: 8 MiB blocks, here 1 to 3
# MiB compressed): a block that lies whole in what is read of the device
# is decoded where it lies, one that runs past it is gathered; a byte read
# from memory not yet read (or past the image) breaks a block or a
# checksum (mkimage -C)
if want_s partlabel-big-lz4; then
	printf 'from the partition\n' > "$w/frompart"
	mkdir -p "$w/bigz"
	: > "$w/bigz.list"
	for i in $(seq 1 40); do
		if [ $((i % 10)) = 0 ]; then head -c 524288 /dev/urandom
		else seq $((i * 100000)) $((i * 100000 + 90000)) | head -c 524288; fi > "$w/bigz/f$i"
		echo "file /data/f$i $w/bigz/f$i 0644 0 0" >> "$w/bigz.list"
	done
	{ echo "dir /sbin 0755 0 0"; echo "file /sbin/init $w/payload 0755 0 0"; echo "dir /data 0755 0 0"
	  cat "$w/bigz.list"; echo "dir /etc 0755 0 0"; echo "file /etc/x $w/frompart 0644 0 0"
	  echo "file /etc/payload.files $w/files 0644 0 0"; } | "$p" mkimage -C -t 100000 - |
		lz4 -l -9 -q -c > "$w/bigz.img"
	bigdisk bigz
	base partlabel-big-lz4 "file /initramfs.d/10-modules.img $w/m-plain.img 0644 0 0"
	cp "$w/partlabel-big-lz4.initrd" "$w/partlabel-big-lz4-smp2.initrd"
	for n in partlabel-big-lz4 partlabel-big-lz4-smp2; do
		smp=1; [ $n = partlabel-big-lz4 ] || smp=2
		boot $n "popinit.image=PARTLABEL=popinit-a rootwait=10 popinit.timing" $(disk bigz) -smp $smp
		expect $n '^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@FILE /etc/x=from the partition$' \
			' popinit: timing PARTLABEL=popinit-a: 41943040 bytes in [0-9]+ ms: 43 files, 3 dirs, 0 others, 2[0-9]{7} bytes out;' \
			'; read direct, 0 MB given back as consumed$' '!popinit: (fatal|error|warning)'
	done
fi
# a bad block in the image's partition (QEMU's blkdebug: the reads of its
# sector fail with EIO): the image cannot be read, said with the device and
# the offset, the failure policy follows; never a SIGBUS (the image is read,
# not mapped), never "Attempted to kill init"
if want_s partlabel-eio; then
	start=$(sfdisk -J "$w/partlabel.disk" | python3 -c 'import json,sys; print(json.load(sys.stdin)["partitiontable"]["partitions"][1]["start"])')
	printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "%d"\n' $((start + 40)) > "$w/eio.conf"
	cp "$w/partlabel.initrd" "$w/partlabel-eio.initrd"
	boot partlabel-eio "popinit.image=PARTLABEL=popinit-a rootwait=10" \
		-drive "file=blkdebug:$w/eio.conf:$w/partlabel.disk,format=raw,if=virtio"
	expect partlabel-eio 'popinit: fatal: PARTLABEL=popinit-a: unable to read: I/O error \(a read from offset 0\)$' \
		'popinit: fatal: unpacking the images failed' 'popinit: fatal: rebooting now \(panic=-1\)' \
		'!@@PAYLOAD' '!Attempted to kill init' '!SIGBUS'
fi

# a real third-party early userspace: a Debian initramfs-tools image in
# /initramfs.d replaces /init; popinit execs it; it finds the root disk
# itself and runs its /sbin/init
if want_s initramfs-tools; then
	if ITOOLS_MODULES="virtio_pci virtio_blk ext4" sh "$top/tests/corpus/initramfs-tools.regen" "$w/itools.img" 2> "$w/itools.err"; then
		rootdir initramfs-tools
		printf '/etc/x\n' > "$w/initramfs-tools.root/etc/payload.files"
		printf 'on the root disk\n' > "$w/initramfs-tools.root/etc/x"
		extdisk initramfs-tools $ROOTUUID
		base initramfs-tools "file /initramfs.d/50-initramfs-tools.img $w/itools.img 0644 0 0"
		boot initramfs-tools "root=/dev/vda rw quiet" $(disk initramfs-tools)
		expect initramfs-tools '^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@MOUNT / ext4$' '^@@FILE /etc/x=on the root disk$'
	else
		echo "FAIL boot/initramfs-tools: could not build the image: $(tail -2 "$w/itools.err" | tr '\n' ' ')"
	fi
fi

# signed images: the initrd (the built-in initramfs) trusts a key in
# /etc/popinit/keys; the image in /initramfs.d must verify for its role
# ("10-main") before a byte of it is decoded
sigkeys() {
	[ -f "$w/sig-ec.key" ] && return 0
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$w/sig-ec.key" 2>/dev/null &&
	openssl pkey -in "$w/sig-ec.key" -pubout -out "$w/sig-ec.pub" &&
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$w/sig-fw.key" 2>/dev/null &&
	openssl pkey -in "$w/sig-fw.key" -pubout -out "$w/sig-fw.pub"
}
sigpayload() {
	printf '/etc/x\n' > "$w/sigfiles"
	printf 'signed\n' > "$w/sigx"
	printf '/initramfs.d/10-main.img\n' > "$w/sigabsent"
	img sigpay.cpio <<L
dir /sbin 0755 0 0
file /sbin/init $w/payload 0755 0 0
dir /etc 0755 0 0
file /etc/x $w/sigx 0644 0 0
file /etc/payload.files $w/sigfiles 0644 0 0
L
	zstd -q -19 -f "$w/sigpay.cpio" -o "$w/sigpay.cpio.zst"
}
if want_s signed || want_s signed-tampered; then
	sigkeys && sigpayload
	"$p" sign -k "$w/sig-ec.key" -n 10-main -V 3 "$w/sigpay.cpio.zst" "$w/signed.img"
fi
if want_s signed; then
	base signed "dir /etc 0755 0 0" "dir /etc/popinit 0755 0 0" "dir /etc/popinit/keys 0755 0 0" \
		"file /etc/popinit/keys/test.pem $w/sig-ec.pub 0644 0 0" \
		"file /etc/payload.absent $w/sigabsent 0644 0 0" \
		"file /initramfs.d/10-main.img $w/signed.img 0644 0 0"
	boot signed ""
	expect signed 'popinit: signed images only: 1 trusted key, 0 revoked' \
		'popinit: /initramfs.d/10-main.img: verified "10-main" version 3, ecdsa-sha256 by key' \
		'^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@FILE /etc/x=signed$' '^@@ABSENT /initramfs.d/10-main.img$'
fi
# one byte of the payload changed: refused, nothing of it in rootfs (the
# emergency shell, the payload as /bin/sh, looks), then panic=-1
if want_s signed-tampered; then
	cp "$w/signed.img" "$w/tampered.img"
	flip "$w/tampered.img" 2000
	printf '/etc/x\n/sbin/init\n' > "$w/tabsent"
	base signed-tampered "dir /etc 0755 0 0" "dir /etc/popinit 0755 0 0" "dir /etc/popinit/keys 0755 0 0" \
		"file /etc/popinit/keys/test.pem $w/sig-ec.pub 0644 0 0" "dir /bin 0755 0 0" \
		"file /bin/sh $w/payload 0755 0 0" "file /etc/payload.absent $w/tabsent 0644 0 0" \
		"file /initramfs.d/10-main.img $w/tampered.img 0644 0 0"
	boot signed-tampered "popinit.shell"
	expect signed-tampered 'popinit: fatal: /initramfs.d/10-main.img: refused: payload hash mismatch' \
		'popinit: fatal: unpacking the images failed' '^@@PAYLOAD pid=[0-9]+ argv0=' \
		'^@@ABSENT /etc/x$' '^@@ABSENT /sbin/init$' 'popinit: fatal: rebooting now \(panic=-1\)'
fi
# popinit.timing: each image's phases, calls and memory on the console
# (a signed image's verification too); popinit.modules=off: no module
# loaded, modules-load= included.  The same initrd booted without them is
# the control: loop loaded, no timing line.  (/etc is the initrd's: 1 dir
# made.)  Twelve lines and more in a second: none lost to the kernel's
# ratelimit of /dev/kmsg.
if want_s timing-modules-off || want_s timing-modules-on; then
	sigkeys && sigpayload
	"$p" sign -k "$w/sig-ec.key" -n 10-main -V 3 "$w/sigpay.cpio.zst" "$w/signed-t.img"
	"$p" sign -k "$w/sig-ec.key" -n 20-modules -V 1 "$w/m-plain.img" "$w/m-signed-t.img"
	for s in timing-modules-off timing-modules-on; do
		base $s "dir /etc 0755 0 0" "dir /etc/popinit 0755 0 0" "dir /etc/popinit/keys 0755 0 0" \
			"file /etc/popinit/keys/test.pem $w/sig-ec.pub 0644 0 0" \
			"file /initramfs.d/10-main.img $w/signed-t.img 0644 0 0" \
			"file /initramfs.d/20-modules.img $w/m-signed-t.img 0644 0 0"
	done
fi
if want_s timing-modules-off; then
	boot timing-modules-off "popinit.timing popinit.modules=off modules-load=loop"
	i=' popinit: timing /initramfs.d/10-main.img: '
	expect timing-modules-off '^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@FILE /etc/x=signed$' \
		"${i}verify: trailer [0-9]+ ms, signature [0-9]+ ms, payload hashed \\(sha256\\) (in place|into a sealed copy) [0-9]+ ms\$" \
		"${i}[1-9][0-9]* bytes in [0-9]+ ms: 3 files, 1 dirs, 0 others, [1-9][0-9]* bytes out; ms: reader " \
		"${i}calls: read [0-9]+, .*; waits: reader [0-9]+, writer [0-9]+; RAM in use [0-9]+ MB, at most [0-9]+ MB; (mapped|read), [0-9]+ MB given back as consumed\$" \
		' popinit: timing /initramfs.d/20-modules.img: [1-9][0-9]* bytes in ' \
		' popinit: modules: none loaded \(popinit.modules=off\)$' '!@@MODULE ' '!loaded [0-9]+ modules? in' \
		'!output lines suppressed due to ratelimiting'
fi
if want_s timing-modules-on; then
	boot timing-modules-on "modules-load=loop"
	expect timing-modules-on '^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@FILE /etc/x=signed$' '^@@MODULE loop$' \
		'!popinit: timing ' '!popinit.modules=off'
fi
# the firmware case: keys and a floor compiled into /init (make KEYS=
# FLOORS= TOOLS=no), every image signed: the modules image in the initrd
# ("10-modules") and the firmware image on a GPT partition, read from the
# block device (its NUL tail skipped) by popinit.image=NAME:PARTLABEL=;
# then the command line raises the floor above the firmware's version
if want_s signed-builtin || want_s signed-rollback || want_s signed-device-tampered ||
   want_s signed-device-big || want_s signed-device-big-tampered; then
	sigkeys && sigpayload
	make -s -C "$top" B=build/test/fwkeys TOOLS=no KEYS="$w/sig-fw.pub" FLOORS="firmware:5" > "$w/fwkeys.build" 2>&1 ||
		echo "FAIL boot/signed-builtin: the keyed build failed: $(tail -2 "$w/fwkeys.build" | tr '\n' ' ')"
	# with the payload's SHA-384 too: checked instead of its SHA-256 by a
	# 64-bit CPU without SHA-256 instructions, as boot/qemu.sh's is
	"$p" sign -k "$w/sig-fw.key" -n firmware -V 5 -P sha384 "$w/sigpay.cpio.zst" "$w/fw.img"
	"$p" sign -k "$w/sig-fw.key" -n 10-modules -V 1 "$w/m-plain.img" "$w/m-signed.img"
	rm -f "$w/fw.disk"
	truncate -s 8M "$w/fw.disk"
	printf 'label: gpt\nsize=2M, name="fw-b"\nsize=4M, name="fw-a"\n' | sfdisk -q "$w/fw.disk"
	start=$(sfdisk -J "$w/fw.disk" | python3 -c 'import json,sys; print(json.load(sys.stdin)["partitiontable"]["partitions"][1]["start"])')
	dd if="$w/fw.img" of="$w/fw.disk" bs=512 seek="$start" conv=notrunc status=none
	fwbase() {
		{
			echo "dir /dev 0755 0 0"
			echo "nod /dev/console 0600 0 0 c 5 1"
			echo "file /init $top/build/test/fwkeys/popinit 0755 0 0"
			echo "dir /initramfs.d 0755 0 0"
			echo "file /initramfs.d/10-modules.img $w/m-signed.img 0644 0 0"
		} | "$p" mkimage -t 100000 -o "$w/$1.initrd" -
	}
fi
if want_s signed-builtin; then
	fwbase signed-builtin
	boot signed-builtin "popinit.image=firmware:PARTLABEL=fw-a rootwait=10 popinit.timing" $(disk fw)
	# the partition's payload read with O_DIRECT into the sealed copy
	expect signed-builtin 'popinit: signed images only: 1 trusted key, 0 revoked, 1 version floor' \
		'popinit: /initramfs.d/10-modules.img: verified "10-modules" version 1, ecdsa-sha384 by key' \
		'popinit: PARTLABEL=fw-a: verified "firmware" version 5, ecdsa-sha384 by key' \
		'popinit: timing PARTLABEL=fw-a: verify: trailer [0-9]+ ms, signature [0-9]+ ms, payload hashed \(sha384\) into a sealed copy read direct [0-9]+ ms$' \
		'^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@FILE /etc/x=signed$'
fi
# one byte of the payload on the partition changed: the copy read direct
# does not hash to the signed value: refused, nothing of it unpacked
if want_s signed-device-tampered; then
	cp "$w/fw.disk" "$w/fw-t.disk"
	flip "$w/fw-t.disk" $((start * 512 + 3000))
	fwbase signed-device-tampered
	boot signed-device-tampered "popinit.image=firmware:PARTLABEL=fw-a rootwait=10" $(disk fw-t)
	expect signed-device-tampered 'popinit: fatal: PARTLABEL=fw-a: refused: payload hash mismatch \(sha384, ' \
		'popinit: fatal: rebooting now \(panic=-1\)' '!@@PAYLOAD' '!Attempted to kill init'
fi
# a payload of three reads (4 MiB each): the device reads on a thread of
# their own, the hash a step behind (verify/sigimage.c, read_ahead); all
# of it verified and unpacked; one byte changed in the last read: refused
if want_s signed-device-big || want_s signed-device-big-tampered; then
	head -c 9000000 /dev/urandom > "$w/sigbig"
	printf '/big\n' > "$w/sigbigstat"
	# sigpayload's archive, then a second one
	printf '%s\n' "file /etc/payload.stat $w/sigbigstat 0644 0 0" "file /big $w/sigbig 0644 0 0" |
		img sigbig2.cpio
	cat "$w/sigpay.cpio" "$w/sigbig2.cpio" > "$w/sigbig.cpio"
	"$p" sign -k "$w/sig-fw.key" -n firmware -V 5 -P sha384 "$w/sigbig.cpio" "$w/fwbig.img"
	rm -f "$w/fwbig.disk"
	truncate -s 16M "$w/fwbig.disk"
	printf 'label: gpt\nsize=12M, name="fw-a"\n' | sfdisk -q "$w/fwbig.disk"
	bstart=$(sfdisk -J "$w/fwbig.disk" | python3 -c 'import json,sys; print(json.load(sys.stdin)["partitiontable"]["partitions"][0]["start"])')
	dd if="$w/fwbig.img" of="$w/fwbig.disk" bs=512 seek="$bstart" conv=notrunc status=none
fi
if want_s signed-device-big; then
	fwbase signed-device-big
	boot signed-device-big "popinit.image=firmware:PARTLABEL=fw-a rootwait=10 popinit.timing" $(disk fwbig)
	expect signed-device-big 'popinit: PARTLABEL=fw-a: verified "firmware" version 5, ecdsa-sha384 by key' \
		'popinit: timing PARTLABEL=fw-a: verify: trailer [0-9]+ ms, signature [0-9]+ ms, payload hashed \(sha384\) into a sealed copy read direct [0-9]+ ms$' \
		'^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@FILE /etc/x=signed$' '^@@STAT /big size=9000000 '
fi
if want_s signed-device-big-tampered; then
	cp "$w/fwbig.disk" "$w/fwbig-t.disk"
	flip "$w/fwbig-t.disk" $((bstart * 512 + 8 * 1048576 + 500000))
	fwbase signed-device-big-tampered
	boot signed-device-big-tampered "popinit.image=firmware:PARTLABEL=fw-a rootwait=10" $(disk fwbig-t)
	expect signed-device-big-tampered 'popinit: fatal: PARTLABEL=fw-a: refused: payload hash mismatch \(sha384, ' \
		'popinit: fatal: rebooting now \(panic=-1\)' '!@@PAYLOAD' '!Attempted to kill init'
fi
if want_s signed-rollback; then
	fwbase signed-rollback
	boot signed-rollback "popinit.image=firmware:PARTLABEL=fw-a rootwait=10 popinit.floor=firmware:6 popinit.verify=off" $(disk fw)
	expect signed-rollback 'popinit.verify=off: only "required" is known; the command line cannot weaken' \
		'popinit: /initramfs.d/10-modules.img: verified "10-modules"' \
		'popinit: fatal: PARTLABEL=fw-a: refused: version 5 of "firmware" is below the floor 6' \
		'popinit: fatal: rebooting now \(panic=-1\)' '!@@PAYLOAD'
fi

# issue 16: A/B root slots (popinit.slots=rootfs).  slotdisk NAME: a GPT
# disk $w/NAME.disk (sfdisk): rootfs_a, rootfs_b (ext4 made in place by
# mkfs.ext4 -E offset= -d from $w/NAME.a and $w/NAME.b, when there), fw_a,
# fw_b (raw, holding $w/NAME.fwa and $w/NAME.fwb, when there)
slotdisk() {
	d=$w/$1.disk
	rm -f "$d"; truncate -s 40M "$d"
	printf 'label: gpt\nsize=16M, name="rootfs_a"\nsize=16M, name="rootfs_b"\nsize=1M, name="fw_a"\nsize=1M, name="fw_b"\n' |
		sfdisk -q "$d"
	for i in 0 1 2 3; do
		start=$(sfdisk -J "$d" | python3 -c "import json,sys; print(json.load(sys.stdin)['partitiontable']['partitions'][$i]['start'])")
		case $i in
		0|1) src=$w/$1.$([ $i = 0 ] && echo a || echo b)
		     [ -d "$src" ] && mkfs.ext4 -q -F -E offset=$((start * 512)) -d "$src" "$d" 16M ;;
		*) src=$w/$1.fw$([ $i = 2 ] && echo a || echo b)
		   [ -f "$src" ] && dd if="$src" of="$d" bs=512 seek="$start" conv=notrunc status=none ;;
		esac
	done
}
# slotroot DIR TEXT: a slot's root: the payload as /sbin/init, popinit as
# /bin/popinit, /etc/x holding TEXT, the payload shows /run/popinit
slotroot() {
	rm -rf "$1"; mkdir -p "$1/sbin" "$1/bin" "$1/etc" "$1/proc" "$1/dev" "$1/sys" "$1/run"
	cp "$w/payload" "$1/sbin/init"; cp "$p" "$1/bin/popinit"
	printf '%s\n' "$2" > "$1/etc/x"
	printf '/etc/x\n/run/popinit/slot\n/run/popinit/slot-name\n/run/popinit/slot-device\n/run/popinit/slot-partition\n/run/popinit/slot-disk\n' \
		> "$1/etc/payload.files"
}
# slotstate NAME: "a P T S b P T S" of the disk, as cgpt reads it
slotstate() {
	for i in 1 2; do
		printf '%s %s %s %s ' "$([ $i = 1 ] && echo a || echo b)" "$(cgpt show -i $i -P "$w/$1.disk" 2>&1)" \
			"$(cgpt show -i $i -T "$w/$1.disk" 2>&1)" "$(cgpt show -i $i -S "$w/$1.disk" 2>&1)"
	done
}
# slotcheck NAME WANT: the disk's state after the boot, both copies valid
slotcheck() {
	got=$(slotstate "$1")
	v=$("$p" slot -d "$w/$1.disk" -n rootfs 2>&1 | head -n 1)
	case $v in *"GPT primary valid, backup valid") ;; *) got="$got ($v)" ;; esac
	if [ "$got" = "$2" ]; then echo "PASS boot/$1-state"; else echo "FAIL boot/$1-state: cgpt reads $got, not $2"; fi
}

# the fallback in the same boot, after a power cut: b was being set on
# trial when the cut came after its primary entries (the kernel, seeing no
# valid primary, makes no partitions); popinit repairs the primary from
# the backup, has the kernel read the partitions, picks b (on trial: a try
# spent), finds no init in it, gives it up (tries 0) and boots a
if want_s slots-fallback; then
	slotroot "$w/slots-fallback.a" "slot a"
	rm -rf "$w/slots-fallback.b"; mkdir -p "$w/slots-fallback.b/etc"; echo "slot b" > "$w/slots-fallback.b/etc/x"
	printf '/bin/popinit slot\n' > "$w/slots-fallback.a/etc/payload.run"
	slotdisk slots-fallback
	cgpt add -i 1 -P 1 -S 1 "$w/slots-fallback.disk"
	POPINIT_TEST_CUT=3 "$p" slot -d "$w/slots-fallback.disk" -n rootfs -a b -t 3 > /dev/null 2>&1
	"$p" slot -d "$w/slots-fallback.disk" -n rootfs 2>&1 | grep -q 'GPT primary damaged, backup valid' ||
		echo "FAIL boot/slots-fallback-setup: the cut did not leave the primary damaged"
	base slots-fallback "file /initramfs.d/10-modules.img $w/m-plain.img 0644 0 0"
	boot slots-fallback "popinit.slots=rootfs" $(disk slots-fallback)
	expect slots-fallback 'popinit: warning: repaired the primary GPT of /dev/vda \(entries CRC mismatch\)' \
		'popinit: slot b: /dev/vda2, priority 2, on trial: one try spent, 2 tries left' \
		'popinit: warning: slot b given up: no init in its root; its tries are 0$' \
		'popinit: slot a: /dev/vda1, priority 1, successful, 0 tries left' \
		'^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@FILE /etc/x=slot a$' '^@@FILE /run/popinit/slot=a$' \
		'^@@FILE /run/popinit/slot-name=rootfs$' '^@@FILE /run/popinit/slot-device=/dev/vda1$' '^@@FILE /run/popinit/slot-partition=1$' \
		'^@@FILE /run/popinit/slot-disk=/dev/vda$' '^a: partition=1 priority=1 tries=0 successful=1 bootable running next$' \
		'^@@RUN /bin/popinit slot=0$' '!Attempted to kill init' '!popinit: fatal'
	slotcheck slots-fallback "a 1 0 1 b 2 0 0 "
	# the kernel made the partitions only when popinit had it read them again
	rep=$(grep -n 'repaired the primary GPT' "$w/slots-fallback.txt" | head -n 1 | cut -d: -f1)
	parts=$(grep -n ' vda: vda1 vda2 vda3 vda4' "$w/slots-fallback.txt" | head -n 1 | cut -d: -f1)
	[ -n "$rep" ] && [ -n "$parts" ] && [ "$parts" -gt "$rep" ] && echo "PASS boot/slots-fallback-partitions-after-repair" ||
		echo "FAIL boot/slots-fallback-partitions-after-repair: the kernel's partitions at line ${parts:-none}, the repair at ${rep:-none}"
fi

# no bootable slot: a has no tries left (skipped, untouched), b is on
# trial with its last try (spent) but holds no init (given up); the image
# of popinit.image=PARTLABEL=fw_@ came from fw_b, the slot chosen then;
# the failure policy names each slot and why: the shell (the payload as
# /bin/sh shows rootfs), then panic=-1 (the kernel's own line: popinit's
# last one may not reach the serial console before the reboot)
if want_s slots-none; then
	rm -rf "$w/slots-none.a" "$w/slots-none.b"; mkdir -p "$w/slots-none.a/etc" "$w/slots-none.b/etc"
	for s in a b; do printf 'fw %s\n' $s > "$w/fw$s.txt"; printf 'dir /etc 0755 0 0\nfile /etc/fw %s 0644 0 0\n' "$w/fw$s.txt" |
		"$p" mkimage -t 100000 -o "$w/slots-none.fw$s" -; done
	slotdisk slots-none
	cgpt add -i 1 -P 1 -T 0 -S 0 "$w/slots-none.disk" && cgpt add -i 2 -P 2 -T 1 -S 0 "$w/slots-none.disk"
	printf '/etc/fw\n/run/popinit/slot\n' > "$w/slots-none.files"
	base slots-none "file /initramfs.d/10-modules.img $w/m-plain.img 0644 0 0" "dir /bin 0755 0 0" \
		"file /bin/sh $w/payload 0755 0 0" "dir /etc 0755 0 0" "file /etc/payload.files $w/slots-none.files 0644 0 0"
	boot slots-none "popinit.slots=rootfs popinit.image=PARTLABEL=fw_@ popinit.shell" $(disk slots-none)
	expect slots-none 'popinit: slot a \(rootfs_a\) skipped: no tries left and never successful' \
		'popinit: slot b: /dev/vda2, priority 2, on trial: one try spent, 0 tries left' \
		'popinit: warning: slot b given up: no init in its root; its tries are 0$' \
		'popinit: fatal: no bootable slot rootfs on /dev/vda: a: no tries left and never successful; b: no init in its root$' \
		'^@@PAYLOAD pid=[0-9]+ argv0=sh ' '^@@FILE /etc/fw=fw b$' '^@@FILE /run/popinit/slot MISSING$' \
		'reboot: Restarting system' '!Attempted to kill init' '!Kernel panic' '!@@PAYLOAD pid=1 '
	slotcheck slots-none "a 1 0 0 b 2 0 0 "
fi

# the reboot loop: b, on trial with 2 tries, crashes after each boot (its
# init exits: the kernel panics, panic=-1 reboots); three boots of the same
# disk: b, b, then a (on trial too: its one try spent), whose init runs
# popinit bless: a is successful
if want_s slots-reboot-loop; then
	slotroot "$w/slots-reboot-loop.a" "slot a"
	printf '/bin/popinit bless\n/bin/popinit slot\n' > "$w/slots-reboot-loop.a/etc/payload.run"
	slotroot "$w/slots-reboot-loop.b" "slot b"
	: > "$w/slots-reboot-loop.b/etc/payload.crash"
	slotdisk slots-reboot-loop
	cgpt add -i 1 -P 1 -T 1 -S 0 "$w/slots-reboot-loop.disk" && cgpt add -i 2 -P 2 -T 2 -S 0 "$w/slots-reboot-loop.disk"
	base slots-reboot-loop "file /initramfs.d/10-modules.img $w/m-plain.img 0644 0 0"
	round=0
	for st in "a 1 1 0 b 2 1 0 " "a 1 1 0 b 2 0 0 " "a 1 0 1 b 2 0 0 "; do
		round=$((round + 1))
		r=slots-reboot-loop-$round
		boot slots-reboot-loop "popinit.slots=rootfs" $(disk slots-reboot-loop)
		cp "$w/slots-reboot-loop.txt" "$w/$r.txt"
		if [ $round -lt 3 ]; then
			expect "$r" "popinit: slot b: /dev/vda2, priority 2, on trial: one try spent, $((2 - round)) tries left" \
				'^@@FILE /etc/x=slot b$' '^@@FILE /run/popinit/slot=b$' '^@@CRASH$' 'Attempted to kill init'
		else
			expect "$r" 'popinit: slot b \(rootfs_b\) skipped: no tries left and never successful' \
				'popinit: slot a: /dev/vda1, priority 1, on trial: one try spent, 0 tries left' \
				'^@@FILE /etc/x=slot a$' '^@@FILE /run/popinit/slot=a$' \
				'popinit: slot a \(rootfs_a on /dev/vda\) marked successful' '^@@RUN /bin/popinit bless=0$' \
				'^a: partition=1 priority=1 tries=0 successful=1 bootable running next$' '!@@CRASH' '!Attempted to kill init'
		fi
		got=$(slotstate slots-reboot-loop)
		[ "$got" = "$st" ] && echo "PASS boot/$r-state" || echo "FAIL boot/$r-state: cgpt reads $got, not $st"
	done
fi

# --- issue 15: verified, read-only and layered roots ---------------------
# One module image for them all; the disks are made here from real tools:
# mkfs.erofs, mksquashfs, mkfs.ext4 -d, veritysetup format, sfdisk.
roots_any() { for s in verity-signed-volatile verity-signed-mismatch verity-wrong-hash verity-image-corrupt \
	verity-image-panic image-overlay-persist root-9p; do want_s $s && return 0; done; return 1; }
if roots_any; then
	modules m-roots none virtio_pci virtio_blk ext4 erofs squashfs dm-verity loop overlay 9p 9pnet_virtio
	# uuid HEX32: the UUID systemd makes of 128 bits of a root hash
	uuid() { echo "$1" | sed 's/^\(.\{8\}\)\(.\{4\}\)\(.\{4\}\)\(.\{4\}\)\(.\{12\}\).*/\1-\2-\3-\4-\5/'; }
	# vformat DATA HASH: veritysetup format, the root hash printed
	vformat() { rm -f "$2"; veritysetup format "$1" "$2" 2> "$2.err" | sed -n 's/^Root hash:[[:space:]]*//p'; }
	# a GPT disk: an erofs root (payload as /sbin/init) and its verity
	# hash tree, partitions named by the root hash as systemd-repart does
	rootdir verity
	printf 'before\n' > "$w/verity.root/etc/w"
	printf '/etc/w after1\n' > "$w/verity.root/etc/payload.write"
	printf '/etc/w\n/sys/block/dm-0/dm/name\n' > "$w/verity.root/etc/payload.files"
	rm -f "$w/verity.erofs"
	mkfs.erofs --quiet "$w/verity.erofs" "$w/verity.root" > /dev/null 2>&1
	vroot=$(vformat "$w/verity.erofs" "$w/verity.hash")
	rm -f "$w/verity.disk"; truncate -s 24M "$w/verity.disk"
	printf 'label: gpt\nsize=12M, name="vdata", uuid=%s\nsize=4M, name="vhash", uuid=%s\n' \
		"$(uuid "$vroot")" "$(uuid "$(echo "$vroot" | tail -c 33)")" | sfdisk -q "$w/verity.disk"
	for i in 0 1; do
		start=$(sfdisk -J "$w/verity.disk" | python3 -c "import json,sys; print(json.load(sys.stdin)['partitiontable']['partitions'][$i]['start'])")
		f=$w/verity.erofs; [ $i = 1 ] && f=$w/verity.hash
		dd if="$f" of="$w/verity.disk" bs=512 seek="$start" conv=notrunc status=none
	done
	# the modules image signed with the root hash in its manifest
	sigkeys
	"$p" sign -k "$w/sig-ec.key" -n 10-modules -V 1 --roothash "$vroot" "$w/m-roots.img" "$w/m-roots-signed.img"
	vbase() { # vbase NAME [signed]
		if [ -n "${2:-}" ]; then
			base "$1" "file /initramfs.d/10-modules.img $w/m-roots-signed.img 0644 0 0" "dir /etc 0755 0 0" \
				"dir /etc/popinit 0755 0 0" "dir /etc/popinit/keys 0755 0 0" \
				"file /etc/popinit/keys/test.pem $w/sig-ec.pub 0644 0 0"
		else
			base "$1" "file /initramfs.d/10-modules.img $w/m-roots.img 0644 0 0"
		fi
	}
fi

# the root hash signed in the modules image binds the root: no roothash=
# and no root= (/dev/mapper/root is implied), the data and hash
# partitions found by the PARTUUIDs systemd derives
# from it; a weakening option ignored; a tmpfs overlay over the erofs
# root (systemd.volatile=overlay), its layers under /run/popinit
if want_s verity-signed-volatile; then
	vbase verity-signed-volatile signed
	boot verity-signed-volatile "rootwait systemd.volatile=overlay systemd.verity_root_options=ignore-corruption" \
		$(disk verity)
	expect verity-signed-volatile \
		"popinit: /initramfs.d/10-modules.img: verified \"10-modules\" version 1, ecdsa-sha256 by key [0-9a-f]+, root hash $vroot\$" \
		'popinit: warning: systemd.verity_root_options: 1 weakening option\(s\) left out: the root hash is signed' \
		"popinit: verity data device PARTUUID=$(uuid "$vroot") is /dev/vda1" \
		'popinit: /dev/mapper/root is /dev/dm-0: dm-verity, data /dev/vda1, hash /dev/vda2, signed root hash' \
		'^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@MOUNT / overlay$' '^@@MOUNT /run/popinit/lower erofs$' \
		'^@@MOUNT /run/popinit/overlay tmpfs$' '^@@MODULE dm_verity$' '^@@WROTE /etc/w=0$' '^@@FILE /etc/w=after1$' \
		'^@@FILE /sys/block/dm-0/dm/name=root$'
fi

# a roothash= on the command line that is not the signed one: refused
# before any device is touched; the failure policy (panic=-1)
if want_s verity-signed-mismatch; then
	vbase verity-signed-mismatch signed
	other=$(echo "$vroot" | tr '0-9a-f' '1-9a-f0')
	boot verity-signed-mismatch "roothash=$other rootwait" $(disk verity)
	expect verity-signed-mismatch "popinit: fatal: roothash=$other: refused: /initramfs.d/10-modules.img signs $vroot\$" \
		'popinit: fatal: rebooting now \(panic=-1\)' '!@@PAYLOAD' '!dm-verity'
fi

# a wrong root hash (no signature): the device is made, its first block
# does not verify through it (the kernel says which block), refused with
# the devices named; the failure policy, never a dead init
if want_s verity-wrong-hash; then
	vbase verity-wrong-hash
	other=$(echo "$vroot" | tr '0-9a-f' '1-9a-f0')
	boot verity-wrong-hash "roothash=$other systemd.verity_root_data=PARTLABEL=vdata systemd.verity_root_hash=PARTLABEL=vhash rootwait" \
		$(disk verity)
	expect verity-wrong-hash 'device-mapper: verity: 25[0-9]:[0-9]+: metadata block [0-9]+ is corrupted' \
		'popinit: fatal: verity root \(data /dev/vda1, hash /dev/vda2\): refused: block 0 does not verify: a wrong root hash, or data and hash devices that do not match: I/O error$' \
		'popinit: fatal: rebooting now \(panic=-1\)' '!@@PAYLOAD' '!Attempted to kill init'
fi

# a root image file (ext4) and its hash tree, files of the host file
# system (ext4, by its label), under dm-verity; one byte of a file's data
# block changed after formatting: the system boots, and reading that file
# fails with EIO (never the changed data); the host stays under /run.
# With panic-on-corruption the same read panics the kernel.
if want_s verity-image-corrupt || want_s verity-image-panic; then
	rootdir vimg
	awk 'BEGIN { for (i = 0; i < 400; i++) printf "popinit-verity-marker-%04d\n", i }' > "$w/vimg.root/etc/x"
	printf '/etc/x\n' > "$w/vimg.root/etc/payload.files"
	rm -rf "$w/vhost"; mkdir -p "$w/vhost/images"
	truncate -s 8M "$w/vhost/images/root.img"
	mkfs.ext4 -q -F -b 4096 -d "$w/vimg.root" "$w/vhost/images/root.img"
	vimgroot=$(vformat "$w/vhost/images/root.img" "$w/vhost/images/root.hash")
	off=$(grep -obUa 'popinit-verity-marker-0100' "$w/vhost/images/root.img" | head -n 1 | cut -d: -f1)
	printf 'X' | dd of="$w/vhost/images/root.img" bs=1 seek="$off" conv=notrunc status=none
	rm -f "$w/vimg.disk"; truncate -s 32M "$w/vimg.disk"
	mkfs.ext4 -q -F -L host -d "$w/vhost" "$w/vimg.disk"
	vcmd="root=LABEL=host rootwait popinit.root-image=/images/root.img systemd.verity_root_hash=/images/root.hash roothash=$vimgroot"
fi
if want_s verity-image-corrupt; then
	vbase verity-image-corrupt
	boot verity-image-corrupt "$vcmd" $(disk vimg)
	expect verity-image-corrupt 'popinit: /images/root.img is on /dev/loop0' 'popinit: /images/root.hash is on /dev/loop1' \
		'popinit: /dev/mapper/root is /dev/dm-0: dm-verity, data /dev/loop0, hash /dev/loop1, given root hash' \
		'^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@MOUNT / ext4$' '^@@MOUNTOPT / ro,' '^@@MOUNT /run/popinit/host ext4$' \
		'^@@FILE /etc/x ERROR I/O error$' 'device-mapper: verity: 7:0: data block [0-9]+ is corrupted' \
		'!^@@FILE /etc/x=' '!Attempted to kill init'
fi
if want_s verity-image-panic; then
	vbase verity-image-panic
	boot verity-image-panic "$vcmd systemd.verity_root_options=panic-on-corruption" $(disk vimg)
	expect verity-image-panic '^@@PAYLOAD pid=1 argv0=/sbin/init ' 'Kernel panic - not syncing: dm-verity device corrupted' \
		'!^@@FILE /etc/x' '!Attempted to kill init'
fi

# a squashfs root image on the host partition, a persistent overlay on
# another: what the first boot writes, the second finds (it writes nothing)
if want_s image-overlay-persist; then
	rootdir sqroot
	printf 'before\n' > "$w/sqroot.root/etc/w"
	printf '/etc/w after1\n' > "$w/sqroot.root/etc/payload.write"
	printf '/etc/w\n' > "$w/sqroot.root/etc/payload.files"
	rm -rf "$w/sqhost"; mkdir -p "$w/sqhost/images"
	mksquashfs "$w/sqroot.root" "$w/sqhost/images/root.sqfs" -quiet -noappend
	rm -f "$w/sqhost.fs" "$w/ovl.fs"; truncate -s 16M "$w/sqhost.fs" "$w/ovl.fs"
	mkfs.ext4 -q -F -d "$w/sqhost" "$w/sqhost.fs"
	mkfs.ext4 -q -F "$w/ovl.fs"
	rm -f "$w/sq.disk"; truncate -s 40M "$w/sq.disk"
	printf 'label: gpt\nsize=16M, name="host"\nsize=16M, name="ovl"\n' | sfdisk -q "$w/sq.disk"
	for i in 0 1; do
		start=$(sfdisk -J "$w/sq.disk" | python3 -c "import json,sys; print(json.load(sys.stdin)['partitiontable']['partitions'][$i]['start'])")
		f=$w/sqhost.fs; [ $i = 1 ] && f=$w/ovl.fs
		dd if="$f" of="$w/sq.disk" bs=512 seek="$start" conv=notrunc status=none
	done
	vbase image-overlay-persist
	sqcmd="root=PARTLABEL=host rootwait popinit.root-image=/images/root.sqfs popinit.overlay=PARTLABEL=ovl"
	boot image-overlay-persist "$sqcmd" $(disk sq)
	expect image-overlay-persist '^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@MOUNT / overlay$' \
		'^@@MOUNT /run/popinit/host ext4$' '^@@MOUNT /run/popinit/lower squashfs$' '^@@MOUNT /run/popinit/overlay ext4$' \
		'^@@WROTE /etc/w=0$' '^@@FILE /etc/w=after1$'
	cp "$w/image-overlay-persist.txt" "$w/image-overlay-persist.1.txt"
	boot image-overlay-persist "$sqcmd PAYLOAD_NOWRITE=1" $(disk sq)
	cp "$w/image-overlay-persist.txt" "$w/image-overlay-persist-next-boot.txt"
	expect image-overlay-persist-next-boot '^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@MOUNT / overlay$' '!@@WROTE' '^@@FILE /etc/w=after1$'
fi

# a root that is no block device: a 9p share (QEMU -virtfs), the kernel's
# syntax; 9pnet_virtio by coldplug, 9p by the type.  (virtiofs needs
# virtiofsd, which Debian 12 does not package: not tested here.)
if want_s root-9p; then
	rootdir root-9p
	printf 'on the 9p root\n' > "$w/root-9p.root/etc/x"
	printf '/etc/x\n' > "$w/root-9p.root/etc/payload.files"
	vbase root-9p
	boot root-9p "root=popinit-root rootfstype=9p rootflags=trans=virtio,version=9p2000.L" \
		-virtfs "local,path=$w/root-9p.root,mount_tag=popinit-root,security_model=none,readonly=on"
	expect root-9p '^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@MOUNT / 9p$' '^@@MODULE 9pnet_virtio$' \
		'^@@FILE /etc/x=on the 9p root$'
fi
