#!/bin/sh
# mkkernel.sh: a small kernel for ARCH from Debian's linux-source-6.1
# (allnoconfig, then boot/kconfig/common.config and ARCH.config), whose
# built-in initramfs is LIST (CONFIG_INITRAMFS_SOURCE: gen_init_cpio's
# format, as boot/initramfs.list); copy the bootable image to OUT.
#
#   sh boot/mkkernel.sh ARCH LIST OUT        ARCH: x86_64, aarch64, or1k
#
# The kernel's object tree is cached outside the work tree, in
# ${POPINIT_CACHE:-/var/cache/popinit}/kernel-ARCH-HASH, HASH of the
# fragments, the source package's version and $recipe (raise it when
# the way the configuration is made below changes): a clean clone
# builds it once (2 to 5 minutes on 2 cores), afterwards a changed LIST
# or file in it only regenerates the initramfs and relinks (seconds).
# LIST is copied to a fixed name in the tree, so a clone at another path
# does not change the configuration.  Callers are serialised by flock.
set -eu
arch=$1 list=$2 out=$3
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${POPINIT_CACHE:-/var/cache/popinit}
say() { printf 'mkkernel: %s\n' "$*" >&2; }
die() { printf 'mkkernel: fatal: %s\n' "$*" >&2; exit 111; }

case $arch in
x86_64)	karch=x86 cross= target=bzImage image=arch/x86/boot/bzImage ;;
aarch64) karch=arm64 cross=aarch64-linux-gnu- target=Image image=arch/arm64/boot/Image ;;
or1k)	karch=openrisc cross=or1k-elf- target=vmlinux image=vmlinux ;;
*)	die "unknown ARCH $arch (x86_64, aarch64, or1k)" ;;
esac
[ -f "$list" ] || die "no list $list"
tar=/usr/src/linux-source-6.1.tar.xz
[ -f "$tar" ] || die "$tar missing: apt-get install linux-source-6.1 (sh boot/packages.sh)"
ver=$(dpkg-query -W -f '${Version}' linux-source-6.1) || die "linux-source-6.1 is not installed"
frag="$top/boot/kconfig/common.config $top/boot/kconfig/$arch.config"
recipe=1
# shellcheck disable=SC2086
hash=$( { cat $frag; echo "$ver $recipe"; } | sha256sum | cut -c1-16)
obj=$cache/kernel-$arch-$hash
mkdir -p "$cache" || die "cannot create $cache"
exec 9> "$cache/lock" || die "cannot open $cache/lock"
flock 9 || die "flock $cache/lock"

# the source, once per package version
src=$cache/linux-source-6.1-$ver
if [ ! -f "$src/.unpacked" ]; then
	say "unpacking $tar"
	rm -rf "$src"; mkdir -p "$src"
	tar -C "$src" --strip-components=1 -xJf "$tar" || die "unpacking $tar"
	touch "$src/.unpacked"
fi

# the source is unpacked: one lock per tree from here on
exec 8> "$obj.lock" || die "cannot open $obj.lock"
flock 8 || die "flock $obj.lock"
exec 9>&-

k() { nice -n 5 make -s -C "$src" O="$obj" ARCH="$karch" ${cross:+CROSS_COMPILE=$cross} "$@"; }
if [ ! -f "$obj/.configured" ]; then
	say "configuring $arch in $obj"
	rm -rf "$obj"; mkdir -p "$obj"
	k allnoconfig >/dev/null || die "allnoconfig"
	# shellcheck disable=SC2086
	(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" $frag) \
		> "$obj/merge.log" 2>&1 || die "merge_config (log: $obj/merge.log)"
	# relative to the object tree: the tree can be moved or renamed
	"$src/scripts/config" --file "$obj/.config" --set-str INITRAMFS_SOURCE initramfs.list
	k olddefconfig >/dev/null || die "olddefconfig"
	# a fragment line the kernel dropped (a missing dependency) is a
	# configuration error, not a smaller kernel
	grep -h '^CONFIG_' $frag | while IFS= read -r l; do
		grep -qx -- "$l" "$obj/.config" || die "$arch: $l did not survive olddefconfig"
	done
	touch "$obj/.configured"
fi
cp "$list" "$obj/initramfs.list.new"
cmp -s "$obj/initramfs.list.new" "$obj/initramfs.list" 2>/dev/null &&
	rm "$obj/initramfs.list.new" || mv "$obj/initramfs.list.new" "$obj/initramfs.list"
start=$(date +%s)
k -j"$(nproc 2>/dev/null || echo 2)" "$target" > "$obj/build.log" 2>&1 ||
	{ tail -n 20 "$obj/build.log" >&2; die "building $target (log: $obj/build.log)"; }
say "$arch $target in $(( $(date +%s) - start )) s"
mkdir -p "$(dirname "$out")"
cp "$obj/$image" "$out.tmp" && mv "$out.tmp" "$out" || die "copying $image to $out"
