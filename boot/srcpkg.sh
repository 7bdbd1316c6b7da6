#!/bin/sh
# srcpkg.sh: unpack the Debian source package PKG into DIR once; print the
# tree's path.  DIR/PKG.version names the version unpacked.
#
#   sh boot/srcpkg.sh DIR PKG
#
# The mirror may list a version whose files it no longer serves (a
# security update's source gets 404 from the security pool while the
# release's is still there), so every version `apt-cache showsrc PKG` lists
# is tried, newest first (dpkg --compare-versions), and the first one that
# can be fetched is unpacked; each newer one skipped is named with apt's
# reason.  None fetched: a fatal error naming every version tried.
#
# Each attempt downloads into a fresh directory of its own, so a half
# fetch leaves nothing behind; a lock on DIR lets several builds share it.
# deb-src lines are added when missing (which needs root).
set -eu
[ $# -eq 2 ] || { echo "usage: srcpkg.sh DIR PKG" >&2; exit 100; }
src=$1 pkg=$2

say() { printf 'srcpkg: %s\n' "$*" >&2; }
die() { printf 'srcpkg: fatal: %s\n' "$*" >&2; exit 111; }

mkdir -p "$src"
src=$(cd "$src" && pwd)

# the tree of PKG already unpacked (dpkg-source names it PKG-UPSTREAM)
tree() {
	[ -f "$src/$pkg.version" ] || return 0
	find "$src" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*" | head -n 1
}

enable_deb_src() {
	f=/etc/apt/sources.list.d/debian.sources
	if [ -f "$f" ] && grep -q '^Types: deb$' "$f"; then
		[ "$(id -u)" = 0 ] || die "deb-src lines are missing in $f and adding them needs root"
		say "adding deb-src to $f"
		sed -i 's/^Types: deb$/Types: deb deb-src/' "$f"
	elif [ -f /etc/apt/sources.list ] && ! grep -q '^deb-src' /etc/apt/sources.list &&
	     grep -q '^deb ' /etc/apt/sources.list; then
		[ "$(id -u)" = 0 ] || die "deb-src lines are missing and adding them needs root"
		say "adding deb-src to /etc/apt/sources.list"
		sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >> /etc/apt/sources.list
	else
		return 0
	fi
	apt-get update -q >&2 || die "apt-get update failed"
}

# the versions of PKG's source the index lists, newest first
versions() {
	apt-cache showsrc "$pkg" 2>/dev/null |
		awk -v p="$pkg" '/^Package: / { ok = ($2 == p) } ok && /^Version: / { print $2 }' |
		sort -u > "$tmp/list"
	while [ -s "$tmp/list" ]; do
		best=
		while read -r v; do
			if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
		done < "$tmp/list"
		echo "$best"
		grep -vxF -- "$best" "$tmp/list" > "$tmp/rest" || true
		mv "$tmp/rest" "$tmp/list"
	done
}

exec 9> "$src/.lock-$pkg"
flock 9 || die "cannot lock $src/.lock-$pkg"
d=$(tree)
if [ -n "$d" ]; then echo "$d"; exit 0; fi

command -v dpkg-source >/dev/null || die "dpkg-source missing: apt-get install dpkg-dev"
tmp=$(mktemp -d "$src/.fetch-$pkg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
list=$(versions)
if [ -z "$list" ]; then
	enable_deb_src
	list=$(versions)
fi
[ -n "$list" ] || die "apt-cache showsrc $pkg lists no version (deb-src lines: sh boot/packages.sh)"

tried= skipped=
for v in $list; do
	rm -rf "$tmp/get"; mkdir "$tmp/get"
	if (cd "$tmp/get" && apt-get source -qq "$pkg=$v") > "$tmp/log" 2>&1; then
		d=$(find "$tmp/get" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*" | head -n 1)
		[ -n "$d" ] || die "apt-get source $pkg=$v left no $pkg-* tree"
		find "$src" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*" -exec rm -rf {} +
		mv "$d" "$src/" || die "cannot move ${d##*/} into $src"
		echo "$v" > "$src/$pkg.version"
		say "$pkg: unpacked $v${skipped:+ (newer, not served:$skipped)}"
		echo "$src/${d##*/}"
		exit 0
	fi
	why=$(grep -m 1 '^E: ' "$tmp/log" || tail -n 1 "$tmp/log")
	say "$pkg $v: cannot be fetched: ${why:-apt-get source failed}"
	tried="$tried $v (${why:-apt-get source failed})"
	skipped="$skipped $v"
done
die "no version of $pkg can be fetched; tried:$tried"
