#!/bin/sh
# pid1.sh: popinit run as PID 1 of a PID namespace (unshare): zombies are
# reaped, signals are forwarded, the child's status is the exit status,
# as tini does.  PASS/FAIL lines.  Needs root (unshare -p).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
p=$top/build/popinit
w=$top/build/test/pid1
rm -rf "$w"; mkdir -p "$w"

# an orphan that dies while its parent lives on: reaped by PID 1
out=$(unshare -pf --mount-proc "$p" run -- sh -c '
	sh -c "sleep 0.2 & exit 0"
	sleep 1
	z=0
	for s in /proc/[0-9]*/stat; do
		read -r line < "$s" 2>/dev/null || continue
		case $line in *") Z "*) z=$((z + 1)) ;; esac
	done
	echo "pid=$$ zombies=$z"
	exit 3' 2>&1)
rc=$?
if [ $rc -eq 3 ] && echo "$out" | grep -q '^pid=[0-9]* zombies=0$'; then echo "PASS pid1/reaps-zombies-exit-status"
else echo "FAIL pid1/reaps-zombies-exit-status: rc=$rc $out"; fi

# a signal to PID 1 reaches the child
# (not INT: a background job ignores it from its shell, and sh cannot trap
# a signal ignored on entry).  The signal is sent only once the child says
# "ready" (its trap set, so popinit's forwarding is set up too): before
# that, PID 1 of a namespace would drop it (a signal from outside whose
# action is the default is ignored by a namespace's init), and the child
# would loop on.  A loaded machine can take seconds to get there (a
# second was once not enough, and the signal was lost): up to 30 s, and
# the whole test is bounded (timeout) so that a lost signal is a FAIL, not
# a hang.
for sig in TERM HUP USR1 USR2; do
	timeout -s KILL 60 unshare -pf --mount-proc "$p" run -- \
		sh -c "trap 'echo got-$sig; exit 7' $sig; echo ready; while :; do sleep 0.05; done" \
		> "$w/$sig.out" 2>&1 &
	u=$!
	i=0
	while [ $i -lt 300 ] && ! grep -qs ready "$w/$sig.out"; do sleep 0.1; i=$((i + 1)); done
	# the popinit process: PID 1 inside (timeout's grandchild, unshare's child)
	pp=$(pgrep -f "^$p run -- sh -c trap 'echo got-$sig;" | head -n 1)
	if [ -z "$pp" ] || ! grep -qs ready "$w/$sig.out"; then
		kill -KILL $u 2>/dev/null
		wait $u
		echo "FAIL pid1/forwards-SIG$sig: the child never said ready in 30 s (popinit pid '${pp}'): $(cat "$w/$sig.out")"
		continue
	fi
	kill -s $sig "$pp"
	wait $u; rc=$?
	if [ $rc -eq 7 ] && grep -q "^got-$sig$" "$w/$sig.out"; then echo "PASS pid1/forwards-SIG$sig"
	else echo "FAIL pid1/forwards-SIG$sig: rc=$rc $(cat "$w/$sig.out")"; fi
done

# killed by a signal: 128 + its number
unshare -pf --mount-proc "$p" run -- sh -c 'kill -KILL $$' > /dev/null 2>&1
rc=$?
if [ $rc -eq 137 ]; then echo "PASS pid1/status-of-killed-child"; else echo "FAIL pid1/status-of-killed-child: rc=$rc"; fi

# not PID 1: a subreaper, orphans still reaped
out=$("$p" run -- sh -c 'sh -c "sleep 0.2 & exit 0"; sleep 1; echo done' 2>&1); rc=$?
if [ $rc -eq 0 ] && [ "$out" = done ]; then echo "PASS pid1/subreaper-when-not-pid1"; else echo "FAIL pid1/subreaper-when-not-pid1: rc=$rc $out"; fi

# switch-root as PID 1 of PID and mount namespaces: a tmpfs becomes "/"
# through pivot_root (the namespace's root is not rootfs), the pseudo
# filesystems move along, the new root's init runs as PID 1
musl-gcc -static -Os -o "$w/payload" "$top/tests/boot/payload.c"
out=$(unshare -pfm --mount-proc sh -c '
	set -e
	mkdir -p "$1/nr"
	mount -t tmpfs tmpfs "$1/nr"
	mkdir -p "$1/nr/sbin" "$1/nr/etc"
	cp "$1/payload" "$1/nr/sbin/init"
	exec "$2" switch-root "$1/nr" /sbin/init' sh "$w" "$p" 2>&1)
if echo "$out" | grep -q '^@@PAYLOAD pid=1 argv0=/sbin/init ' && echo "$out" | grep -q '^@@MOUNT / tmpfs$' &&
   echo "$out" | grep -q '^@@MOUNT /proc proc$'; then
	echo "PASS pid1/switch-root-in-namespace"
else
	echo "FAIL pid1/switch-root-in-namespace: $(echo "$out" | grep -v '^@@ENV' | head -8 | tr '\n' '|')"
fi

# switch-root refuses a root without an init, before touching anything
out=$(unshare -pfm --mount-proc sh -c '
	mkdir -p "$1/empty"; mount -t tmpfs tmpfs "$1/empty"
	exec "$2" switch-root "$1/empty"' sh "$w" "$p" 2>&1)
rc=$?
if [ $rc -eq 100 ] && echo "$out" | grep -q "switch-root: no executable init in $w/empty"; then
	echo "PASS pid1/switch-root-refuses-without-init"
else
	echo "FAIL pid1/switch-root-refuses-without-init: rc=$rc $(echo "$out" | tr '\n' '|')"
fi

# and refuses when not PID 1
out=$(unshare -pfm --mount-proc sh -c '"$1" switch-root /; echo "rc=$?"' sh "$p" 2>&1)
if echo "$out" | grep -q 'switch-root: not PID 1' && echo "$out" | grep -q '^rc=100$'; then
	echo "PASS pid1/switch-root-refuses-when-not-pid1"
else
	echo "FAIL pid1/switch-root-refuses-when-not-pid1: $(echo "$out" | tr '\n' '|')"
fi
