#!/bin/sh
# deps.sh: build the third-party decoders and BearSSL, decoder-only and static,
# from Debian's source packages, with the target's C compiler.
#
#   sh boot/deps.sh OUT CC HOST LIB...
#
# OUT   install prefix (OUT/lib/*.a, OUT/include/*), e.g. build/deps
# CC    the compiler, e.g. musl-gcc (and $AR its archiver, default ar)
# HOST  the configure triplet of the target, e.g. x86_64-linux-musl
# LIB   any of: zlib xz kxz zstd lz4 bzip2 lzo bearssl
#       (kxz: the kernel's own xz decoder, lib/xz of Debian's linux-source-6.1,
#       from its /usr/src tarball, or $KSRC_TAR: make XZDEC=kernel)
#
# The codecs' build options trade speed for size (tests/bench/options.sh
# measures each); the defaults are below, and the environment may
# override them for a variant built elsewhere (OUT of its own):
#   ZSTD_FLAGS   libzstd's compiler flags (default $zstd_flags)
#   ZSTD_FSE_OPT fse_decompress.c's optimisation (default -Os: its tables
#                are built once a block, not a byte: 3.4 KB smaller for
#                0.4 % more instructions decoding; empty: as ZSTD_FLAGS)
#   LZMA_SMALL   yes: liblzma --enable-small (default), no: the fast one
#   LZMA_OPT     liblzma's optimisation (default -Os)
#   ZLIB_OPT     zlib's optimisation (default -Os)
#   KXZ_OPT      the kernel's xz decoder's (default -O2, as the kernel builds
#                it; empty: -Os)
#   LZ4_OPT      lz4's (default -O2: x0.82 of -Os's time in QEMU, x0.92 on the
#                host, for 448 bytes; on x86_64 with -DLZ4_FAST_DEC_LOOP=0,
#                the plain loop the kernel's lib/lz4 has: x0.88 of liblz4's
#                wide-copy loop's time in QEMU, x1.08 on the host, 960 bytes
#                smaller; under qemu-aarch64 x0.98, so aarch64 keeps
#                liblz4's choice: tests/bench/options.sh, bench/history.md
#                2t; empty: -Os)
#
# Nothing third-party is committed: the sources come from `apt-get source`
# (boot/srcpkg.sh: the newest version the mirror serves; deb-src lines are
# added when missing, which needs root) into OUT/src and are reused, so a
# second run only rebuilds what lacks its OUT/.stamp-LIB.  The stamp holds
# "LIB PKG VERSION", the source built (make size shows them).
set -eu

out=$1; cc=$2; host=$3; shift 3
# a compiler given by a relative path must survive the cd into the sources
case $cc in */*) cc=$(cd "$(dirname "$cc")" && pwd)/$(basename "$cc") ;; esac
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/lib" "$out/include"
out=$(cd "$out" && pwd)
# DEPS_SRC: where the sources are (default OUT/src), to build them again
# with another compiler without fetching them again
src=${DEPS_SRC:-$out/src}
mkdir -p "$src"
zstd_flags="-O2 -DHUF_FORCE_DECOMPRESS_X1 -DZSTD_FORCE_DECOMPRESS_SEQUENCES_SHORT"
opt="-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables"
jobs=$(nproc 2>/dev/null || echo 2)
ar=${AR:-ar}

say() { printf 'deps: %s\n' "$*" >&2; }
die() { printf 'deps: fatal: %s\n' "$*" >&2; exit 111; }

# Debian source package of each library.
pkg_of() {
	case $1 in
	zlib) echo zlib ;; xz) echo xz-utils ;; zstd) echo libzstd ;;
	lz4) echo lz4 ;; bzip2) echo bzip2 ;; lzo) echo lzo2 ;;
	bearssl) echo bearssl ;; kxz) echo linux-source-6.1 ;; *) die "unknown library $1" ;;
	esac
}

# bcj_of HOST: the BCJ filters the kernel builds for HOST's architecture
# (lib/xz/Kconfig), in liblzma's names
bcj_of() {
	case $1 in
	x86_64*|i?86*) echo x86 ;; powerpc*) echo powerpc ;; ia64*) echo ia64 ;;
	arm*) echo arm armthumb ;; sparc*) echo sparc ;; *) ;;
	esac
}

# fetch_kxz: lib/xz and include/linux/xz.h of linux-source-6.1 (installed
# by boot/packages.sh), once, in $src; the tree in $d, the version in $version
fetch_kxz() {
	tar=${KSRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
	[ -f "$tar" ] || die "$tar missing: apt-get install linux-source-6.1 (sh boot/packages.sh)"
	version=$(dpkg-query -W -f '${Version}' linux-source-6.1 2>/dev/null) || version=unknown
	d=$src/kxz-$version
	[ -f "$d/lib/xz/xz_dec_lzma2.c" ] && return 0
	rm -rf "$d.new"; mkdir -p "$d.new"
	tar -C "$d.new" --strip-components=1 -xJf "$tar" linux-source-6.1/lib/xz \
		linux-source-6.1/include/linux/xz.h || die "extracting lib/xz from $tar"
	rm -rf "$d"; mv "$d.new" "$d"
}

# fetch PKG: the Debian source tree of PKG (boot/srcpkg.sh: once, in $src,
# the newest version the mirror serves); its version in $version
fetch() {
	d=$(sh "$here/srcpkg.sh" "$src" "$1") || exit 111
	version=$(cat "$src/$1.version")
}

# cc_lib NAME FLAGS FILE...: compile FILEs into OUT/lib/libNAME.a
cc_lib() {
	name=$1 flags=$2; shift 2
	objs=$out/obj-$name
	rm -rf "$objs"; mkdir -p "$objs"
	for f; do
		# shellcheck disable=SC2086
		$cc $opt $flags -c "$f" -o "$objs/$(basename "$f" .c).o" || die "compiling $f"
	done
	rm -f "$out/lib/lib$name.a"
	$ar rcs "$out/lib/lib$name.a" "$objs"/*.o || die "ar lib$name.a"
	rm -rf "$objs"
}

build() {
	pkg=$(pkg_of "$1")
	if [ "$1" = kxz ]; then fetch_kxz; else fetch "$pkg"; fi
	case $1 in
	zlib)	# inflate only: the gzip container is parsed by popinit itself
		cc_lib z "${ZLIB_OPT:-}" "$d/inflate.c" "$d/inftrees.c" "$d/inffast.c" \
			"$d/adler32.c" "$d/crc32.c" "$d/zutil.c"
		cp "$d/zlib.h" "$d/zconf.h" "$out/include/" ;;
	xz)	# liblzma, decoders only: LZMA1, LZMA2 and the BCJ filter the
		# kernel builds for this architecture (lib/xz/Kconfig), so that
		# images the kernel refuses are refused alike
		bcj=; for f in $(bcj_of "$host"); do bcj=$bcj,$f; done
		b=$out/obj-xz; rm -rf "$b"; mkdir -p "$b"
		small=--enable-small
		[ "${LZMA_SMALL:-yes}" = yes ] || small=--disable-small
		(cd "$b" && CC=$cc AR=$ar RANLIB=${ar%ar}ranlib CFLAGS="$(echo "$opt" | sed "s/-Os/${LZMA_OPT:--Os}/")" \
			"$d/configure" -q --host="$host" \
			--prefix="$out" --disable-shared --enable-static \
			--disable-xz --disable-xzdec --disable-lzmadec --disable-lzmainfo \
			--disable-lzma-links --disable-scripts --disable-doc --disable-nls \
			--enable-encoders= --enable-decoders=lzma1,lzma2$bcj \
			--enable-match-finders= --enable-checks=crc32,crc64,sha256 \
			--enable-threads=no $small --disable-microlzma \
			--disable-lzip-decoder >&2 &&
		 make -s -j"$jobs" -C src/liblzma >&2 &&
		 make -s -C src/liblzma install >&2) || die "building liblzma"
		# --enable-small's CRC32 goes a byte at a time (a fifth of an xz
		# unpack): popinit's slicing-by-8, tables in .bss, replaces it
		if [ "$small" = --enable-small ]; then
			$cc $opt -c "$here/lzma_crc32.c" -o "$b/lzma_crc32.o" &&
			$ar d "$out/lib/liblzma.a" liblzma_la-crc32_small.o &&
			$ar rs "$out/lib/liblzma.a" "$b/lzma_crc32.o" || die "liblzma: replacing crc32_small.o"
		fi
		rm -rf "$b" "$out/lib/liblzma.la" "$out/lib/pkgconfig" ;;
	kxz)	# the kernel's own xz decoder, as init/initramfs.c runs it
		# (decompress_unxz.c: DYNALLOC, the checks none and CRC32,
		# LZMA2 and the architecture's BCJ); boot/xz_config.h adapts it
		# and gives it popinit's CRC-32 in place of xz_crc32.c
		defs=; for f in $(bcj_of "$host"); do defs="$defs -DXZ_DEC_$(echo "$f" | tr a-z A-Z)"; done
		# shellcheck disable=SC2046 # the BCJ source: one word or none
		cc_lib kxz "${KXZ_OPT--O2} -I$here -I$d/include/linux $defs" "$d/lib/xz/xz_dec_stream.c" \
			"$d/lib/xz/xz_dec_lzma2.c" $(if [ -n "$defs" ]; then echo "$d/lib/xz/xz_dec_bcj.c"; fi)
		cp "$d/include/linux/xz.h" "$out/include/"
		# the filters chosen, for a build of the same sources elsewhere
		# (tests/kxz.sh: the unit tests with the sanitizers)
		echo "$defs" > "$out/lib/kxz.defs" ;;
	zstd)	# decompressor only, no legacy formats; -O2 with one Huffman
		# and one sequence decoder, the single-symbol Huffman (X1) and
		# the short-offset sequences: of every pair the smaller and the
		# faster (tests/bench/options.sh: against X2 and the long
		# sequences, -8.5 KB, 0.81x the time on the host, 0.72x in QEMU);
		# the BMI2 variants chosen at run time stay (22 KB, but 1.2x the
		# time without them on the host, 1.4x in QEMU)
		# (built in a copy: the source tree is shared by every target)
		b=$out/obj-zstd; rm -rf "$b"; cp -a "$d/lib" "$b"
		(cd "$b" && CC=$cc CFLAGS="$(echo "$opt" | sed s/-Os//) ${ZSTD_FLAGS:-$zstd_flags}" \
			make -s -j"$jobs" AR="$ar" libzstd.a \
			ZSTD_LIB_COMPRESSION=0 ZSTD_LIB_DICTBUILDER=0 \
			ZSTD_LIB_DEPRECATED=0 ZSTD_LEGACY_SUPPORT=0 >&2) || die "building libzstd"
		fse=${ZSTD_FSE_OPT--Os}
		if [ -n "$fse" ]; then
			# shellcheck disable=SC2046 # the flags: words
			$cc $(echo "$opt" | sed s/-Os//) ${ZSTD_FLAGS:-$zstd_flags} $fse -DXXH_NAMESPACE=ZSTD_ \
				-DDEBUGLEVEL=0 -DZSTD_LEGACY_SUPPORT=0 -c "$b/common/fse_decompress.c" -o "$b/fse_decompress.o" &&
			$ar r "$b/libzstd.a" "$b/fse_decompress.o" || die "libzstd: fse_decompress.o at $fse"
		fi
		cp "$b/libzstd.a" "$out/lib/"
		cp "$d/lib/zstd.h" "$d/lib/zstd_errors.h" "$out/include/"
		rm -rf "$b" ;;
	lz4)	case $host in x86_64*) lz4_opt="-O2 -DLZ4_FAST_DEC_LOOP=0" ;; *) lz4_opt=-O2 ;; esac
		cc_lib lz4 "${LZ4_OPT-$lz4_opt}" "$d/lib/lz4.c"
		cp "$d/lib/lz4.h" "$out/include/" ;;
	bzip2)	# BZ_NO_STDIO: popinit supplies bz_internal_error()
		cc_lib bz2 "-DBZ_NO_STDIO -D_FILE_OFFSET_BITS=64" "$d/bzlib.c" \
			"$d/decompress.c" "$d/huffman.c" "$d/crctable.c" "$d/randtable.c"
		# the private header too: popinit reads the decoder's state to
		# tell a bad CRC from bad data, as the kernel's messages do
		cp "$d/bzlib.h" "$d/bzlib_private.h" "$out/include/" ;;
	lzo)	# minilzo carries LZO1X decompression and nothing else we need;
		# it loads 4 bytes at unaligned addresses by design (x86), which
		# a sanitized build (make SAN=1) must not report
		na=; case $cc in *-fsanitize=*undefined*) na=-fno-sanitize=alignment ;; esac
		cc_lib minilzo "-I$d/include/lzo $na" "$d/minilzo/minilzo.c"
		cp "$d/minilzo/minilzo.h" "$d/include/lzo/lzoconf.h" "$d/include/lzo/lzodefs.h" "$out/include/" ;;
	bearssl) # (built in a copy: the source tree is shared by every target)
		b=$out/obj-bearssl; rm -rf "$b"; cp -a "$d" "$b"
		(cd "$b" && make -s clean >/dev/null 2>&1 || true
		 make -s -j"$jobs" CC="$cc" LD="$cc" AR="$ar" CFLAGS="-W -Wall $opt" \
			DLL=no TOOLS=no TESTS=no lib >&2) || die "building BearSSL"
		cp "$b/build/libbearssl.a" "$out/lib/"
		cp "$d"/inc/*.h "$out/include/"
		rm -rf "$b" ;;
	esac
}

# hot LIB: the functions of OUT/lib/libLIB.a moved to sections named
# .text.hot.*, which the linker's default script places as one group ahead
# of the rest of .text: there popinit's own code, whatever its changes, no
# longer moves the decoders' and hashes' loops.  Under QEMU's TCG a jump is
# chained to the next translated block only within a guest page: zlib's
# inflate_fast, moved across a page boundary by an unrelated change, cost
# the gzip unpack x1.41 (bench/history.md 2r).  Cold, start-up and exit
# code keeps its own groups.
hot() {
	a=$out/lib/lib$1.a
	# shellcheck disable=SC2046
	set -- $(${ar%ar}objdump -h "$a" | awk '$2 ~ /^\.text\./ && $2 !~ /^\.text\.(hot|unlikely|startup|exit)([.]|$)/ { print $2 }' |
		sort -u | sed 's/^\.text\.\(.*\)$/--rename-section .text.\1=.text.hot.\1/')
	[ $# = 0 ] || ${ar%ar}objcopy "$@" "$a" || die "objcopy: lib$1.a's sections to .text.hot.*"
}

for lib; do
	[ -f "$out/.stamp-$lib" ] && continue
	say "building $lib with $cc"
	build "$lib"
	case $lib in
	zlib) hot z ;; xz) hot lzma ;; bzip2) hot bz2 ;; lzo) hot minilzo ;; *) hot "$lib" ;;
	esac
	say "built $lib from $pkg $version"
	echo "$lib $pkg $version" > "$out/.stamp-$lib"
done
