#!/bin/sh
# size.sh: the size of the stripped binary and the share of each part,
# from the link map (only sections that were kept, i.e. after the
# "Linker script and memory map" line, and only allocated ones).
#
#   sh tests/size.sh BINARY MAP [LIMIT [DEPS [MUSL]]]
#
# DEPS: the libraries' directory (build/deps): the Debian source versions
# built there are named (their .stamp-LIB files); MUSL: the C library's
# stamp for a cross build (build/ARCH/musl/.stamp), else Debian's musl-dev.
set -eu
bin=$1 map=$2 limit=${3:-307200} deps=${4:-} musl=${5:-}
size=$(stat -c %s "$bin")
awk -v total="$size" '
	/^Linker script and memory map/ { on = 1; next }
	!on { next }
	/^\/DISCARD\// { on = 0 }
	# an output section header: note whether it is one that takes space
	/^\.[a-z]/ { split($1, a, " "); sect = a[1];
		keep = (sect ~ /^\.(text|rodata|data|init_array|fini_array|eh_frame|gcc_except_table|tdata|init|fini|data\.rel\.ro)/) }
	# an input section, on one line or with its name on the line before
	/^ \.[^ ]+ +0x[0-9a-f]+ +0x[0-9a-f]+ / { if (keep) add($3, $4); next }
	/^ \.[^ ]+$/ { pending = 1; next }
	pending && /^ +0x[0-9a-f]+ +0x[0-9a-f]+ / { pending = 0; if (keep) add($2, $3); next }
	{ pending = 0 }
	function hexval(h,   i, v) {
		v = 0; h = tolower(substr(h, 3))
		for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
		return v
	}
	function add(hex, file,   n, part) {
		n = hexval(hex)
		if (file ~ /\/obj\//) part = "popinit"
		else if (file ~ /libz\.a/) part = "zlib (gzip)"
		else if (file ~ /liblzma\.a/) part = "liblzma (xz, lzma)"
		else if (file ~ /libzstd\.a/) part = "zstd"
		else if (file ~ /liblz4\.a/) part = "lz4"
		else if (file ~ /libbz2\.a/) part = "bzip2"
		else if (file ~ /libminilzo\.a/) part = "minilzo (lzo)"
		else if (file ~ /libbearssl\.a/) part = "BearSSL"
		else if (file ~ /libc\.a/) part = "musl libc"
		else part = "startup, libgcc"
		bytes[part] += n; sum += n
	}
	END {
		printf "%-22s %9s %6s\n", "part", "bytes", "share"
		for (p in bytes) printf "%-22s %9d %5.1f%%\n", p, bytes[p], 100 * bytes[p] / sum | "sort -t\"|\" -k1,1"
		close("sort -t\"|\" -k1,1")
		printf "%-22s %9d   (code and data; the file adds headers and alignment)\n", "sections", sum
	}' "$map"
if [ -n "$deps" ]; then
	if [ -n "$musl" ] && [ -f "$musl" ]; then
		libc=$(cut -d' ' -f2- "$musl")
	else
		libc="musl-dev $(dpkg-query -W -f '${Version}' musl-dev 2>/dev/null || echo '?') (Debian's build)"
	fi
	printf 'built from Debian sources: %s' "$libc"
	for f in "$deps"/.stamp-*; do
		[ -f "$f" ] && printf ', %s' "$(cut -d' ' -f2- "$f")"
	done
	echo
fi
echo "stripped binary: $size bytes ($(( size / 1024 )) KiB), limit $limit"
[ "$size" -le "$limit" ] || { echo "size: over the limit" >&2; exit 1; }
