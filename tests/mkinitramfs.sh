#!/bin/sh
# mkinitramfs.sh: what a new user does, each step a test (issue 17):
#   install   make install into a DESTDIR: exactly the files it should
#             write, with their modes; the installed popinit and man pages
#             work; BINDIR and MANDIR; make uninstall removes exactly those
#   gen       the installed popinit-mkinitramfs makes an initramfs for
#             Debian's kernel: popinit as /init, the universal modules,
#             modules.dep as the kernel's own tree says
#   boot      it boots Debian's kernel in QEMU to a virtio ext4 root, with
#             only root=LABEL= and rootwait; /run/popinit/timings is there
#   timeline  popinit timeline draws that boot, from the timings and from
#             the console log: SVG that rsvg-convert renders, the rows
#             expected, each bar where its times say
#   repro     the same input twice gives the same bytes; another
#             SOURCE_DATE_EPOCH other bytes
#   hostonly  -H: the drivers udevadm names for the root's device chain
#             (resolved by kmod's modprobe -R), and the root's file system
#   firmware  the firmware files the modules name, copied
#   signed    -k and -K: a modules image that verifies for its role
#   builtin   the list form (-l) built into the small kernel of make kernel
#             (boot/mkkernel.sh, cached in /var/cache/popinit) and booted
#   errors    a missing kernel release or module: one line, exit 100
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
w=$top/build/test/mkinitramfs
rm -rf "$w"; mkdir -p "$w"
p=$top/build/popinit
pass() { echo "PASS mkinitramfs/$1"; }
fail() { echo "FAIL mkinitramfs/$1: $2"; }
check() { # check NAME WHY CONDITION...: PASS when the command succeeds
	n=$1 why=$2; shift 2
	if "$@"; then pass "$n"; else fail "$n" "$why"; fi
}
kernel=$(sh "$top/boot/kernel.sh" "$top/build/kernel") || { fail kernel "cannot fetch Debian's kernel"; exit 0; }
kver=$(ls "$top/build/kernel/lib/modules" | head -n 1)
kmods=$top/build/kernel/lib/modules/$kver
[ -f "$kmods/modules.dep" ] || depmod -b "$top/build/kernel" "$kver"
export SOURCE_DATE_EPOCH=1700000000

# install: into a DESTDIR, with a file of someone else's beside
d=$w/dest
mkdir -p "$d/usr/bin"; echo other > "$d/usr/bin/other"
make -s -C "$top" install DESTDIR="$d" PREFIX=/usr > "$w/install.log" 2>&1 || fail install "make install failed: $(tail -n 2 "$w/install.log")"
(cd "$d" && find . ! -type d -printf '%m %p\n' | LC_ALL=C sort) > "$w/installed"
cat > "$w/expected" <<L
644 ./usr/bin/other
644 ./usr/share/man/man7/popinit.7
644 ./usr/share/man/man8/popinit-mkinitramfs.8
644 ./usr/share/man/man8/popinit-sign-image.8
644 ./usr/share/man/man8/popinit.8
755 ./usr/bin/popinit
755 ./usr/bin/popinit-mkinitramfs
755 ./usr/bin/popinit-sign-image
L
check install/files "wrote: $(tr '\n' ';' < "$w/installed")" cmp -s "$w/installed" "$w/expected"
check install/binary "the installed popinit is not build/popinit" cmp -s "$d/usr/bin/popinit" "$p"
MANPATH=$d/usr/share/man MANWIDTH=80 man popinit-mkinitramfs > "$w/man.txt" 2>&1
check install/man-found "man popinit-mkinitramfs with MANPATH: $(head -n 1 "$w/man.txt")" \
	grep -q 'make an initramfs with popinit as /init' "$w/man.txt"
make -s -C "$top" install DESTDIR="$w/dest2" BINDIR=/opt/pi/sbin MANDIR=/opt/pi/man > "$w/install2.log" 2>&1
check install/bindir-mandir "BINDIR=/opt/pi/sbin MANDIR=/opt/pi/man not honoured" \
	test -x "$w/dest2/opt/pi/sbin/popinit-mkinitramfs" -a -f "$w/dest2/opt/pi/man/man7/popinit.7" \
	-a ! -e "$w/dest2/usr/local/bin/popinit"
G=$d/usr/bin/popinit-mkinitramfs

# gen: the universal set for Debian's kernel
if "$G" -b "$top/build/kernel" -o "$w/initrd.img" "$kver" 2> "$w/gen.err"; then
	"$p" list "$w/initrd.img" > "$w/initrd.list" 2>&1
	mkdir -p "$w/x"; "$p" unpack --root "$w/x" "$w/initrd.img"
	"$p" list "$w/x/initramfs.d/10-modules.img" > "$w/modules.list" 2>&1
	mkdir -p "$w/xm"; "$p" unpack --root "$w/xm" "$w/x/initramfs.d/10-modules.img"
	why=
	cmp -s "$w/x/init" "$d/usr/bin/popinit" || why="$why; /init is not the installed popinit"
	for m in virtio_blk.ko virtio_pci.ko ext4.ko jbd2.ko dm-verity.ko dm-mod.ko xfs.ko nvme.ko ahci.ko sd_mod.ko; do
		grep -q "/$m\$" "$w/modules.list" || why="$why; no $m"
	done
	grep -q ' 2023-11-14 22:13:20 init$' "$w/initrd.list" || why="$why; /init's mtime is not SOURCE_DATE_EPOCH's"
	# the dependencies depmod found are the kernel's own (in any order)
	for m in fs/ext4/ext4.ko drivers/md/dm-verity.ko drivers/block/virtio_blk.ko; do
		a=$(grep "^kernel/$m:" "$kmods/modules.dep" | tr ' ' '\n' | sort | tr '\n' ' ')
		b=$(grep "^kernel/$m:" "$w/xm/lib/modules/$kver/modules.dep" | tr ' ' '\n' | sort | tr '\n' ' ')
		[ -n "$a" ] && [ "$a" = "$b" ] || why="$why; modules.dep of $m: '$b', the kernel's: '$a'"
	done
	[ -z "$why" ] && pass gen || fail gen "${why#; }"
else
	fail gen "$(tail -n 2 "$w/gen.err" | tr '\n' ' ')"
fi

# boot: Debian's kernel, the generated initramfs, a virtio ext4 root
# (two CPUs: two loader threads), nothing on the command line but the root
musl-gcc -static -Os -o "$w/payload" "$top/tests/boot/payload.c" || fail boot "payload.c did not build"
r=$w/root
mkdir -p "$r/sbin" "$r/etc" "$r/proc" "$r/sys" "$r/dev" "$r/run"
cp "$w/payload" "$r/sbin/init"
echo /run/popinit/timings > "$r/etc/payload.cat"
truncate -s 64M "$w/root.disk"
mkfs.ext4 -q -F -L popinit-root -d "$r" "$w/root.disk"
sh "$top/boot/qemu.sh" "$kernel" "$w/initrd.img" "$w/boot.log" "root=LABEL=popinit-root rootwait" 180 \
	-smp 2 -drive "file=$w/root.disk,format=raw,if=virtio" > /dev/null 2>&1
tr -d '\r' < "$w/boot.log" > "$w/boot.txt"
why=
for pat in '^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@MOUNT / ext4$' '^@@MODULE virtio_blk$' '^@@MODULE ext4$' \
	'popinit: switching root to LABEL=popinit-root, init /sbin/init' '^@@CAT /run/popinit/timings: popinit-timings 1$'; do
	grep -qE -- "$pat" "$w/boot.txt" || why="$why; missing: $pat"
done
[ -z "$why" ] && pass boot || fail boot "${why#; } (log: $w/boot.txt)"
sed -n 's|^@@CAT /run/popinit/timings: ||p' "$w/boot.txt" > "$w/timings"

# timeline: the installed popinit draws it; rsvg-convert renders it
svg_rows() { # the row labels of an SVG, one a line
	python3 -c 'import sys, xml.etree.ElementTree as E
n = "{http://www.w3.org/2000/svg}"
for g in E.parse(sys.argv[1]).getroot().iter(n + "g"):
	t = g.find(n + "text"); print(t.text)' "$1"
}
timeline() { # timeline NAME INPUT ROW...: the chart of INPUT has these rows
	n=$1 in=$2; shift 2
	if ! "$d/usr/bin/popinit" timeline -t "test $n" -o "$w/$n.svg" "$in" 2> "$w/$n.err"; then
		fail "timeline/$n" "popinit timeline failed: $(head -n 1 "$w/$n.err")"; return
	fi
	if ! rsvg-convert -o "$w/$n.png" "$w/$n.svg" 2> "$w/$n.rsvg" || [ "$(head -c 4 "$w/$n.png" | od -An -c | tr -d ' ')" != '211PNG' ]; then
		fail "timeline/$n" "rsvg-convert did not render it: $(head -n 1 "$w/$n.rsvg")"; return
	fi
	svg_rows "$w/$n.svg" > "$w/$n.rows" 2> "$w/$n.parse" || { fail "timeline/$n" "not XML: $(tail -n 1 "$w/$n.parse")"; return; }
	why=
	for row; do grep -qxE -- "$row" "$w/$n.rows" || why="$why; no row '$row'"; done
	[ -z "$why" ] && pass "timeline/$n" || fail "timeline/$n" "${why#; } (rows: $(tr '\n' ';' < "$w/$n.rows"))"
}
timeline timings "$w/timings" "kernel $kver" 'setup' 'image /initramfs.d/10-modules.img' 'modules' \
	'module virtio_blk \[[12]\]' 'module ext4 \[[12]\]' 'root LABEL=popinit-root' 'init /sbin/init'
timeline console "$w/boot.txt" 'kernel' 'unpack 1 image, [0-9]+ KB, [0-9]+ files' 'modules [0-9]+ modules \([0-9]+ devices\)' \
	'root LABEL=popinit-root' 'init /sbin/init'
# the same log as /dev/kmsg records ("PRIO,SEQ,USEC,FLAGS;MESSAGE"): the same rows
awk 'match($0, /^\[ *[0-9]+\.[0-9]+\] /) { t = substr($0, 2, RLENGTH - 3); sub(/^ */, "", t); split(t, a, ".")
	printf "6,%d,%d,-;%s\n", NR, a[1] * 1000000 + a[2], substr($0, RLENGTH + 1) }' "$w/boot.txt" > "$w/kmsg"
timeline kmsg "$w/kmsg" 'kernel' 'unpack 1 image, [0-9]+ KB, [0-9]+ files' 'modules [0-9]+ modules \([0-9]+ devices\)' \
	'root LABEL=popinit-root' 'init /sbin/init'
[ -f "$w/kmsg.rows" ] && [ -f "$w/console.rows" ] && check timeline/kmsg-as-console "the kmsg form gave other rows" \
	cmp -s "$w/kmsg.rows" "$w/console.rows"
# each bar where its times say: x = 300 + start * 710 / last end
if [ -f "$w/timings.svg" ]; then
	python3 - "$w/timings.svg" "$w/timings" > "$w/bars.txt" 2>&1 <<'PY'
import sys, xml.etree.ElementTree as E
n = "{http://www.w3.org/2000/svg}"
rows = [l.split(" ", 4) for l in open(sys.argv[2]).read().splitlines()[1:]]
last = max(int(r[2]) for r in rows)
bad = 0
for g in E.parse(sys.argv[1]).getroot().iter(n + "g"):
	label = g.find(n + "text").text
	shape = g.find(n + "rect")
	if shape is None:
		continue
	x, wd = float(shape.get("x")), float(shape.get("width"))
	match = [r for r in rows if (r[0] + ("" if r[4] == "-" else " " + r[4])) == label.split(" [")[0]]
	if not match:
		print("no row for", label); bad += 1; continue
	s, e = int(match[0][1]), int(match[0][2])
	if abs(x - (300 + s * 710 / last)) > 0.2 or abs(wd - max(1, (e - s) * 710 / last)) > 0.2:
		print("bar of", label, "at", x, wd, "not", s, e); bad += 1
print("bad", bad)
PY
	check timeline/bars-at-their-times "$(head -n 3 "$w/bars.txt" | tr '\n' ' ')" grep -qx 'bad 0' "$w/bars.txt"
fi
# module loads in parallel: their bars overlap, each in its own row
printf 'popinit-timings 1\nmodules 1000000 2000000 0 -\nmodule 1100000 1500000 1 a\nmodule 1200000 1400000 2 b\n' > "$w/par"
timeline parallel "$w/par" 'modules' 'module a \[1\]' 'module b \[2\]'
grep -c '<rect x="[0-9.]*" y="[0-9]*" width' "$w/parallel.svg" 2>/dev/null | grep -qx 3 &&
	grep -q 'width="142.0"' "$w/parallel.svg" && grep -q 'width="71.0"' "$w/parallel.svg" &&
	pass timeline/parallel-bars || fail timeline/parallel-bars "the overlapping loads are not drawn as their times say"
"$d/usr/bin/popinit" timeline -o "$w/none.svg" "$w/expected" 2> "$w/none.err"
rc=$?
check timeline/not-a-timeline "rc $rc: $(cat "$w/none.err")" \
	grep -q "^popinit: fatal: $w/expected: neither popinit's timings nor a log with popinit's lines\$" "$w/none.err"

# repro: a smaller set, twice; then another epoch
small="-M -m virtio_blk,ext4 -b $top/build/kernel"
"$G" $small -o "$w/r1.img" "$kver" 2> /dev/null && "$G" $small -o "$w/r2.img" "$kver" 2> /dev/null &&
	SOURCE_DATE_EPOCH=1700000001 "$G" $small -o "$w/r3.img" "$kver" 2> /dev/null
check repro/same-bytes "two runs differ" cmp -s "$w/r1.img" "$w/r2.img"
check repro/epoch-matters "SOURCE_DATE_EPOCH did not change the bytes" test -s "$w/r3.img" -a -s "$w/r1.img"
cmp -s "$w/r1.img" "$w/r3.img" && fail repro/epoch-matters-bytes "another SOURCE_DATE_EPOCH gave the same bytes"

# hostonly: what udevadm sees of the root's device chain, resolved by kmod
modules_of() { # the .ko names in the modules image of initramfs $1
	rm -rf "$w/mo"; mkdir -p "$w/mo"
	"$p" unpack --root "$w/mo" "$1" && "$p" list "$w/mo/initramfs.d/10-modules.img" | sed -n 's|.*/\([^/]*\)\.ko$|\1|p' | tr - _ | sort -u
}
if "$G" -H -c gzip -b "$top/build/kernel" -o "$w/host.img" "$kver" 2> "$w/host.err"; then
	modules_of "$w/host.img" > "$w/host.mods"
	set -- $(findmnt -n -o SOURCE,FSTYPE /)
	rootdev=$1 rootfs=$2
	: > "$w/host.want"
	for a in $(udevadm info -a -n "$rootdev" 2>/dev/null | sed -n 's/^ *DRIVERS=="\(..*\)"/\1/p'); do
		modprobe -d "$top/build/kernel" -S "$kver" -R "$a" 2>/dev/null | tr - _ >> "$w/host.want"
	done
	echo "$rootfs" >> "$w/host.want"
	why=
	[ "$(wc -l < "$w/host.want")" -ge 2 ] || why="; udevadm named no module for $rootdev"
	for m in $(sort -u "$w/host.want"); do grep -qx "$m" "$w/host.mods" || why="$why; no $m"; done
	for m in xfs btrfs nvme; do
		[ "$m" = "$rootfs" ] || ! grep -qx "$m" "$w/host.mods" || why="$why; $m is not this machine's"
	done
	[ -z "$why" ] && pass hostonly || fail hostonly "${why#; } (has: $(tr '\n' ' ' < "$w/host.mods"))"
else
	fail hostonly "$(tail -n 1 "$w/host.err")"
fi

# firmware: the files a module names, from -F
ko=$(find "$kmods" -name e100.ko | head -n 1)
fw=$(modinfo -F firmware "$ko" 2>/dev/null | head -n 1)
if [ -n "$fw" ]; then
	mkdir -p "$w/fw/$(dirname "$fw")"
	head -c 5000 /dev/urandom > "$w/fw/$fw"
	"$G" -M -m e100 -c gzip -F "$w/fw" -b "$top/build/kernel" -o "$w/fw.img" "$kver" 2> "$w/fw.err"
	rm -rf "$w/xf"; mkdir -p "$w/xf/m"
	"$p" unpack --root "$w/xf" "$w/fw.img" && "$p" unpack --root "$w/xf/m" "$w/xf/initramfs.d/10-modules.img"
	nmiss=$(modinfo -F firmware "$ko" | wc -l)
	check firmware "lib/firmware/$fw not copied, or the $((nmiss - 1)) missing not said: $(cat "$w/fw.err")" \
		cmp -s "$w/fw/$fw" "$w/xf/m/lib/firmware/$fw"
	[ "$(grep -c 'warning: no firmware' "$w/fw.err")" -eq $((nmiss - 1)) ] ||
		fail firmware-missing-said "$(grep -c 'warning: no firmware' "$w/fw.err") of $((nmiss - 1)) missing said"
else
	fail firmware "e100 of $kver names no firmware"
fi

# signed: the modules image verifies for its role with the trusted key
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$w/k.pem" 2>/dev/null &&
	openssl pkey -in "$w/k.pem" -pubout -out "$w/k.pub"
"$G" -M -m virtio_blk -c gzip -k "$w/k.pem" -K "$w/k.pub" -b "$top/build/kernel" -o "$w/signed.img" "$kver" 2> "$w/signed.err"
rm -rf "$w/xs"; mkdir -p "$w/xs"
"$p" unpack --root "$w/xs" "$w/signed.img"
"$p" verify -k "$w/k.pub" -N "$w/xs/initramfs.d/10-modules.img" > "$w/verify.out" 2>&1
check signed "$(cat "$w/verify.out" "$w/signed.err" | head -n 2)" \
	cmp -s "$w/k.pub" "$w/xs/etc/popinit/keys/k.pub"
grep -q 'verified: name=10-modules version=1700000000 ' "$w/verify.out" && pass signed-verifies ||
	fail signed-verifies "$(head -n 1 "$w/verify.out")"
# -P sha384: the images' manifests carry the payload's SHA-384 too
"$G" -M -m virtio_blk -c gzip -k "$w/k.pem" -P sha384 -b "$top/build/kernel" -o "$w/signed384.img" "$kver" 2> "$w/signed384.err"
rm -rf "$w/xs384"; mkdir -p "$w/xs384"
"$p" unpack --root "$w/xs384" "$w/signed384.img"
m=$w/xs384/initramfs.d/10-modules.img
size=$("$p" list "$m" 2> /dev/null | sed -n 's/^#   payload-size=//p')
want=$(head -c "${size:-0}" "$m" 2> /dev/null | openssl dgst -sha384 -r | cut -c1-96)
if [ -n "$size" ] && "$p" list "$m" | grep -q "^#   payload-sha384=$want\$" &&
   "$p" verify -k "$w/k.pub" -N "$m" > /dev/null 2>&1; then
	pass signed-sha384
else fail signed-sha384 "$(cat "$w/signed384.err" | head -n 2)"; fi

# builtin: the list form in the small kernel (no modules: -N), an image
# bringing the payload as /sbin/init; the kernel execs popinit from its
# own initramfs, no initrd (popinit.keep-mounts: /run, and the timings in
# it, stay for an init of rootfs)
printf '/run/popinit/timings\n' > "$w/cat"
"$p" mkimage -o "$w/20-payload.img" - <<L
dir /sbin 0755 0 0
file /sbin/init $w/payload 0755 0 0
dir /etc 0755 0 0
file /etc/payload.cat $w/cat 0644 0 0
L
if "$G" -N -i "$w/20-payload.img" -l "$w/builtin" 2> "$w/builtin.err"; then
	why=
	for f in $(awk '$1 == "file" { print $3 }' "$w/builtin/initramfs.list"); do
		case $f in "$w/builtin/"*) [ -f "$f" ] || why="$why; $f missing" ;; *) why="$why; $f outside the directory" ;; esac
	done
	grep -qx "file /initramfs.d/20-payload.img $w/builtin/images/20-payload.img 0644 0 0" "$w/builtin/initramfs.list" ||
		why="$why; no 20-payload.img line"
	[ -z "$why" ] && pass builtin-list || fail builtin-list "${why#; }"
	if sh "$top/boot/mkkernel.sh" x86_64 "$w/builtin/initramfs.list" "$w/bzImage" 2> "$w/kernel.err"; then
		: > "$w/builtin.log"
		timeout -k 5 120 qemu-system-x86_64 -accel tcg -cpu max -m 256 -kernel "$w/bzImage" \
			-append "console=ttyS0 panic=-1 popinit.keep-mounts" -display none -monitor none -serial "file:$w/builtin.log" \
			-no-reboot > /dev/null 2>&1 &
		q=$!
		# the small kernel cannot power the pc machine off: done when the payload is
		while kill -0 $q 2>/dev/null; do
			if grep -q '^@@PAYLOAD-END' "$w/builtin.log"; then sleep 1; kill $q 2>/dev/null; break; fi
			sleep 0.5
		done
		wait $q 2>/dev/null
		tr -d '\r' < "$w/builtin.log" > "$w/builtin.txt"
		why=
		for pat in '^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@CAT /run/popinit/timings: image [0-9]+ [0-9]+ 0 /initramfs.d/20-payload.img$' \
			'^@@CAT /run/popinit/timings: init [0-9]+ [0-9]+ 0 /sbin/init$'; do
			grep -qE -- "$pat" "$w/builtin.txt" || why="$why; missing: $pat"
		done
		[ -z "$why" ] && pass builtin-boot || fail builtin-boot "${why#; } (log: $w/builtin.txt)"
	else
		fail builtin-boot "make kernel: $(tail -n 2 "$w/kernel.err" | tr '\n' ' ')"
	fi
else
	fail builtin-list "$(tail -n 1 "$w/builtin.err")"
fi

# errors: one line naming what, exit 100
"$G" -o "$w/e.img" -b "$top/build/kernel" 9.9.9-nosuch 2> "$w/e1.err"; rc1=$?
"$G" -M -m nosuchmodule -b "$top/build/kernel" -o "$w/e.img" "$kver" 2> "$w/e2.err"; rc2=$?
check errors "rc $rc1 $rc2: $(cat "$w/e1.err" "$w/e2.err" | tr '\n' ' ')" test $rc1 -eq 100 -a $rc2 -eq 100 -a \
	"$(cat "$w/e1.err")" = "popinit-mkinitramfs: fatal: no modules of 9.9.9-nosuch in $top/build/kernel/lib/modules/9.9.9-nosuch (a kernel release as uname -r prints it; -b BASE; -N: no modules)" -a \
	"$(cat "$w/e2.err")" = "popinit-mkinitramfs: fatal: module nosuchmodule not found in $kmods"
check errors-nothing-written "a failed run left $w/e.img" test ! -e "$w/e.img" -a ! -e "$w/e.img.tmp"

# uninstall: exactly what install wrote
make -s -C "$top" uninstall DESTDIR="$d" PREFIX=/usr > "$w/uninstall.log" 2>&1
left=$(cd "$d" && find . ! -type d | LC_ALL=C sort | tr '\n' ' ')
check uninstall "left: $left" test "$left" = "./usr/bin/other "
