#!/bin/sh
# deps.sh: the libraries build from whatever versions the mirror serves.
# From an empty source cache, with wrappers around apt-cache and apt-get
# that list a newer version of every source package which cannot be
# fetched (as a security update whose source the mirror no longer
# serves), boot/deps.sh builds every library from the newest version that
# can be, says which it skipped, and popinit builds and runs with them.
# A package none of whose versions can be fetched fails, naming each
# version tried.  PASS/FAIL lines.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
w=${TESTDIR:-$top/build/test}/deps
rm -rf "$w"; mkdir -p "$w/bin"
cd "$top" || exit 1
fake=99:0-0popinit

# apt-cache showsrc PKG: a stanza of the fake version first, then the real
cat > "$w/bin/apt-cache" <<EOF
#!/bin/sh
[ "\$1" = showsrc ] && printf 'Package: %s\nVersion: $fake\n\n' "\$2"
exec /usr/bin/apt-cache "\$@"
EOF
# apt-get source: every version of \$UNSERVED fails as the mirror's 404
cat > "$w/bin/apt-get" <<'EOF'
#!/bin/sh
if [ "$1" = source ] && [ -n "${UNSERVED:-}" ]; then
	for a; do
		case $a in "$UNSERVED="*)
			echo "E: Failed to fetch http://deb.debian.org/debian/pool/main/$a.dsc  404  Not Found" >&2
			exit 100 ;;
		esac
	done
fi
exec /usr/bin/apt-get "$@"
EOF
chmod 755 "$w/bin/apt-cache" "$w/bin/apt-get"
export PATH="$w/bin:$PATH"

libs="zlib xz zstd lz4 bzip2 lzo bearssl"
if DEPS_SRC=$w/src sh boot/deps.sh "$w/deps" musl-gcc x86_64-linux-musl $libs > "$w/build.log" 2>&1; then
	why=
	for lib in $libs; do
		set -- $(cat "$w/deps/.stamp-$lib" 2>/dev/null)
		pkg=${2:-?} v=${3:-}
		if [ -z "$v" ] || [ "$v" = "$fake" ]; then
			why="$why $lib: stamp '$*';"
		elif ! /usr/bin/apt-cache showsrc "$pkg" | grep -qx "Version: $v"; then
			why="$why $lib: $v is not a version the index lists;"
		elif ! grep -q "^srcpkg: $pkg $fake: cannot be fetched: E: " "$w/build.log" ||
		     ! grep -q "^srcpkg: $pkg: unpacked $v (newer, not served: $fake" "$w/build.log"; then
			why="$why $lib: the skipped version is not named;"
		fi
	done
	if [ -z "$why" ]; then echo "PASS deps/newest-unserved-skipped"
	else echo "FAIL deps/newest-unserved-skipped:$why (log: $w/build.log)"; fi
	# popinit itself, built and run with these libraries
	if make -s B="$w/b" DEPS="$w/deps" DEPS_SRC="$w/src" "$w/b/popinit" > "$w/make.log" 2>&1 &&
	   "$w/b/popinit" list tests/corpus/codec-zstd.img > "$w/list" 2>&1 &&
	   "$w/b/popinit" list tests/corpus/codec-xz.img >> "$w/list" 2>&1; then
		echo "PASS deps/popinit-built-with-them"
	else echo "FAIL deps/popinit-built-with-them: $(tail -n 3 "$w/make.log" "$w/list" 2>/dev/null | tr '\n' ' ')"; fi
else
	echo "FAIL deps/newest-unserved-skipped: boot/deps.sh failed: $(tail -n 3 "$w/build.log" | tr '\n' ' ')"
	echo "FAIL deps/popinit-built-with-them: no libraries"
fi

# no version of lz4 served: the build stops, naming every version tried
UNSERVED=lz4 DEPS_SRC=$w/src2 sh boot/deps.sh "$w/deps2" musl-gcc x86_64-linux-musl lz4 > "$w/none.log" 2>&1
rc=$?
real=$(/usr/bin/apt-cache showsrc lz4 | sed -n 's/^Version: //p' | sort -u)
why=
[ $rc -ne 0 ] || why="$why it succeeded;"
[ ! -e "$w/deps2/.stamp-lz4" ] || why="$why a stamp was written;"
line=$(grep '^srcpkg: fatal: no version of lz4 can be fetched; tried:' "$w/none.log")
for v in $fake $real; do
	case $line in *" $v ("*) ;; *) why="$why $v not named;" ;; esac
done
[ -z "$(ls -A "$w/src2" 2>/dev/null | grep -v '^\.lock-')" ] || why="$why left files in the source cache: $(ls -A "$w/src2");"
if [ -z "$why" ]; then echo "PASS deps/no-version-served-names-each"
else echo "FAIL deps/no-version-served-names-each:$why $(tail -n 2 "$w/none.log" | tr '\n' ' ')"; fi
