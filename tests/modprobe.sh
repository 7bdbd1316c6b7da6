#!/bin/sh
# modprobe.sh: popinit modprobe -n against kmod's modprobe --show-depends
# on Debian's real 6.1 module tree (depmod'ed here), for modules by name,
# by alias (device modaliases, fs-, crypto-, iosched), built-ins and
# softdeps.  PASS/FAIL lines.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
p=$top/build/popinit
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
