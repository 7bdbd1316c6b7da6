#!/bin/sh
# packages.sh: install, as root on Debian 12, what building popinit and
# running its tests need (and enable deb-src for apt-get source).
set -eu
export DEBIAN_FRONTEND=noninteractive
if [ -f /etc/apt/sources.list.d/debian.sources ] &&
   grep -q '^Types: deb$' /etc/apt/sources.list.d/debian.sources; then
	sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
fi
apt-get update -q
apt-get install -y -q --no-install-recommends \
	build-essential musl-tools dpkg-dev ca-certificates xz-utils \
	gzip bzip2 lzop lz4 zstd cpio libarchive-tools busybox python3 strace time \
	zlib1g-dev liblzma-dev libzstd-dev liblz4-dev libbz2-dev clang \
	qemu-system-x86 initramfs-tools kmod fdisk e2fsprogs xfsprogs btrfs-progs dosfstools \
	erofs-utils squashfs-tools cryptsetup-bin valgrind \
	gcc-aarch64-linux-gnu gcc-or1k-elf binutils-or1k-elf qemu-system-arm qemu-system-misc qemu-user \
	linux-source-6.1 flex bison bc libelf-dev \
	man-db groff-base mandoc bsdextrautils librsvg2-bin udev openssl cgpt
