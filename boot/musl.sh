#!/bin/sh
# musl.sh: build musl from Debian's source package for a target, static
# only, with a cross compiler, and a musl-gcc-like wrapper around it.
#
#   sh boot/musl.sh OUT ARCH CROSS_COMPILE
#
# OUT            install prefix: OUT/include, OUT/lib, OUT/bin/ARCH-linux-musl-gcc;
#                OUT/.stamp says "musl musl VERSION", the source built
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
	--prefix="$out" --disable-shared --disable-wrapper >/dev/null &&
 make -s -j"$jobs" && make -s install) > "$out/build.log" 2>&1 ||
	{ tail -n 20 "$out/build.log" >&2; die "building musl (log: $out/build.log)"; }
rm -rf "$b"

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
	link="-T $lib/or1k-linux.ld --entry=_start -z noexecstack"
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
echo "musl musl $version" > "$out/.stamp"
