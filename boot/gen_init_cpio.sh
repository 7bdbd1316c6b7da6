#!/bin/sh
# gen_init_cpio.sh: build the kernel's own usr/gen_init_cpio from Debian's
# linux-source-6.1 package, for comparing popinit mkimage with it; print
# the path of the binary.  Nothing of the kernel source is kept but it.
#
#   sh boot/gen_init_cpio.sh OUTDIR
set -eu
out=$1
mkdir -p "$out"
out=$(cd "$out" && pwd)
bin=$out/gen_init_cpio
if [ ! -x "$bin" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -q linux-source-6.1 >&2) ||
		{ echo "gen_init_cpio.sh: fatal: apt-get download linux-source-6.1 failed" >&2; exit 111; }
	dpkg -x "$tmp"/linux-source-6.1_*.deb "$tmp/x"
	tar -C "$tmp" -xJf "$tmp"/x/usr/src/linux-source-6.1.tar.xz linux-source-6.1/usr/gen_init_cpio.c
	${HOST_CC:-gcc} -O2 -o "$bin" "$tmp/linux-source-6.1/usr/gen_init_cpio.c"
fi
echo "$bin"
