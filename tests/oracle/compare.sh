#!/bin/sh
# compare.sh: unpack each corpus image with popinit on the host, the way
# the kernel saw it in record.sh, and compare with the kernel's listing.
#
#   sh tests/oracle/compare.sh [--accept] [NAME...]
#
# Prints "PASS name" / "FAIL name: why" lines.  Needs root (chroot, mknod,
# chown), as unpacking does for the kernel.
#
# The host tree starts as the kernel's rootfs does: a 1777 root, the
# built-in archive (builtin.list), and /dev/console touched (console
# writes keep its mtime current in the guest).  Then popinit unpacks the
# same bytes the kernel did: an archive standing for the oracle's, then
# the case.
#
# Each case is unpacked three ways, all of which must pass: read from a
# pipe; mapped from a file (the boot's way) in one thread (-j1, one CPU);
# mapped in two (-j2).
#
# Expected: the kernel's tree, and the kernel's error message as popinit's
# (or popinit succeeding where the kernel saw none).  NAME.expect, when
# there, states where popinit knowingly differs (README: reference
# semantics), and the test holds popinit to exactly that:
#   late: TEXT      popinit also reports TEXT, which the kernel does not
#   error: MSG      popinit's error is MSG ("none": it succeeds)
#   differs: WHY    the trees differ exactly as NAME.diff says
#   decoder: liblzma  all of it only where .xz goes through liblzma: with
#                   XZDEC=kernel (POPINIT built so, the kernel's own lib/xz
#                   for this stream) popinit must be the kernel exactly
# --accept writes the current difference into NAME.diff (after review).
set -u
. "$(dirname "$0")/common.sh"

accept=
[ "${1:-}" = --accept ] && { accept=1; shift; }

: > "$work/placeholder"
prefix "$work/prefix-host.cpio" "$work/placeholder"
sed 's/^# mtime:.*//' "$top/tests/oracle/builtin.list" > "$work/builtin.list"
"$popinit" mkimage -t "$builtin_mtime" -o "$work/builtin.cpio" "$work/builtin.list"

if [ $# -eq 0 ]; then
	# cases whose image is regenerated have their own script (.record)
	set -- $(cd "$corpus" && ls *.img | sed 's/\.img$//')
fi

# one NAME MODE: unpack the case one way (pipe, map1, map2); WHY says what
# is wrong, empty when nothing is
one() {
	name=$1 mode=$2
	d=$work/host-$name
	exp=$corpus/$name.expect dif=$corpus/$name.diff
	if [ "${XZDEC:-liblzma}" = kernel ] && [ -f "$exp" ] && grep -qx 'decoder: liblzma' "$exp"; then
		exp=/nonexistent dif=/nonexistent
	fi
	rm -rf "$d"
	mkdir -p "$d/root"
	chmod 1777 "$d/root"
	"$popinit" unpack --root "$d/root" "$work/builtin.cpio" || { why="builtin"; return; }
	touch -h "$d/root/dev/console"
	if [ "$mode" = pipe ]; then
		src=-
		cat "$work/prefix-host.cpio" "$corpus/$name.img" |
			"$popinit" unpack --root "$d/root" - 2> "$d/stderr"
		rc=$?
	elif [ "$mode" = here ]; then
		# the boot's case: one thread, the target the process's own
		# root and working directory, so no writer thread (unpack/pipe.h):
		# popinit and the image put into the root, taken out after; a
		# umask that is not the writer's 022 (which popinit must set)
		src=/.oracle-image
		cat "$work/prefix-host.cpio" "$corpus/$name.img" > "$d/root$src"
		cp "$popinit" "$d/root/.oracle-popinit"
		(umask 077; strace -f -qq -e trace=clone,clone3 -o "$d/strace" \
			unshare -R "$d/root" /.oracle-popinit unpack -j1 --root / "$src") 2> "$d/stderr"
		rc=$?
		# the root's mtime as the unpack left it, not as the removal does
		touch -r "$d/root" "$d/mtime"
		rm -f "$d/root$src" "$d/root/.oracle-popinit"
		touch -r "$d/mtime" "$d/root"
		grep -q clone "$d/strace" && { why="a thread was started: $(grep clone "$d/strace" | head -1)"; return; }
	else
		src=$d/image
		cat "$work/prefix-host.cpio" "$corpus/$name.img" > "$src"
		"$popinit" unpack "-j${mode#map}" --root "$d/root" "$src" 2> "$d/stderr"
		rc=$?
	fi
	"$top/build/test/treelist" "$d/root" > "$d/got"
	sed 1d "$corpus/$name.kernel" > "$d/want"
	kerr=$(sed -n '1s/^error: //p' "$corpus/$name.kernel")
	perr=$kerr
	[ -f "$exp" ] && grep -q '^error: ' "$exp" && perr=$(sed -n 's/^error: //p' "$exp")
	why=
	diff "$d/want" "$d/got" > "$d/diff"
	if [ -s "$d/diff" ]; then
		if [ -n "$accept" ] && [ -f "$exp" ] && grep -q '^differs: ' "$exp"; then
			cp "$d/diff" "$corpus/$name.diff"
		fi
		if ! { [ -f "$exp" ] && grep -q '^differs: ' "$exp" && cmp -s "$d/diff" "$dif"; }; then
			why="tree differs: $(head -6 "$d/diff" | tr '\n' '|')"
		fi
	elif [ -f "$dif" ]; then
		why="the trees no longer differ as $name.diff says"
	fi
	if [ -z "$why" ] && [ "$perr" != none ]; then
		if [ $rc -eq 0 ]; then
			why="expected '$perr', popinit succeeded"
		elif ! grep -q "^popinit: fatal: $src: $perr\( (.*\)\?\( at .*\)\?\$" "$d/stderr"; then
			why="expected '$perr', popinit: $(head -1 "$d/stderr")"
		fi
	elif [ -z "$why" ]; then
		# success, or only the late reports the case expects
		if grep -q '^popinit: fatal:' "$d/stderr"; then
			why="expected success, popinit: $(head -1 "$d/stderr")"
		elif [ -f "$exp" ]; then
			while IFS= read -r line; do
				case $line in
				late:*) t=${line#late: }
					grep -qF "$t" "$d/stderr" || why="expected a late '$t', got: $(head -1 "$d/stderr")" ;;
				esac
			done < "$exp"
		fi
		[ -z "$why" ] && [ $rc -ne 0 ] && ! { [ -f "$exp" ] && grep -q '^late:' "$exp"; } &&
			why="expected success, popinit: $(head -1 "$d/stderr")"
		[ -z "$why" ] && [ $rc -eq 0 ] && [ -f "$exp" ] && grep -q '^late:' "$exp" &&
			why="expected a late report, popinit said nothing"
	fi
}

# the sanitized binary (tests/san.sh) is dynamic: it cannot run in the
# target's chroot, which holds no loader; the static one does it in make check
modes="pipe map1 map2 here"
# XZDEC=kernel: the results named corpus/kxz/NAME
tag=; [ "${XZDEC:-liblzma}" = kernel ] && tag=/kxz
if [ -n "${POPINIT_SAN-}" ]; then
	modes="pipe map1 map2"
	echo "oracle/here: not run with the sanitized binary (dynamic: no loader in the target's chroot)" >&2
fi
for name in "$@"; do
	why=
	for mode in $modes; do
		one "$name" "$mode"
		[ -z "$why" ] || { why="$mode: $why"; break; }
	done
	if [ -z "$why" ]; then
		echo "PASS corpus$tag/$name"
		rm -rf "$work/host-$name"
	else
		echo "FAIL corpus$tag/$name: $why"
	fi
done
