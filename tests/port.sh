#!/bin/sh
# port.sh: popinit on aarch64 and OpenRISC (or1k, big-endian, 32-bit), and
# booted from a real built-in initramfs.  PASS/FAIL lines.
#
#   sh tests/port.sh [ARCH...]          default: x86_64 aarch64 or1k
#
# For each cross ARCH: the cross build (musl and every library from Debian's
# sources, boot/musl.sh and boot/deps.sh); the unit tests built with that
# musl and run under qemu-user; `popinit list` of every corpus image under
# qemu-user, byte for byte the host build's; a signed image signed on one
# side and verified on the other.  For every ARCH: a small kernel
# (boot/mkkernel.sh, cached outside the tree) whose built-in initramfs
# (CONFIG_INITRAMFS_SOURCE) holds popinit, booted under QEMU with no -initrd:
#   x86_64, aarch64: the built-in initramfs holds only popinit; the image
#     comes from a GPT partition of a virtio disk (popinit.image=PARTLABEL=)
#   or1k: the seed's scenario: popinit built with a trusted key, a signed,
#     xz-compressed image in the built-in initramfs, verified, unpacked and
#     its /sbin/init exec'd; a copy with one byte changed is refused.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
# WERROR=1 (CI): warnings are errors here too
werror=; [ "${WERROR-}" = 1 ] && werror=-Werror
host=$top/build/popinit
w=$top/build/test/port
mkdir -p "$w"
arches=${*:-x86_64 aarch64 or1k}
cd "$top" || exit 1

fail() { echo "FAIL port/$1: $2"; }
ok() { echo "PASS port/$1"; }
secs() { date +%s; }

# qboot ARCH NAME KERNEL "CMDLINE" [QEMU ARGS...]: the console in $w/NAME.txt.
# The guest ends with a power-off or panic=-1 (-no-reboot); a payload that
# printed its end marker is not waited for (x86's allnoconfig kernel has
# no ACPI to power off with); 120 s at most.
qboot() {
	a=$1 n=$2 k=$3 append=$4; shift 4
	case $a in
	x86_64) q="qemu-system-x86_64 -cpu max -m 256" con=ttyS0 ;;
	aarch64) q="qemu-system-aarch64 -M virt -cpu cortex-a57 -m 256" con=ttyAMA0 ;;
	or1k) q="qemu-system-or1k -M virt -cpu or1200 -m 128" con=ttyS0 ;;
	esac
	rm -f "$w/$n.log"; : > "$w/$n.log"
	# shellcheck disable=SC2086
	timeout -k 5 120 $q -accel tcg -kernel "$k" -append "console=$con panic=-1 $append" \
		-display none -monitor none -serial "file:$w/$n.log" -no-reboot "$@" >/dev/null 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if grep -q '^@@PAYLOAD-END' "$w/$n.log"; then
			sleep 1; kill "$pid" 2>/dev/null; break
		fi
		sleep 0.3
	done
	wait "$pid" 2>/dev/null
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
	if [ -z "$why" ]; then ok "boot-$n"; else fail "boot-$n" "${why#; } (log: $w/$n.txt)"; fi
}

# cc_of ARCH: the C compiler of ARCH's build
cc_of() { if [ "$1" = x86_64 ]; then echo musl-gcc; else echo "$top/build/$1/musl/bin/$1-linux-musl-gcc"; fi; }
pop_of() { if [ "$1" = x86_64 ]; then echo "$host"; else echo "$top/build/$1/popinit"; fi; }

. "$top/tests/flip.sh"

# gptdisk OUT LABEL IMAGE: a disk with one GPT partition named LABEL holding IMAGE
gptdisk() {
	rm -f "$1"
	truncate -s 8M "$1" &&
	printf 'label: gpt\nstart=2048, size=8192, name=%s\n' "$2" | sfdisk -q "$1" >/dev/null &&
	dd if="$3" of="$1" bs=512 seek=2048 conv=notrunc status=none
}

# signed_pair: ARCH $a's payload signed into main-$a.img, and evil-$a.img,
# the same with one byte of the compressed payload changed
signed_pair() {
	"$host" sign -k "$key.pem" -n main -V 1 "$w/payload-$a.img" "$w/main-$a.img" &&
	cp "$w/main-$a.img" "$w/evil-$a.img" &&
	flip "$w/evil-$a.img" 200
}

key=$w/key
if [ ! -f "$key.pub" ]; then
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$key.pem" 2>/dev/null &&
	openssl pkey -in "$key.pem" -pubout -out "$key.pub" || { fail setup "openssl genpkey"; exit 0; }
fi
printf '/etc/arch\n' > "$w/files"
printf '/etc/arch\n/sbin/init\n' > "$w/stat"
# the mtimes of two files in the payload images: one within 2^31 (2023),
# which a 32-bit musl sets by the 32-bit-time utimensat where it can, one
# past it (2096), which it can set only by utimensat_time64
mtime=1700000000 mtime64=4000000000
PATH=$PATH:/sbin:/usr/sbin
if [ ! -f "$w/fs-mbr.img" ]; then
	mkdir -p "$w/tree"; echo data > "$w/tree/file"
	for f in ext4 vfat erofs gpt mbr; do rm -f "$w/fs-$f.img"; truncate -s 32M "$w/fs-$f.img"; done
	mkfs.ext4 -q -L port-ext4 -d "$w/tree" "$w/fs-ext4.img"
	mkfs.vfat -n PORTVFAT "$w/fs-vfat.img" > /dev/null
	rm -f "$w/fs-erofs.img"; mkfs.erofs --quiet -U 0a1b2c3d-1111-2222-3333-444455556666 "$w/fs-erofs.img" "$w/tree" > /dev/null 2>&1
	printf 'label: gpt\nsize=8M, name="popinit-a"\nsize=8M, name="popinit-b"\n' | sfdisk -q "$w/fs-gpt.img"
	printf 'label: dos\nlabel-id: 0x1234abcd\nsize=8M, type=83\ntype=5\nsize=4M, type=83\nsize=4M, type=83\n' |
		sfdisk -q "$w/fs-mbr.img"
fi

for a in $arches; do
	t0=$(secs)
	cc=$(cc_of "$a") p=$(pop_of "$a")
	case $a in aarch64) cross=aarch64-linux-gnu- ;; or1k) cross=or1k-elf- ;; *) cross= ;; esac
	if [ "$a" != x86_64 ]; then
		# 1. the cross build
		if ! make -s ARCH="$a" > "$w/make-$a.log" 2>&1; then
			fail "$a/build" "make ARCH=$a: $(tail -n 3 "$w/make-$a.log" | tr '\n' ' ')"
			continue
		fi
		ok "$a/build"
		# its hot loops each in one page (boot/layout.sh; QEMU's or1k
		# pages are 8 KiB): at least the inflate, LZ4 and SHA-256 loops
		lay=$(sh boot/layout.sh -c "build/$a/popinit.map" boot/hot.list "$a")
		if [ $? != 0 ]; then fail "$a/loops-in-one-page" "$(echo "$lay" | grep crosses | tr '\n' ' ')"
		elif [ "$(echo "$lay" | grep -cxE 'ok (inflate_fast|LZ4_decompress_safe|br_sha224_update\+br_sha2small_round)')" != 3 ]; then
			fail "$a/loops-in-one-page" "not laid out: $(echo "$lay" | tr '\n' ' ')"
		else ok "$a/loops-in-one-page"; fi

		# 2. the unit tests under qemu-user, built with the target's
		# musl and libraries (no sanitizers: static musl cannot carry them)
		d=build/$a/deps
		# the build's xz decoder (Makefile: XZDEC, the last word of
		# build/ARCH/codecs): or1k's is the kernel's lib/xz
		kxz=; case $(cat build/$a/codecs) in *' kernel') kxz="-DXZ_KERNEL $d/lib/libkxz.a" ;; esac
		# shellcheck disable=SC2086
		if ! $cc -std=c11 -O1 -static -ffunction-sections -fdata-sections -Wl,--gc-sections \
			-D_GNU_SOURCE -Wall $werror -Wextra -Wno-missing-prototypes \
			-DHAVE_GZIP -DHAVE_BZIP2 -DHAVE_LZMA -DHAVE_XZ -DHAVE_LZO -DHAVE_LZ4 -DHAVE_ZSTD \
			-I$d/include -o "$w/unit-$a" tests/unit/*.c unpack/cpio.c unpack/links.c unpack/image.c unpack/timing.c lib/clock.c \
			codec/decomp.c codec/decomp_gzip.c codec/decomp_xz.c codec/decomp_zstd.c \
			codec/decomp_bzip2.c codec/decomp_lz4.c codec/decomp_lzo.c lib/error.c lib/io.c verify/sha256.c \
			$kxz $d/lib/libz.a $d/lib/liblzma.a $d/lib/libzstd.a $d/lib/liblz4.a $d/lib/libbz2.a \
			$d/lib/libminilzo.a $d/lib/libbearssl.a > "$w/unit-$a.build" 2>&1; then
			fail "$a/unit-build" "$(grep -v noseparate "$w/unit-$a.build" | head -n 3 | tr '\n' ' ')"
		else
			# each unit test's line, renamed for the architecture
			(cd "$w" && "qemu-$a" "./unit-$a" 2>&1) > "$w/unit-$a.out"
			sed -n "s#^\(PASS\|FAIL\) unit/#\1 port/$a/unit/#p" "$w/unit-$a.out"
			grep -q '^PASS ' "$w/unit-$a.out" || fail "$a/unit" "no results: $(tail -n 3 "$w/unit-$a.out" | tr '\n' ' ')"
			# aarch64: qemu's CPU (max) has ARMv8's SHA-256 instructions,
			# so verify/sha256.c's path for them was the one compared
			if [ "$a" = aarch64 ]; then
				if grep -q '^PASS unit/sha256/instructions-as-bearssl$' "$w/unit-$a.out"; then
					ok "$a/sha256-instructions-tested"
				else
					fail "$a/sha256-instructions-tested" "$(grep 'unit/sha256' "$w/unit-$a.out" | tail -n 1)"
				fi
			fi
		fi

		# 3. every corpus image listed as the host build lists it
		# (cpio's ASCII hex, the seven decoders, 32-bit and big-endian)
		why=
		for img in tests/corpus/*.img; do
			"$host" list -v "$img" > "$w/list-host" 2>&1; echo "rc=$?" >> "$w/list-host"
			"qemu-$a" "$p" list -v "$img" > "$w/list-$a" 2>&1; echo "rc=$?" >> "$w/list-$a"
			case $(basename "$img") in
			xz-x86-bcj.img)
				# liblzma has the target's BCJ filter only (boot/deps.sh),
				# as the kernel's lib/xz of a distribution's kernel
				grep -q 'not supported by this XZ decoder' "$w/list-$a" || why="$why xz-x86-bcj.img(taken)" ;;
			*)	cmp -s "$w/list-host" "$w/list-$a" || why="$why $(basename "$img")" ;;
			esac
		done
		if [ -z "$why" ]; then ok "$a/list-corpus"; else fail "$a/list-corpus" "differ:$why"; fi

		# superblocks and partition tables (little-endian fields) read alike
		why=
		for img in "$w"/fs-*.img; do
			"$host" probe "$img" > "$w/probe-host" 2>&1; echo "rc=$?" >> "$w/probe-host"
			"qemu-$a" "$p" probe "$img" > "$w/probe-$a" 2>&1; echo "rc=$?" >> "$w/probe-$a"
			grep -q 'TYPE=\|PARTUUID=' "$w/probe-host" && cmp -s "$w/probe-host" "$w/probe-$a" ||
				why="$why $(basename "$img")"
		done
		if [ -z "$why" ]; then ok "$a/probe-alike"; else fail "$a/probe-alike" "differ or empty:$why"; fi

		# a dm-verity superblock (little-endian fields) and the table
		# built from it read alike (tests/verity/dump.c)
		if $cc -std=c11 -Os -static -D_GNU_SOURCE -Wall $werror -o "$w/verity-$a" tests/verity/dump.c \
			blkdev/verity.c lib/str.c > "$w/verity-$a.build" 2>&1 &&
		   gcc -std=c11 -O1 -D_GNU_SOURCE -o "$w/verity-host" tests/verity/dump.c blkdev/verity.c lib/str.c; then
			head -c 65536 /dev/urandom > "$w/vdata"; rm -f "$w/vhash"
			vr=$(veritysetup format --salt 0102ff "$w/vdata" "$w/vhash" 2>/dev/null | sed -n 's/^Root hash:[[:space:]]*//p')
			{ "$w/verity-host" "$w/vhash"; "$w/verity-host" "$w/vhash" /dev/a /dev/b "$vr" panic-on-corruption; } \
				> "$w/verity-host.out" 2>&1
			{ "qemu-$a" "$w/verity-$a" "$w/vhash"; "qemu-$a" "$w/verity-$a" "$w/vhash" /dev/a /dev/b "$vr" \
				panic-on-corruption; } > "$w/verity-$a.out" 2>&1
			if [ -n "$vr" ] && grep -q "verity 1 /dev/a /dev/b 4096 4096 16 1 sha256 $vr 0102ff 1 panic_on_corruption" \
				"$w/verity-host.out" && cmp -s "$w/verity-host.out" "$w/verity-$a.out"; then ok "$a/verity-alike"
			else fail "$a/verity-alike" "$(diff "$w/verity-host.out" "$w/verity-$a.out" | head -n 4 | tr '\n' ' ')"; fi
		else
			fail "$a/verity-build" "$(grep -v noseparate "$w/verity-$a.build" | head -n 3 | tr '\n' ' ')"
		fi

		# modules of the target's ELF class and byte order: the plan from
		# their .modinfo (no modules.dep), read alike by both builds
		m=$w/mods-$a; rm -rf "$m"; mkdir -p "$m/lib/modules/9.9.9/kernel"
		for x in a:b b:c c:; do
			printf '__attribute__((section(".modinfo"), used)) static const char mi[] = "license=GPL\\0depends=%s\\0name=%s\\0alias=port-%s";\n' \
				"${x#*:}" "${x%%:*}" "${x%%:*}" > "$m/${x%%:*}.c"
			"${cross}gcc" -c -o "$m/lib/modules/9.9.9/kernel/${x%%:*}.ko" "$m/${x%%:*}.c" || why=cc
		done
		"$host" modprobe -n -d "$m" -S 9.9.9 port-a > "$w/mod-host" 2>&1
		"qemu-$a" "$p" modprobe -n -d "$m" -S 9.9.9 port-a > "$w/mod-$a" 2>&1
		want=$(for x in c b a; do echo "insmod $m/lib/modules/9.9.9/kernel/$x.ko "; done)
		if [ "$(cat "$w/mod-host")" = "$want" ] && cmp -s "$w/mod-host" "$w/mod-$a"; then
			ok "$a/modinfo-target-elf"
		else
			fail "$a/modinfo-target-elf" "host: $(tr '\n' '|' < "$w/mod-host") $a: $(tr '\n' '|' < "$w/mod-$a")"
		fi

		# a timed wait for a device that never comes ends on time, also
		# with a monotonic clock past 2^31 ms (a time namespace): the
		# deadline must not live in a 32-bit long
		if $cc -std=c11 -Os -static -D_GNU_SOURCE -Wall $werror -o "$w/wait-$a" tests/port/wait.c blkdev/blockdev.c \
			blkdev/probe.c lib/clock.c lib/io.c lib/str.c lib/uevent.c > "$w/wait-$a.build" 2>&1; then
			s0=$(secs)
			timeout 20 unshare -T --monotonic 2200000 "qemu-$a" "$w/wait-$a" PARTLABEL=port-never 500 \
				> "$w/wait-$a.out" 2>&1
			rc=$?
			if [ $rc = 0 ] && [ $(($(secs) - s0)) -lt 10 ]; then ok "$a/wait-timeout-monotonic-past-2^31-ms"
			else fail "$a/wait-timeout-monotonic-past-2^31-ms" "rc $rc after $(($(secs) - s0)) s: $(cat "$w/wait-$a.out")"; fi
		else
			fail "$a/wait-build" "$(grep -v noseparate "$w/wait-$a.build" | head -n 3 | tr '\n' ' ')"
		fi

		# 4. signatures across byte orders: signed here, verified there
		printf 'dir /etc 0755 0 0\n' | "$host" mkimage -c xz -o "$w/x.img" - &&
		"$host" sign -k "$key.pem" -n main -V 7 "$w/x.img" "$w/x-host.sig" &&
		"qemu-$a" "$p" sign -k "$key.pem" -n main -V 7 "$w/x.img" "$w/x-$a.sig" 2> "$w/sign-$a.err"
		if "qemu-$a" "$p" verify -k "$key.pub" -n main "$w/x-host.sig" > "$w/v1" 2>&1 &&
		   "$host" verify -k "$key.pub" -n main "$w/x-$a.sig" > "$w/v2" 2>&1; then
			ok "$a/sign-verify-across"
		else
			fail "$a/sign-verify-across" "$(cat "$w/sign-$a.err" "$w/v1" "$w/v2" 2>/dev/null | head -n 3 | tr '\n' ' ')"
		fi
		# the payload's SHA-384 (sign -P) is checked only by a 64-bit CPU
		# without SHA-256 instructions (tests/sig.sh: qemu64); aarch64's
		# (QEMU's max) has them, or1k is 32-bit: the SHA-256 on both
		want=sha256
		"$host" sign -k "$key.pem" -n main -V 7 -P sha384 "$w/x.img" "$w/x-384.sig" &&
		"qemu-$a" "$p" verify -k "$key.pub" -n main "$w/x-384.sig" > "$w/v384" 2>&1
		if grep -q "bytes ($want), " "$w/v384"; then ok "$a/payload-hash-$want-chosen"
		else fail "$a/payload-hash-$want-chosen" "$(head -n 2 "$w/v384" | tr '\n' ' ')"; fi
		cp "$w/x-host.sig" "$w/x-bad.sig"
		flip "$w/x-bad.sig" 40
		if "qemu-$a" "$p" verify -k "$key.pub" -n main "$w/x-bad.sig" > "$w/v3" 2>&1; then
			fail "$a/verify-refuses-changed-byte" "accepted"
		else
			ok "$a/verify-refuses-changed-byte"
		fi
	fi

	# 5. the payload init for ARCH, and its image
	printf '%s\n' "$a" > "$w/arch-$a"
	$cc -static -Os -Wall $werror -o "$w/payload-$a" tests/boot/payload.c ||
		{ fail "$a/payload" "cannot build tests/boot/payload.c"; continue; }
	touch -d @$mtime "$w/arch-$a" && touch -d @$mtime64 "$w/payload-$a" || { fail "$a/payload" "touch"; continue; }
	case $a in x86_64) codec=gzip ;; aarch64) codec=zstd ;; *) codec=xz ;; esac
	"$host" mkimage -c $codec -o "$w/payload-$a.img" - <<L || { fail "$a/image" "mkimage"; continue; }
dir /sbin 0755 0 0
file /sbin/init $w/payload-$a 0755 0 0
dir /etc 0755 0 0
file /etc/arch $w/arch-$a 0644 0 0
file /etc/payload.files $w/files 0644 0 0
file /etc/payload.stat $w/stat 0644 0 0
L
	# 6. the built-in initramfs and the kernel
	{
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		if [ "$a" = or1k ]; then
			make -s ARCH=or1k B=build/or1k/seed KEYS="$key.pub" TOOLS=no build/or1k/seed/popinit \
				> "$w/make-seed.log" 2>&1 || { fail "$a/seed-build" "$(tail -n 3 "$w/make-seed.log")"; continue; }
			signed_pair || continue
			echo "file /init $top/build/or1k/seed/popinit 0755 0 0"
			echo "dir /images 0755 0 0"
			echo "file /images/main.img $w/main-$a.img 0644 0 0"
			echo "file /images/evil.img $w/evil-$a.img 0644 0 0"
		else
			echo "file /init $p 0755 0 0"
		fi
		# aarch64: its key in the built-in initramfs, its image signed:
		# the hash by ARMv8's instructions, found by the kernel's AT_HWCAP
		# (QEMU's cortex-a57 has them)
		if [ "$a" = aarch64 ]; then
			signed_pair || continue
			echo "dir /etc 0755 0 0"
			echo "dir /etc/popinit 0755 0 0"
			echo "dir /etc/popinit/keys 0755 0 0"
			echo "file /etc/popinit/keys/port.pub $key.pub 0644 0 0"
		fi
	} > "$w/builtin-$a.list" || continue
	t1=$(secs)
	if ! sh boot/mkkernel.sh "$a" "$w/builtin-$a.list" "$w/kernel-$a" 2> "$w/kernel-$a.err"; then
		fail "$a/kernel" "$(tail -n 3 "$w/kernel-$a.err" | tr '\n' ' ')"
		continue
	fi
	ok "$a/kernel"
	t2=$(secs)

	# 7. the boots
	if [ "$a" = or1k ]; then
		# QEMU logs every exception the guest takes (-d int): the test
		# kernel is allnoconfig's, without COMPAT_32BIT_TIME, where a
		# musl calling the 32-bit-time futex got ENOSYS and its threads
		# spun on their waits (38,187 system calls in this boot, against
		# 241; boot/musl.sh)
		qboot or1k or1k-signed "$w/kernel-$a" "popinit.image=main:/images/main.img" -d int -D "$w/or1k-signed.int"
		expect or1k-signed '^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@FILE /etc/arch=or1k$' \
			"^@@STAT /etc/arch size=5 mtime=$mtime\$" "^@@STAT /sbin/init size=[0-9]+ mtime=$mtime64\$" \
			'popinit: signed images only: 1 trusted key' \
			'popinit: /images/main.img: verified "main" version 1' '^@@PAYLOAD-END$' \
			'!Trying to unpack rootfs image'
		nsys=$(grep -c 'INT: SYSCALL' "$w/or1k-signed.int") nexc=$(grep -c 'INT: ' "$w/or1k-signed.int")
		if [ "$nexc" -lt 1000 ]; then fail or1k-syscalls "QEMU logged $nexc exceptions: no -d int log to count in"
		elif [ "$nsys" -gt 1500 ]; then fail or1k-syscalls "$nsys system calls in the seed's boot (at most 1500)"
		else ok or1k-syscalls; fi
		qboot or1k or1k-tampered "$w/kernel-$a" "popinit.image=main:/images/evil.img"
		expect or1k-tampered 'popinit: fatal: /images/evil.img: refused: payload hash mismatch' \
			'!@@PAYLOAD' '!verified' '!Trying to unpack rootfs image'
		# the signed image on a GPT partition: its size comes from
		# BLKGETSIZE64, whose number depends on the width of size_t
		# (0x80041272 on a 32-bit kernel)
		gptdisk "$w/disk-$a-signed" popinit-a "$w/main-$a.img" || { fail "$a/disk" "sfdisk"; continue; }
		qboot or1k or1k-signed-blockdev "$w/kernel-$a" "popinit.image=main:PARTLABEL=popinit-a rootwait=20" \
			-drive "file=$w/disk-$a-signed,format=raw,if=none,id=d0" -device virtio-blk-device,drive=d0
		expect or1k-signed-blockdev '^@@PAYLOAD pid=1 argv0=/sbin/init ' '^@@FILE /etc/arch=or1k$' \
			"^@@STAT /etc/arch size=5 mtime=$mtime\$" "^@@STAT /sbin/init size=[0-9]+ mtime=$mtime64\$" \
			'popinit: PARTLABEL=popinit-a: verified "main" version 1' '^@@PAYLOAD-END$' \
			'!Trying to unpack rootfs image'
	else
		img=$w/payload-$a.img signed=
		# the quotes in $signed are the message's own (an expected line)
		# shellcheck disable=SC2089
		[ "$a" != aarch64 ] || img=$w/main-$a.img signed='popinit: PARTLABEL=popinit-a: verified "main" version 1'
		gptdisk "$w/disk-$a" popinit-a "$img" || { fail "$a/disk" "sfdisk"; continue; }
		case $a in x86_64) dev=virtio-blk-pci ;; *) dev=virtio-blk-device ;; esac
		qboot "$a" "$a-builtin" "$w/kernel-$a" "popinit.image=main:PARTLABEL=popinit-a rootwait=20" \
			-drive "file=$w/disk-$a,format=raw,if=none,id=d0" -device "$dev,drive=d0"
		# shellcheck disable=SC2090
		expect "$a-builtin" '^popinit: unpacked 1 image from block devices' \
			'^@@PAYLOAD pid=1 argv0=/sbin/init ' "^@@FILE /etc/arch=$a\$" '^@@PAYLOAD-END$' \
			"^@@STAT /etc/arch size=[0-9]+ mtime=$mtime\$" "^@@STAT /sbin/init size=[0-9]+ mtime=$mtime64\$" \
			${signed:+"$signed"} '!Trying to unpack rootfs image' '!Freeing initrd memory'
		if [ "$a" = aarch64 ]; then
			gptdisk "$w/disk-$a-evil" popinit-a "$w/evil-$a.img" || { fail "$a/disk" "sfdisk"; continue; }
			qboot "$a" "$a-tampered" "$w/kernel-$a" "popinit.image=main:PARTLABEL=popinit-a rootwait=20" \
				-drive "file=$w/disk-$a-evil,format=raw,if=none,id=d0" -device "$dev,drive=d0"
			expect "$a-tampered" 'popinit: fatal: PARTLABEL=popinit-a: refused: payload hash mismatch' \
				'!@@PAYLOAD' '!verified'
		fi
	fi
	echo "# port $a: $((t1 - t0)) s build and qemu-user tests, $((t2 - t1)) s kernel, $(($(secs) - t2)) s boots" >&2
done
