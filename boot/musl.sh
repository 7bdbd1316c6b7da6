#!/bin/sh
# musl.sh: build musl from Debian's source package for a target, static
# only, with a cross compiler, and a musl-gcc-like wrapper around it.
#
#   sh boot/musl.sh OUT ARCH CROSS_COMPILE
#
# OUT            install prefix: OUT/include, OUT/lib, OUT/bin/ARCH-linux-musl-gcc;
#                OUT/.stamp says "musl musl VERSION", the source built
#                (and " (time64-only)" for or1k, see below)
# ARCH           aarch64 or or1k (musl's names)
# CROSS_COMPILE  the toolchain prefix, e.g. aarch64-linux-gnu- or or1k-elf-
#
# The wrapper is `CROSS_COMPILE-gcc "$@" -specs OUT/lib/musl-gcc.specs`, as
# musl's own musl-gcc.  or1k-elf-gcc is a bare-metal compiler, so its specs
# also say three things the Linux toolchains know: the system macros
# (__linux__, which or1k-elf does not define), the entry point (its link
# spec forces --entry=0x100, the reset vector), and a linker script whose
# first PT_LOAD covers the ELF and program headers (the default one starts
# text at VMA 0 outside every segment: binfmt_elf then passes AT_PHDR=0 and
# musl's static TLS setup walks a NULL phdr; qemu-or1k does not notice).
set -eu
out=$1 arch=$2 cross=$3
jobs=$(nproc 2>/dev/null || echo 2)
say() { printf 'musl: %s\n' "$*" >&2; }
die() { printf 'musl: fatal: %s\n' "$*" >&2; exit 111; }

case $arch in aarch64|or1k) ;; *) die "unknown ARCH $arch (aarch64 or or1k)" ;; esac
command -v "${cross}gcc" >/dev/null || die "${cross}gcc missing (sh boot/packages.sh)"
mkdir -p "$out"
out=$(cd "$out" && pwd)
wrap=$out/bin/$arch-linux-musl-gcc
[ -x "$wrap" ] && [ -f "$out/.stamp" ] && exit 0

# the source: boot/srcpkg.sh, in DEPS_SRC (shared by every target) or OUT/src
src=${DEPS_SRC:-$out/src}
here=$(cd "$(dirname "$0")" && pwd)
d=$(sh "$here/srcpkg.sh" "$src" musl) || exit 111
version=$(cat "$src/musl.version")
say "building musl $version for $arch with ${cross}gcc"
b=$out/obj
rm -rf "$b"; mkdir -p "$b"
(cd "$b" && "$d/configure" --target="$arch-linux-musl" CC="${cross}gcc" CROSS_COMPILE="$cross" \
	--prefix="$out" --disable-shared --disable-wrapper >/dev/null) > "$out/build.log" 2>&1 ||
	{ tail -n 20 "$out/build.log" >&2; die "configuring musl (log: $out/build.log)"; }
# A 32-bit target (or1k) gets a "time64-only" musl: the system calls that
# have a 64-bit-time twin (futex_time64, utimensat_time64, ...) are
# called only by that twin, as on musl's time64-only ports.  musl as
# released calls the old 32-bit-time ones whenever the values fit, and a
# kernel built without COMPAT_32BIT_TIME (the y2038-clean embedded
# configuration, and allnoconfig's) answers ENOSYS: every futex wait of
# the threads spins instead of sleeping (on one CPU the waiting thread
# takes half of it from the working one), and utimensat fails, so no
# unpacked entry gets its mtime.  The twins exist from Linux 5.1 on.
# musl's src/internal/syscall.h maps each plain name to its twin when the
# arch's list lacks it; the list, generated as musl's Makefile generates
# obj/include/bits/syscall.h, lacks them.
t32='clock_gettime|clock_settime|clock_adjtime|clock_getres|clock_nanosleep|timer_gettime|timer_settime'
t32="$t32|timerfd_gettime|timerfd_settime|utimensat|pselect6|ppoll|recvmmsg|mq_timedsend|mq_timedreceive"
t32="$t32|rt_sigtimedwait|futex|sched_rr_get_interval"
t64=
if [ "$arch" = or1k ]; then
	t64=" (time64-only)"
	in=$d/arch/$arch/bits/syscall.h.in h=$b/obj/include/bits/syscall.h
	mkdir -p "$b/obj/include/bits"
	grep -Ev "^#define __NR_($t32)[[:space:]]" "$in" > "$h" &&
	grep -Ev "^#define __NR_($t32)[[:space:]]" "$in" | sed -n -e s/__NR_/SYS_/p >> "$h" ||
		die "the time64-only system call list from $in"
	[ "$(grep -cE "^#define __NR_($t32)(64|_time64)[[:space:]]" "$h")" = 18 ] ||
		die "$in: not the 18 64-bit-time twins expected"
fi
(cd "$b" && make -s -j"$jobs" && make -s install) >> "$out/build.log" 2>&1 ||
	{ tail -n 20 "$out/build.log" >&2; die "building musl (log: $out/build.log)"; }
rm -rf "$b"
# the installed list is the one built with: no plain name of a twin left
if [ "$arch" = or1k ] && grep -qE "^#define (__NR|SYS)_($t32)[[:space:]]" "$out/include/bits/syscall.h"; then
	die "musl's Makefile regenerated bits/syscall.h: the time64-only list was not used"
fi

inc=$out/include lib=$out/lib
# as musl-gcc.specs: the PIE start files, which also serve -static
defs= start="$lib/Scrt1.o $lib/crti.o crtbeginS.o%s" end="crtendS.o%s $lib/crtn.o" link=
if [ "$arch" = or1k ]; then
	defs="-D__linux__ -D__linux -D__unix__ -D__unix"
	# or1k-elf's crtbegin/crtend belong to newlib's startup: musl's alone
	start="$lib/crt1.o $lib/crti.o" end="$lib/crtn.o"
	"${cross}ld" --verbose | sed -n '/^======/,/^======/p' | sed '1d;$d' |
		sed 's/SEGMENT_START("text-segment", 0x0*)); \. = SEGMENT_START("text-segment", 0x0*);/SEGMENT_START("text-segment", 0x2000)); . = SEGMENT_START("text-segment", 0x2000) + SIZEOF_HEADERS;/' \
		> "$lib/or1k-linux.ld"
	grep -q 'SEGMENT_START("text-segment", 0x2000) + SIZEOF_HEADERS' "$lib/or1k-linux.ld" ||
		die "or1k-elf-ld's default script changed: cannot place the headers in the first segment"
	# the script unless the link names its own (gcc -T: the second
	# link of popinit, boot/layout.sh's script; ld stops with an internal
	# error on two)
	link="%{!T*:-T $lib/or1k-linux.ld} --entry=_start -z noexecstack"
fi
cat > "$lib/musl-gcc.specs" <<EOF
%rename cpp_options old_cpp_options

*cpp_options:
-nostdinc -isystem $inc -isystem include%s $defs %(old_cpp_options)

*cc1:
%(cc1_cpu) -nostdinc -isystem $inc -isystem include%s $defs

*link_libgcc:
-L$lib -L .%s

*libgcc:
libgcc.a%s %:if-exists(libgcc_eh.a%s)

*startfile:
$start

*endfile:
$end

*lib:
-lc

*link:
-static -nostdlib $link %{rdynamic:-export-dynamic}

*esp_link:


*esp_options:


*esp_cpp_options:


EOF
mkdir -p "$out/bin"
printf '#!/bin/sh\nexec "${REALGCC:-%sgcc}" "$@" -specs "%s"\n' "$cross" "$lib/musl-gcc.specs" > "$wrap"
chmod 755 "$wrap"
echo "musl musl $version$t64" > "$out/.stamp"
