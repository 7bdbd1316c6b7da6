#!/bin/sh
# compare.sh: unpack each corpus image with popinit on the host, the way
# the kernel saw it in record.sh, and compare with the kernel's listing.
#
#   sh tests/oracle/compare.sh [NAME...]
#
# Prints "PASS name" / "FAIL name: why" lines.  Needs root (chroot, mknod,
# chown), as unpacking does for the kernel.
#
# The host tree starts as the kernel's rootfs does: a 1777 root, the
# built-in archive (builtin.list), and /dev/console touched (console
# writes keep its mtime current in the guest).  Then popinit unpacks the
# same bytes the kernel did: an archive standing for the oracle's, then
# the case.  The error line must match: the kernel's message as popinit's,
# or, where the kernel saw none, popinit succeeding, or reporting only
# what NAME.expect lists as "late: TEXT".
set -u
. "$(dirname "$0")/common.sh"

: > "$work/placeholder"
prefix "$work/prefix-host.cpio" "$work/placeholder"
sed 's/^# mtime:.*//' "$top/tests/oracle/builtin.list" > "$work/builtin.list"
"$popinit" mkimage -t "$builtin_mtime" -o "$work/builtin.cpio" "$work/builtin.list"

if [ $# -eq 0 ]; then
	set -- $(cd "$corpus" && ls *.kernel | sed 's/\.kernel$//')
fi

for name in "$@"; do
	d=$work/host-$name
	rm -rf "$d"
	mkdir -p "$d/root"
	chmod 1777 "$d/root"
	"$popinit" unpack --root "$d/root" "$work/builtin.cpio" || { echo "FAIL $name: builtin"; continue; }
	touch -h "$d/root/dev/console"
	cat "$work/prefix-host.cpio" "$corpus/$name.img" |
		"$popinit" unpack --root "$d/root" - 2> "$d/stderr"
	rc=$?
	"$top/build/test/treelist" "$d/root" > "$d/got"
	sed 1d "$corpus/$name.kernel" > "$d/want"
	kerr=$(sed -n '1s/^error: //p' "$corpus/$name.kernel")
	why=
	if ! cmp -s "$d/want" "$d/got"; then
		why="tree differs: $(diff "$d/want" "$d/got" | head -5 | tr '\n' '|')"
	elif [ "$kerr" != none ]; then
		if [ $rc -eq 0 ]; then
			why="kernel failed ($kerr), popinit succeeded"
		elif ! grep -q "^popinit: fatal: -: $kerr\( (.*\)\?\( at .*\)\?\$" "$d/stderr"; then
			why="kernel said '$kerr', popinit: $(head -1 "$d/stderr")"
		fi
	elif [ $rc -ne 0 ]; then
		if [ ! -f "$corpus/$name.expect" ]; then
			why="kernel succeeded, popinit failed: $(head -1 "$d/stderr")"
		else
			while IFS= read -r line; do
				case $line in
				late:*) t=${line#late: }
					grep -qF "$t" "$d/stderr" || why="expected late '$t', got: $(head -1 "$d/stderr")" ;;
				esac
			done < "$corpus/$name.expect"
			grep -q '^popinit: fatal:' "$d/stderr" && why="kernel succeeded, popinit: $(head -1 "$d/stderr")"
		fi
	elif [ -f "$corpus/$name.expect" ] && grep -q '^late:' "$corpus/$name.expect"; then
		why="expected a late report, popinit said nothing"
	fi
	if [ -z "$why" ]; then
		echo "PASS corpus/$name"
		rm -rf "$d"
	else
		echo "FAIL corpus/$name: $why"
	fi
done
