#!/bin/sh
# kernel.sh: fetch Debian's kernel (the one linux-image-amd64 points to)
# and unpack it under DIR once; print the path of its vmlinuz.
#
#   sh boot/kernel.sh DIR
#
# DIR/boot/vmlinuz-*, DIR/lib/modules/*/ hold the kernel and its modules.
set -eu
dir=$1
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
found() { ls "$dir"/boot/vmlinuz-* 2>/dev/null | head -n 1; }
if [ -z "$(found)" ]; then
	meta=${POPINIT_KERNEL_PKG:-linux-image-amd64}
	pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || { echo "kernel.sh: fatal: cannot resolve $meta (apt-get update?)" >&2; exit 111; }
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -q "$pkg" >&2) ||
		{ echo "kernel.sh: fatal: apt-get download $pkg failed" >&2; exit 111; }
	dpkg -x "$tmp"/*.deb "$dir"
fi
k=$(found)
[ -n "$k" ] || { echo "kernel.sh: fatal: no vmlinuz in $dir/boot" >&2; exit 111; }
echo "$k"
