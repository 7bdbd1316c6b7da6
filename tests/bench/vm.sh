#!/bin/sh
# vm.sh: a benchmark (not a test): the kernel unpacking an initrd against
# popinit unpacking the same bytes, in QEMU (Debian's kernel, TCG), at 1
# and 2 vCPUs; then the memory floor of each (bisecting -m).
#
#   sh tests/bench/vm.sh [REPS [SMPS [IMAGES]]]     (make bench runs it; writes build/bench/vm.md)
#
# IMAGES (default all of them):
#   itools-zstd, itools-plain   Debian's initramfs-tools initrd, MODULES=most,
#                               made on this machine by
#                               tests/corpus/initramfs-tools.regen (zstd), and
#                               the same archive plain
#   sound-gzip, sound-xz, sound-zstd, sound-lz4, sound-plain
#                               the kernel's sound modules under /bench
#                               (gzip -n, xz --check=crc32, zstd -9, lz4 -9 -l)
# Each boot ends in the same tiny init (tests/bench/stamp.c), which logs
# its exec, counts the tree and powers off:
#   k      the initrd is the image, then a small archive whose /init is the
#          stamp (it replaces initramfs-tools' /init): the kernel unpacks all
#   p      the initrd is an uncompressed archive of /init (popinit) and
#          /initramfs.d/image, whose bytes are k's initrd: popinit unpacks
#          them (popinit.modules=off: the image's own init would load them)
#   base   no image: the stamp as /init alone
#   o      as p, with another popinit (VM_OTHER=PATH: an A/B comparison)
#   d      the itools images only (VM_NO_DISK=1 skips it): k's initrd bytes
#          on a virtio disk, not in the initrd, read by popinit from the
#          device (popinit.image=/dev/vda), as the firmware and A/B-slot
#          images are; the initrd is popinit and an image of virtio_pci and
#          virtio_blk (modules in Debian's kernel, loaded first: their time
#          is in d's exec, not in its unpack).  No copy of the image into
#          rootfs comes first: what the p boots cannot avoid
#   s      as p, the image signed (ECDSA P-256, -P sha384: the guest's
#          CPU has no SHA-256 instructions, so its SHA-384 is checked) and
#          its key in /etc/popinit/keys, with popinit.timing: one in each
#          repetition, for what verifying costs (medians)
# Unpack cost = exec of the stamp minus base's (the issue's measure); the
# direct measure = the kernel's copy of the image into rootfs plus
# popinit's own unpack, against the kernel's own unpack, each from one
# boot's log (steadier: two boots' difference carries both boots' noise,
# at 1 vCPU more than a small image's unpack).  The boots of one
# repetition run one after the other, k and p alternating, so that the
# machine's load hits both alike.  One more boot of each p
# configuration with popinit.timing gives popinit's phases.  The memory
# floor (1 vCPU, the itools images; VM_NO_FLOOR=1 skips it): the smallest
# -m at which the stamp runs with the whole tree.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
reps=${1:-3}
smps=${2:-1 2}
images=${3:-itools-zstd itools-plain sound-gzip sound-xz sound-zstd sound-lz4 sound-plain}
w=build/bench
v=$w/vm
p=$top/build/popinit
mkdir -p $v
say() { printf '%s\n' "$*" >&2; }
[ -x "$p" ] || { say "vm.sh: fatal: build popinit first"; exit 111; }
kernel=$(sh boot/kernel.sh build/kernel)
kver=$(basename "$kernel" | sed 's/^vmlinuz-//')

# ---- the images ----------------------------------------------------------------
if [ ! -s $w/itools.cpio.zst ]; then
	say "vm.sh: making the Debian initrd (initramfs-tools, MODULES=most)"
	ITOOLS_POLICY=most sh tests/corpus/initramfs-tools.regen $w/itools.cpio.zst.tmp
	mv $w/itools.cpio.zst.tmp $w/itools.cpio.zst
fi
[ -s $w/itools.cpio ] || { zstd -q -dc $w/itools.cpio.zst > $w/itools.cpio.tmp && mv $w/itools.cpio.tmp $w/itools.cpio; }
# the sound modules under /bench (not lib/modules: popinit would load
# modules for the VM's devices), written by popinit mkimage
sound=$w/boot.cpio
if [ ! -s $sound ]; then
	src=build/kernel/lib/modules/$kver/kernel
	(echo "dir /bench 0755 0 0"
	 cd "$src" && find sound | LC_ALL=C sort | while read -r f; do
		if [ -d "$f" ]; then echo "dir /bench/$f 0755 0 0"
		else echo "file /bench/$f $top/$src/$f 0644 0 0"; fi
	done) | "$p" mkimage -o $sound.tmp - && mv $sound.tmp $sound
fi
[ -s $sound.gz ] || gzip -n < $sound > $sound.gz
[ -s $sound.xz ] || xz --check=crc32 -T2 < $sound > $sound.xz
[ -s $sound.zst ] || zstd -q -9 -T2 < $sound > $sound.zst
[ -s $sound.lz4 ] || lz4 -q -9 -l < $sound > $sound.lz4
file_of() {
	case $1 in
	itools-zstd) echo $w/itools.cpio.zst ;; itools-plain) echo $w/itools.cpio ;;
	sound-gzip) echo $sound.gz ;; sound-xz) echo $sound.xz ;; sound-zstd) echo $sound.zst ;;
	sound-lz4) echo $sound.lz4 ;; sound-plain) echo $sound ;;
	*) say "vm.sh: fatal: no image $1"; exit 100 ;;
	esac
}

musl-gcc -static -Os -o $v/stamp tests/bench/stamp.c
# d's modules: virtio_pci and virtio_blk with what they need, depmod'ed
if [ -z "${VM_NO_DISK:-}" ] && [ ! -s $v/mods.img ]; then
	kmods=build/kernel/lib/modules/$kver
	t=$v/mods
	rm -rf $t; mkdir -p $t/lib/modules/$kver
	for f in modules.order modules.builtin modules.builtin.modinfo; do cp $kmods/$f $t/lib/modules/$kver/; done
	for m in virtio_pci virtio_blk; do
		modprobe --show-depends -d build/kernel -S "$kver" $m | sed -n 's/^insmod \([^ ]*\).*/\1/p'
	done | sort -u | while read -r ko; do
		rel=${ko#*/lib/modules/$kver/}
		mkdir -p "$t/lib/modules/$kver/$(dirname "$rel")"
		cp "$ko" "$t/lib/modules/$kver/$rel"
	done
	depmod -b $t "$kver"
	(cd $t && find . | sed 's|^\.||' | grep . | while read -r f; do
		if [ -d "$top/$t$f" ]; then echo "dir $f 0755 0 0"; else echo "file $f $top/$t$f 0644 0 0"; fi
	done) | "$p" mkimage -t 1600000000 -o $v/mods.img -
fi
printf '%s\n' "dir /dev 0755 0 0" "nod /dev/console 0600 0 0 c 5 1" "file /init $v/stamp 0755 0 0" |
	"$p" mkimage -t 1600000000 -o $v/kbase.cpio -
cp $v/kbase.cpio $v/base.initrd
for c in $images; do
	i=$(file_of $c)
	case $c in itools-*) "$p" list $w/itools.cpio ;; *) "$p" list $sound ;; esac | grep -vc '^#' > $v/$c.entries
	# the image, NULs to a multiple of 4, the stamp's archive; lz4 after
	# it: a legacy lz4 stream has no end mark (the kernel takes the next
	# four bytes for a block's size and fails "Decoding failed", and so
	# does popinit), so nothing may follow one; the sound image has no
	# /init of its own for the stamp's to replace
	case $c in
	*-lz4) (cat $v/kbase.cpio $i) > $v/k.$c.initrd ;;
	*) (cat $i; n=$(stat -c %s $i); head -c $(( (4 - n % 4) % 4 )) /dev/zero; cat $v/kbase.cpio) > $v/k.$c.initrd ;;
	esac
	for m in p o; do
		b=$p; [ $m = o ] && b=${VM_OTHER:-}
		[ -n "$b" ] || continue
		printf '%s\n' "dir /dev 0755 0 0" "nod /dev/console 0600 0 0 c 5 1" "file /init $b 0755 0 0" \
			"dir /initramfs.d 0755 0 0" "file /initramfs.d/image $top/$v/k.$c.initrd 0644 0 0" |
			"$p" mkimage -t 1600000000 -o $v/$m.$c.initrd -
	done
	case $c in itools-*)
		if [ -z "${VM_NO_DISK:-}" ]; then
			cp $v/k.$c.initrd $v/d.$c.disk
			n=$(stat -c %s $v/d.$c.disk)
			truncate -s $(( (n + 511) / 512 * 512 )) $v/d.$c.disk
			printf '%s\n' "dir /dev 0755 0 0" "nod /dev/console 0600 0 0 c 5 1" "file /init $p 0755 0 0" \
				"dir /initramfs.d 0755 0 0" "file /initramfs.d/10-mods.img $top/$v/mods.img 0644 0 0" |
				"$p" mkimage -t 1600000000 -o $v/d.$c.initrd -
		fi ;;
	esac
	if [ ! -f $v/sig.pub ]; then
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $v/sig.pem 2> /dev/null &&
		openssl pkey -in $v/sig.pem -pubout -out $v/sig.pub
	fi
	"$p" sign -k $v/sig.pem -n image -V 1 -P sha384 $v/k.$c.initrd $v/k.$c.signed
	printf '%s\n' "dir /dev 0755 0 0" "nod /dev/console 0600 0 0 c 5 1" "file /init $p 0755 0 0" \
		"dir /etc 0755 0 0" "dir /etc/popinit 0755 0 0" "dir /etc/popinit/keys 0755 0 0" \
		"file /etc/popinit/keys/bench.pub $top/$v/sig.pub 0644 0 0" \
		"dir /initramfs.d 0755 0 0" "file /initramfs.d/image $top/$v/k.$c.signed 0644 0 0" |
		"$p" mkimage -t 1600000000 -o $v/s.$c.initrd -
done

# ---- the boots -------------------------------------------------------------------
# boot MODE IMAGE SMP MEM EXTRA: one boot; prints "kunpack punpack exec files"
# (ms from the kernel's start; NaN where a figure is missing or the tree
# is short)
boot() {
	log=$v/$1.$2.$3.log
	initrd=$v/$1.$2.initrd; [ $1 = base ] && initrd=$v/base.initrd
	if [ $1 = d ]; then
		sh boot/qemu.sh "$kernel" "$initrd" "$log" "quiet popinit.image=/dev/vda rootwait=30 $5" 300 -smp "$3" -m "$4" \
			-drive file=$v/d.$2.disk,format=raw,if=virtio,readonly=on > /dev/null 2>&1 || true
	else
		sh boot/qemu.sh "$kernel" "$initrd" "$log" "quiet popinit.modules=off $5" 300 -smp "$3" -m "$4" > /dev/null 2>&1 || true
	fi
	want=0; [ $1 = base ] || want=$(cat $v/$2.entries)
	tr -d '\r' < "$log" | awk -v want=$want '
		/^@@KMSG .*Trying to unpack/ { t0 = $2 }
		/^@@KMSG .*Freeing initrd/ { t1 = $2 }
		/^@@KMSG .*popinit: unpacked/ { for (i = 1; i <= NF; i++) if ($i == "ms") pu = $(i - 1) }
		/^@@KMSG .*bench-stamp/ { ex = $2 }
		/^@@ROOTFILES/ { n = $2 }
		END {
			ok = n >= want && ex
			printf "%s %s %s %s\n", ok && t1 ? int((t1 - t0) / 1000 + 0.5) : "NaN", ok && pu != "" ? pu : "NaN",
				ok ? int(ex / 1000 + 0.5) : "NaN", n + 0
		}'
}
load() { awk '{ print $1 " " $2 " " $3 }' /proc/loadavg; }
res=$v/res
rm -rf $res; mkdir -p $res
load0=$(load)
for r in $(seq "$reps"); do
	for s in $smps; do
		say "vm: repetition $r, $s vCPU"
		boot base none $s 1024 "" >> $res/base.$s
		for c in $images; do
			boot k $c $s 1024 "" >> $res/k.$c.$s
			boot p $c $s 1024 "" >> $res/p.$c.$s
			[ -z "${VM_OTHER:-}" ] || boot o $c $s 1024 "" >> $res/o.$c.$s
			[ ! -f $v/d.$c.initrd ] || boot d $c $s 1024 "" >> $res/d.$c.$s
			boot s $c $s 1024 popinit.timing > /dev/null
			tr -d '\r' < $v/s.$c.$s.log | sed -n 's/^@@KMSG [0-9]* popinit: timing [^:]*: //p' >> $res/signed.$c.$s
		done
	done
done
for s in $smps; do
	for c in $images; do
		boot p $c $s 1024 popinit.timing > /dev/null
		tr -d '\r' < $v/p.$c.$s.log | sed -n 's/^@@KMSG [0-9]* popinit: timing [^:]*: //p' > $res/timing.$c.$s
	done
done
load1=$(load)

# ---- the memory floor: the smallest -m (MiB) at which each boots -------------------
# bisect between LO (fails, or assumed to) and HI (boots), to 8 MiB
floor() {
	lo=$3 hi=$4
	while [ $((hi - lo)) -gt 8 ]; do
		mid=$(( (lo + hi) / 2 ))
		if [ "$(boot $1 $2 1 $mid "" | cut -d' ' -f3)" != NaN ]; then hi=$mid; else lo=$mid; fi
	done
	echo $hi
}
floors=
if [ -z "${VM_NO_FLOOR:-}" ]; then
	for c in $images; do
		case $c in itools-*) ;; *) continue ;; esac
		say "vm: memory floor, $c"
		floor k $c 128 1024 > $res/floor.k.$c
		floor p $c 128 1024 > $res/floor.p.$c
		[ ! -f $v/d.$c.initrd ] || floor d $c 128 1024 > $res/floor.d.$c
		floors="$floors $c"
	done
fi

# ---- the report (markdown, included by unpack.sh) ------------------------------------
med() { awk -v f="$2" '$f != "NaN" { print $f }' "$1" | sort -n | awk '{ v[++n] = $1 } END { if (!n) print "NaN"; else if (n % 2) print v[(n + 1) / 2]; else print (v[n / 2] + v[n / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NaN" || b == "NaN" || b <= 0) print "NaN"; else printf "%.2f", a / b }'; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NaN" || b == "NaN") print "NaN"; else print a - b }'; }
mib() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", b / 1048576 }'; }
{
echo "Images: Debian's initramfs-tools initrd for $kver (MODULES=most), $(mib $w/itools.cpio.zst) MiB zstd, $(mib $w/itools.cpio) MiB"
echo "of cpio, $("$p" list $w/itools.cpio | grep -vc '^#') entries; the kernel's sound modules, $(mib $sound) MiB of cpio,"
echo "$("$p" list $sound | grep -vc '^#') entries, gzip $(mib $sound.gz), xz $(mib $sound.xz), zstd $(mib $sound.zst), lz4 $(mib $sound.lz4) MiB."
echo "QEMU $(qemu-system-x86_64 --version | head -n 1 | sed 's/QEMU emulator version //'), TCG, 1 GiB; load average $load0 at the start,"
echo "$load1 at the end; medians of $reps boots, interleaved. Unpack cost: the stamp's exec minus the no-image boot's;"
echo "popinit's includes the kernel unpacking the outer initrd (the image as one file of /initramfs.d). Direct: the"
echo "kernel's copy of the image into rootfs plus popinit's own unpack (each boot's sum), against the kernel's own unpack"
echo "(its \"Trying to unpack\" to \"Freeing initrd\"): the kernel's log lines, not two boots' difference. Times in ms."
echo
echo "| vCPUs | image | no image: exec | kernel: its unpack | kernel: exec | popinit: kernel's outer unpack | popinit: its unpack | popinit: exec | unpack cost, kernel | unpack cost, popinit | cost, popinit / kernel | exec, popinit / kernel | direct, popinit / kernel | own, popinit / kernel |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for s in $smps; do
	b=$(med $res/base.$s 3)
	for c in $images; do
		ke=$(med $res/k.$c.$s 3) pe=$(med $res/p.$c.$s 3) ku=$(med $res/k.$c.$s 1) pu=$(med $res/p.$c.$s 2)
		kc=$(sub "$ke" "$b") pc=$(sub "$pe" "$b")
		# the direct measure: each boot's copy into rootfs plus popinit's own unpack
		awk '{ print ($1 == "NaN" || $2 == "NaN") ? "NaN" : $1 + $2 }' $res/p.$c.$s > $res/direct.$c.$s
		pd=$(med $res/direct.$c.$s 1)
		echo "| $s | $c | $b | $ku | $ke | $(med $res/p.$c.$s 1) | $pu | $pe | $kc | $pc | **$(ratio "$pc" "$kc")** | $(ratio "$pe" "$ke") | **$(ratio "$pd" "$ku")** | $(ratio "$pu" "$ku") |"
		echo "$s $c $(ratio "$pc" "$kc") $(ratio "$pe" "$ke") $(ratio "$pd" "$ku") $(ratio "$pu" "$ku")" >> $res/ratios
	done
done
if ls $res/d.* > /dev/null 2>&1; then
	echo
	echo "The image on a virtio disk (d), read by popinit from the device, not copied into rootfs first; its exec"
	echo "includes loading virtio_pci and virtio_blk (modules in this kernel, built in where storage must be):"
	echo
	echo "| vCPUs | image | kernel: its unpack | kernel: exec | popinit: its unpack, from the disk | popinit: exec | unpack cost, kernel | unpack cost, popinit | cost, popinit / kernel | own unpack, popinit / kernel | exec, popinit / kernel |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|"
	for s in $smps; do
		b=$(med $res/base.$s 3)
		for c in $images; do
			[ -s $res/d.$c.$s ] || continue
			ke=$(med $res/k.$c.$s 3) de=$(med $res/d.$c.$s 3) ku=$(med $res/k.$c.$s 1) du=$(med $res/d.$c.$s 2)
			kc=$(sub "$ke" "$b") dc=$(sub "$de" "$b")
			echo "| $s | $c | $ku | $ke | $du | $de | $kc | $dc | **$(ratio "$dc" "$kc")** | $(ratio "$du" "$ku") | $(ratio "$de" "$ke") |"
			echo "$s $c $(ratio "$dc" "$kc") $(ratio "$de" "$ke") $(ratio "$du" "$ku")" >> $res/ratios.d
		done
	done
fi
if [ -n "${VM_OTHER:-}" ]; then
	echo
	echo "A/B: popinit (this build) against $VM_OTHER, same boots interleaved:"
	echo
	echo "| vCPUs | image | this: its unpack | other: its unpack | this / other | this: exec | other: exec | unpack cost, this / other |"
	echo "|---|---|---|---|---|---|---|---|"
	for s in $smps; do
		b=$(med $res/base.$s 3)
		for c in $images; do
			pu=$(med $res/p.$c.$s 2) ou=$(med $res/o.$c.$s 2) pe=$(med $res/p.$c.$s 3) oe=$(med $res/o.$c.$s 3)
			echo "| $s | $c | $pu | $ou | $(ratio "$pu" "$ou") | $pe | $oe | $(ratio "$(sub "$pe" "$b")" "$(sub "$oe" "$b")") |"
		done
	done
fi
echo
echo "popinit's phases (one more boot each, with popinit.timing; its clock calls add to these figures):"
echo
for s in $smps; do
	for c in $images; do
		[ -s $res/timing.$c.$s ] || continue
		echo "- $s vCPU, $c: $(paste -sd'|' $res/timing.$c.$s | sed 's/|/; /')"
	done
done
echo
echo "Signed: the same image signed, its key trusted (popinit.timing, one boot in each repetition, medians of $reps):"
echo "what verifying costs against the unpack that follows (TCG offers no SHA instructions: BearSSL's code hashes,"
echo "signed with -P sha384, so the payload's SHA-384 is checked, x0.7 of its SHA-256's time here, tests/bench/ab.sh):"
echo
echo "| vCPUs | image | trailer ms | signature ms | payload hash ms | unpack ms | verify / unpack |"
echo "|---|---|---|---|---|---|---|"
for s in $smps; do
	for c in $images; do
		f=$res/signed.$c.$s
		[ -s $f ] || continue
		# each boot's trailer, signature, hash and unpack ms, in a row
		awk '/^verify:/ { nv++; for (i = 1; i <= NF; i++) { if ($i == "trailer") t[nv] = $(i + 1);
				if ($i == "signature") g[nv] = $(i + 1); if ($i == "place" || $i == "copy") h[nv] = $(i + 1) } }
			/ bytes in [0-9]* ms/ { for (i = 1; i <= NF; i++) if ($i == "in" && $(i + 2) == "ms:") u[++nu] = $(i + 1) }
			END { for (k = 1; k <= nv || k <= nu; k++) print (k in t) ? t[k] : "NaN", (k in g) ? g[k] : "NaN",
				(k in h) ? h[k] : "NaN", (k in u) ? u[k] : "NaN" }' $f > $f.rows
		mt=$(med $f.rows 1) mg=$(med $f.rows 2) mh=$(med $f.rows 3) mu=$(med $f.rows 4)
		awk -v s=$s -v c=$c -v t="$mt" -v g="$mg" -v h="$mh" -v u="$mu" 'BEGIN {
			ok = t != "NaN" && g != "NaN" && h != "NaN" && u != "NaN" && u > 0; v = t + g + h
			printf "| %s | %s | %s | %s | %s | %s | %s |\n", s, c, t, g, h, u, ok ? sprintf("%.1f %%", 100 * v / u) : "-"
			print s, c, ok ? v / u : "NaN" > "/dev/stderr" }' 2>> $res/signed
	done
done
if [ -n "$floors" ]; then
	echo
	echo "Memory floor (1 vCPU): the smallest \`-m\` at which the boot reaches the stamp with the whole tree (bisected to 8 MiB):"
	echo
	echo "| image | kernel unpacks | popinit unpacks | popinit unpacks it from a disk (d) |"
	echo "|---|---|---|---|"
	for c in $floors; do
		fd=$(cat $res/floor.d.$c 2>/dev/null || echo -)
		echo "| $c | $(cat $res/floor.k.$c) MiB | $(cat $res/floor.p.$c) MiB | $fd MiB |"
		echo "$c $(cat $res/floor.k.$c) $(cat $res/floor.p.$c) $fd" >> $res/floors
	done
fi
} > $w/vm.md
cat $w/vm.md
