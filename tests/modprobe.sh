#!/bin/sh
# modprobe.sh: popinit modprobe -n against kmod's modprobe --show-depends
# on Debian's real 6.1 module tree (depmod'ed here), for modules by name,
# by alias (device modaliases, fs-, crypto-, iosched), built-ins and
# softdeps.  PASS/FAIL lines.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
p=${POPINIT:-$top/build/popinit}
sh "$top/boot/kernel.sh" "$top/build/kernel" > /dev/null || { echo "FAIL modprobe/kernel: cannot fetch it"; exit 0; }
v=$(ls "$top/build/kernel/lib/modules" | head -n 1)
[ -f "$top/build/kernel/lib/modules/$v/modules.dep" ] || depmod -b "$top/build/kernel" "$v"
command -v modprobe > /dev/null || PATH=$PATH:/sbin:/usr/sbin
for name in ext4 jbd2 virtio_blk virtio-blk virtio_pci virtio_scsi bfq bfq-iosched kyber-iosched kyber_iosched \
	mq-deadline mq-deadline-iosched crypto-crc32c crc32c fs-ext4 fs-xfs fs-btrfs fs-vfat fs-squashfs fs-erofs \
	xfs btrfs vfat nvme ahci sd_mod usb-storage loop \
	'pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00' \
	'pci:v00001AF4d00001042sv00001AF4sd00001100bc01sc00i00' \
	'virtio:d00000002v00001AF4' 'virtio:d00000008v00001AF4' \
	'pci:v00008086d00007010sv00001AF4sd00001100bc01sc01i80' \
	'cpu:type:x86,ven0000fam0006mod003F:feature:,0000,0001,0002,0003,0004,0005,0006,0007,0008,0009,000B,000C,000D,000E,000F,0010,0011,0013,0017,0018,0019,001A,001B,001C,002B,0034,003A,003B,003D,0068,006F,0070,0072,0074,0075,0076,0079,0080,0081,0089,008C,008D,0091,0093,0094,0095,0096,0097,0098,0099,009A,009B,009C,009D,009E,00C0,00C5,00E1,00E3,00E4,00E6,00E7,00EB,00EC,00F0,00F1,00F3,00F5,00F6,00F9,00FA,00FB,00FD,00FF,0120,0123,0125,0127,0128,0129,012A,012D,0140,0165,024A,025A,025B,025C,025D,025F' \
	'symbol:jbd2_journal_start' nls_utf8 no-such-module; do
	want=$(modprobe --show-depends -d "$top/build/kernel" -S "$v" "$name" 2>/dev/null)
	wrc=$?
	got=$("$p" modprobe -n -q -d "$top/build/kernel" -S "$v" "$name" 2>/dev/null)
	grc=$?
	# the same plan, and both succeed or both fail
	[ $wrc -eq 0 ] && wrc=ok || wrc=failed
	[ $grc -eq 0 ] && grc=ok || grc=failed
	if [ "$want" = "$got" ] && [ $wrc = $grc ]; then
		echo "PASS modprobe/plan-$(echo "$name" | cut -c1-40)"
	else
		echo "FAIL modprobe/plan-$(echo "$name" | cut -c1-40): kmod ($wrc): $(echo "$want" | tr '\n' '|' | cut -c1-300) popinit ($grc): $(echo "$got" | tr '\n' '|' | cut -c1-300)"
	fi
done

# modprobe.d configuration: options, alias, softdep and blacklist, read
# from ROOT/etc/modprobe.d by popinit and given to kmod with -C
cfg=${TESTDIR:-$top/build/test}/modprobe-root
rm -rf "$cfg"; mkdir -p "$cfg/etc/modprobe.d" "$cfg/lib/modules"
ln -s "$top/build/kernel/lib/modules/$v" "$cfg/lib/modules/$v"
cat > "$cfg/etc/modprobe.d/popinit-test.conf" <<'C'
# a comment
options ext4 debug_want_extra_isize=32
options virtio-blk queue_depth=64 \
	num_request_queues=2
alias my-disk-driver virtio_blk
softdep bfq pre: kyber-iosched post: loop
blacklist e1000
C
for name in ext4 virtio_blk my-disk-driver bfq e1000 'pci:v00008086d0000100Esv*sd*bc*sc*i*'; do
	want=$(modprobe -C "$cfg/etc/modprobe.d" --show-depends -d "$top/build/kernel" -S "$v" "$name" 2>/dev/null)
	got=$("$p" modprobe -n -q -d "$cfg" -S "$v" "$name" 2>/dev/null | sed "s|$cfg/lib/modules|$top/build/kernel/lib/modules|")
	if [ "$want" = "$got" ]; then echo "PASS modprobe/config-$(echo "$name" | cut -c1-20)"
	else echo "FAIL modprobe/config-$name: kmod: $(echo "$want" | tr '\n' '|') popinit: $(echo "$got" | tr '\n' '|')"; fi
done

# the blacklist: modprobe hides the modules an alias finds; -b
# (--use-blacklist) hides a module asked for by name too, but not its
# dependencies (KMOD_PROBE_APPLY_BLACKLIST), as systemd's modules-load does
bl=${TESTDIR:-$top/build/test}/modprobe-bl
rm -rf "$bl"; mkdir -p "$bl/etc/modprobe.d" "$bl/lib/modules"
ln -s "$top/build/kernel/lib/modules/$v" "$bl/lib/modules/$v"
cat > "$bl/etc/modprobe.d/bl.conf" <<'C'
blacklist squashfs
blacklist jbd2
blacklist virtio_blk
alias my-disk-driver virtio_blk
C
for b in "" -b; do
	for name in squashfs fs-squashfs ext4 jbd2 virtio_blk virtio-blk my-disk-driver \
		'virtio:d00000002v00001AF4' loop; do
		want=$(modprobe $b -C "$bl/etc/modprobe.d" --show-depends -d "$top/build/kernel" -S "$v" "$name" 2>/dev/null)
		wrc=$?
		got=$("$p" modprobe $b -n -q -d "$bl" -S "$v" "$name" 2>/dev/null | sed "s|$bl/lib/modules|$top/build/kernel/lib/modules|")
		grc=$?
		t="modprobe/blacklist${b:+-b}-$(echo "$name" | cut -c1-20)"
		if [ "$want" = "$got" ] && [ $wrc -eq $grc ]; then echo "PASS $t"
		else echo "FAIL $t: kmod ($wrc): $(echo "$want" | tr '\n' '|') popinit ($grc): $(echo "$got" | tr '\n' '|')"; fi
	done
done
# loading: -b squashfs loads nothing and says which blacklist hid it; no
# -b loads it (finit_module is intercepted by strace: nothing reaches the
# host's kernel)
for b in -b ""; do
	t="modprobe/blacklist-load${b:+-b}"
	# sanitized: LSan cannot run under ptrace (it would end the run, rc 99)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:detect_leaks=0} \
	strace -f -qq -e trace=finit_module -e inject=finit_module:error=EEXIST -o "$bl/strace$b" \
		"$p" modprobe $b -v -d "$bl" -S "$v" squashfs > "$bl/out$b" 2>&1
	rc=$?
	n=$(grep -c 'finit_module(' "$bl/strace$b")
	if [ -n "$b" ]; then
		if [ $rc -eq 0 ] && [ "$n" -eq 0 ] &&
		   grep -q "^popinit: modprobe: squashfs not loaded: blacklisted by $bl/etc/modprobe.d/bl.conf\$" "$bl/out$b"; then
			echo "PASS $t"
		else echo "FAIL $t: rc=$rc, $n finit_module calls, $(tr '\n' '|' < "$bl/out$b")"; fi
	elif [ $rc -eq 0 ] && [ "$n" -ge 1 ] && ! grep -q blacklisted "$bl/out$b"; then
		echo "PASS $t"
	else echo "FAIL $t: rc=$rc, $n finit_module calls, $(tr '\n' '|' < "$bl/out$b")"; fi
done

# a compressed module is decompressed into a memfd that is sealed before
# finit_module gets it: the bytes checked are the bytes loaded (the codec
# is one the kernel here does not decompress itself, so popinit does)
c=xz; ext=xz
grep -qw xz /sys/module/compression 2>/dev/null && { c=zstd; ext=zst; }
mf=${TESTDIR:-$top/build/test}/modprobe-memfd
rm -rf "$mf"; mkdir -p "$mf/lib/modules/$v/kernel/drivers/block"
$c -q -c "$top/build/kernel/lib/modules/$v/kernel/drivers/block/loop.ko" > "$mf/lib/modules/$v/kernel/drivers/block/loop.ko.$ext"
depmod -b "$mf" "$v"
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:detect_leaks=0} \
strace -f -qq -e trace=memfd_create,fcntl,finit_module -e inject=finit_module:error=EEXIST -o "$mf/strace" \
	"$p" modprobe -d "$mf" -S "$v" loop > "$mf/out" 2>&1
rc=$?
sealed=$(awk '
	/memfd_create\("popinit-module", MFD_CLOEXEC\|MFD_ALLOW_SEALING\) = [0-9]+$/ { m = $NF }
	m != "" && $0 ~ "fcntl\\(" m ", F_ADD_SEALS, F_SEAL_SEAL\\|F_SEAL_SHRINK\\|F_SEAL_GROW\\|F_SEAL_WRITE\\) = 0" { s = 1 }
	m != "" && $0 ~ "finit_module\\(" m "," { print (s ? "sealed" : "unsealed"); exit }' "$mf/strace")
if [ $rc -eq 0 ] && [ "$sealed" = sealed ]; then echo "PASS modprobe/compressed-module-memfd-sealed"
else echo "FAIL modprobe/compressed-module-memfd-sealed: rc=$rc, ${sealed:-no finit_module of the memfd}: $(grep -E 'memfd|SEAL|finit' "$mf/strace" | head -4 | tr '\n' '|')"; fi

# no modules.dep: the modules' own depends= give the same plan
nodep=${TESTDIR:-$top/build/test}/modprobe-nodep
rm -rf "$nodep"; mkdir -p "$nodep/lib/modules/$v"
for m in ext4 virtio_blk virtio_pci; do
	modprobe --show-depends -d "$top/build/kernel" -S "$v" "$m" | sed -n 's/^insmod \([^ ]*\).*/\1/p'
done | sort -u | while read -r ko; do
	rel=${ko#"$top/build/kernel/lib/modules/$v/"}
	mkdir -p "$nodep/lib/modules/$v/$(dirname "$rel")"
	cp "$ko" "$nodep/lib/modules/$v/$rel"
done
for m in virtio_blk virtio_pci jbd2; do
	want=$(modprobe --show-depends -d "$top/build/kernel" -S "$v" "$m" | sed "s|$top/build/kernel/lib/modules/$v/||" | sort)
	got=$("$p" modprobe -n -d "$nodep" -S "$v" "$m" 2>&1 | sed "s|$nodep/lib/modules/$v/||" | sort)
	# the set and the last one (the module itself) are kmod's
	wl=$(modprobe --show-depends -d "$top/build/kernel" -S "$v" "$m" | tail -n 1 | sed "s|.*/||")
	gl=$("$p" modprobe -n -d "$nodep" -S "$v" "$m" 2>/dev/null | tail -n 1 | sed "s|.*/||")
	if [ -n "$got" ] && [ "$want" = "$got" ] && [ "$wl" = "$gl" ]; then echo "PASS modprobe/no-modules-dep-$m"
	else echo "FAIL modprobe/no-modules-dep-$m: kmod: $(echo "$want" | tr '\n' '|') popinit: $(echo "$got" | tr '\n' '|')"; fi
done
