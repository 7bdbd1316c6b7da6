#!/bin/sh
# record.sh: boot Debian's kernel under QEMU with each corpus image as its
# initrd and record what it unpacked (make oracle).
#
#   sh tests/oracle/record.sh [NAME...]     (default: every tests/corpus/*.img)
#   sh tests/oracle/record.sh --builtin-mtime
#
# --builtin-mtime prints the mtime of the entries the kernel's own built-in
# archive makes (/dev, /root): the kernel build's timestamp, which differs
# from one kernel package to the next (builtin.list holds the one the
# committed listings were recorded with).
#
# The initrd is the oracle's own small archive, holding treelist as
# /.popinit-oracle (rdinit=), followed by the case's bytes: the case is
# unpacked by the kernel as it would be after any leading archive.  The
# listing and the kernel's error, if any, go to tests/corpus/NAME.kernel.
set -eu
. "$(dirname "$0")/common.sh"

kernel=$(sh "$top/boot/kernel.sh" "$top/build/kernel")
werror=; [ "${WERROR-}" = 1 ] && werror=-Werror
musl-gcc -static -Os -Wall $werror -Wextra -o "$work/treelist" "$top/tests/oracle/treelist.c"
prefix "$work/prefix.cpio" "$work/treelist"

if [ "${1:-}" = --builtin-mtime ]; then
	d=$work/builtin-mtime
	mkdir -p "$d"
	sh "$top/boot/qemu.sh" "$kernel" "$work/prefix.cpio" "$d/log" \
		"rdinit=/.popinit-oracle quiet loglevel=1" 180 >/dev/null 2>&1 || true
	m=$(tr -d '\r' < "$d/log" | awk '$1 == "/root" && $2 == "d" { print $7; exit }')
	[ -n "$m" ] || { echo "record.sh: no /root in the kernel's listing (see $d/log)" >&2; exit 1; }
	echo "$m"
	exit 0
fi

if [ $# -eq 0 ]; then
	set -- $(cd "$corpus" && ls *.img | sed 's/\.img$//')
fi

boot() {
	name=$1
	d=$work/$name
	mkdir -p "$d"
	cat "$work/prefix.cpio" "$corpus/$name.img" > "$d/initrd"
	rm -f "$d/log"
	sh "$top/boot/qemu.sh" "$kernel" "$d/initrd" "$d/log" \
		"rdinit=/.popinit-oracle quiet loglevel=1" 180 >/dev/null 2>&1 || true
	if grep -q '^@@ORACLE-END@@' "$d/log"; then
		sed -n '/^@@ORACLE-BEGIN@@/,/^@@ORACLE-END@@/p' "$d/log" | tr -d '\r' |
			sed '1d;$d' > "$corpus/$name.kernel"
		echo "recorded $name"
	else
		echo "FAILED to record $name (see $d/log)" >&2
		return 1
	fi
	rm -f "$d/initrd"
}

# two boots at a time: one per core
fail=0
while [ $# -gt 0 ]; do
	boot "$1" & p1=$!
	p2=
	if [ $# -gt 1 ]; then boot "$2" & p2=$!; fi
	wait $p1 || fail=1
	[ -z "$p2" ] || wait $p2 || fail=1
	shift; [ $# -gt 0 ] && shift
done
exit $fail
