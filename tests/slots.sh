#!/bin/sh
# slots.sh: the A/B slots' table on the host (popinit slot, popinit bless)
# against cgpt, on GPT images made by sfdisk.  PASS/FAIL lines.
#
#   - popinit reads every state cgpt sets, and cgpt every state popinit sets
#   - a write changes nothing but attribute fields and CRCs, and leaves the
#     two copies identical (sfdisk --verify agrees)
#   - a power cut after each single write of an update (POPINIT_TEST_CUT=N):
#     the table reads, with popinit and with cgpt, with the old or the new
#     attributes, and the next run repairs the other copy; from a clean
#     table and from one a cut left behind
#   - a copy that differs beyond attributes is left alone: nothing written
#   - popinit bless and popinit slot of the running slot (/run/popinit, in
#     a mount namespace of their own)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
p=${POPINIT:-$top/build/popinit}
w=${TESTDIR:-$top/build/test}/slots
rm -rf "$w"; mkdir -p "$w"
PATH=$PATH:/sbin:/usr/sbin
command -v cgpt > /dev/null || { echo "FAIL slots/cgpt: no cgpt (boot/packages.sh installs it)"; exit 0; }

ok() { echo "PASS slots/$1"; }
fail() { echo "FAIL slots/$1: $2"; }

# mkdisk IMG: 16 MiB, GPT: boot, rootfs_a (2), rootfs_b (3), data
mkdisk() {
	rm -f "$1"; truncate -s 16M "$1"
	printf 'label: gpt\nsize=1M, name="boot"\nsize=4M, name="rootfs_a"\nsize=4M, name="rootfs_b"\nsize=2M, name="data"\n' |
		sfdisk -q "$1"
}
# state IMG: "a P T S b P T S" as popinit shows it
state() {
	"$p" slot -d "$1" -n rootfs 2> /dev/null |
		sed -n 's/^\([ab]\): partition=[0-9]* priority=\([0-9]*\) tries=\([0-9]*\) successful=\([01]\).*/\1 \2 \3 \4/p' | tr '\n' ' '
}
# cgstate IMG: the same, as cgpt reads it
cgstate() {
	for i in 2 3; do
		printf '%s %s %s %s ' "$([ $i = 2 ] && echo a || echo b)" "$(cgpt show -i $i -P "$1" 2> /dev/null)" \
			"$(cgpt show -i $i -T "$1" 2> /dev/null)" "$(cgpt show -i $i -S "$1" 2> /dev/null)"
	done
}
# same IMG BEFORE: the copies identical, and nothing changed since BEFORE
# but attribute fields and CRCs; prints why not
same() {
	python3 - "$1" "$2" << 'EOF'
import struct, sys
new, old = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
ss = 512
def hdr(d, lba):
    h = d[lba * ss:lba * ss + 92]
    return struct.unpack_from("<QQQ", h, 24)[1], struct.unpack_from("<Q", h, 72)[0], struct.unpack_from("<I", h, 80)[0]
alt, pe, n = hdr(old, 1)
_, be, _ = hdr(old, alt)
allowed = set()
for lba in (1, alt):
    allowed |= set(range(lba * ss + 16, lba * ss + 20)) | set(range(lba * ss + 88, lba * ss + 92))
for e in (pe, be):
    for i in range(n):
        allowed |= set(range(e * ss + i * 128 + 48, e * ss + i * 128 + 56))
bad = [o for o in range(len(new)) if new[o] != old[o] and o not in allowed]
if len(new) != len(old) or bad:
    print("changed beyond attributes and CRCs at", bad[:4])
if new[pe * ss:pe * ss + n * 128] != new[be * ss:be * ss + n * 128]:
    print("the entries of the two copies differ")
if new[ss + 88:ss + 92] != new[alt * ss + 88:alt * ss + 92]:
    print("the entries CRCs of the two headers differ")
EOF
}

# 1. what cgpt sets, popinit reads; what popinit sets, cgpt reads
mkdisk "$w/a.img"
why=
for st in "1 0 1 2 3 0" "15 15 1 0 0 0" "0 7 0 15 1 1" "3 2 0 3 2 0"; do
	set -- $st
	cgpt add -i 2 -P "$1" -T "$2" -S "$3" "$w/a.img" && cgpt add -i 3 -P "$4" -T "$5" -S "$6" "$w/a.img" ||
		why="$why; cgpt add failed"
	got=$(state "$w/a.img") want=$(cgstate "$w/a.img")
	[ "$got" = "a $1 $2 $3 b $4 $5 $6 " ] && [ "$want" = "$got" ] || why="$why; set $st: cgpt $want, popinit $got"
done
[ -z "$why" ] && ok reads-what-cgpt-sets || fail reads-what-cgpt-sets "${why#; }"

mkdisk "$w/b.img"
cgpt add -i 2 -P 15 -T 0 -S 1 "$w/b.img"
cp "$w/b.img" "$w/b0.img"
why=
# -a b: priority above a's 15 (a lowered to 14), 5 tries, not successful
"$p" slot -d "$w/b.img" -n rootfs -a b -t 5 > "$w/b.out" 2>&1 || why="$why; -a b failed: $(cat "$w/b.out")"
[ "$(cgstate "$w/b.img")" = "a 14 0 1 b 15 5 0 " ] || why="$why; after -a b: cgpt $(cgstate "$w/b.img")"
grep -q '^b: partition=3 priority=15 tries=5 successful=0 bootable next$' "$w/b.out" || why="$why; shown: $(tr '\n' '|' < "$w/b.out")"
r=$(same "$w/b.img" "$w/b0.img"); [ -z "$r" ] || why="$why; -a b: $r"
# -u a: never boots
"$p" slot -d "$w/b.img" -n rootfs -u a > /dev/null 2>&1 || why="$why; -u a failed"
[ "$(cgstate "$w/b.img")" = "a 0 0 0 b 15 5 0 " ] || why="$why; after -u a: cgpt $(cgstate "$w/b.img")"
r=$(same "$w/b.img" "$w/b0.img"); [ -z "$r" ] || why="$why; -u a: $r"
sfdisk --verify "$w/b.img" > "$w/b.verify" 2>&1 || why="$why; sfdisk --verify: $(tr '\n' ' ' < "$w/b.verify")"
cgpt show -v "$w/b.img" 2>&1 | grep -q 'WARNING\|INVALID' && why="$why; cgpt show -v warns"
[ -z "$why" ] && ok cgpt-reads-what-popinit-sets || fail cgpt-reads-what-popinit-sets "${why#; }"

# 2. the power cut: each single write of an update cut in turn
# cut NAME IMG ARGS...: for N = 0, 1, ... until the update completes
cut() {
	n=$1 img=$2; shift 2
	old=$(state "$img") why= k=0
	cp "$img" "$w/$n.full"
	"$p" slot -d "$w/$n.full" -n rootfs "$@" > /dev/null 2>&1
	new=$(state "$w/$n.full")
	while :; do
		cp "$img" "$w/$n.$k"
		POPINIT_TEST_CUT=$k "$p" slot -d "$w/$n.$k" -n rootfs "$@" > "$w/$n.$k.out" 2>&1
		rc=$?
		got=$(state "$w/$n.$k") cg=$(cgstate "$w/$n.$k")
		[ "$got" = "$old" ] || [ "$got" = "$new" ] || why="$why; cut after $k: reads $got (old $old, new $new)"
		[ "$cg" = "$got" ] || why="$why; cut after $k: cgpt reads $cg, popinit $got"
		# the next run repairs: both copies valid and alike, the same state
		"$p" slot -d "$w/$n.$k" -n rootfs -r > "$w/$n.$k.rep" 2>&1 || why="$why; repair after $k failed"
		grep -q 'GPT primary valid, backup valid' "$w/$n.$k.rep" || why="$why; after the repair of $k: $(head -n 1 "$w/$n.$k.rep")"
		[ "$(state "$w/$n.$k")" = "$got" ] || why="$why; the repair after $k changed the state"
		r=$(same "$w/$n.$k" "$img"); [ -z "$r" ] || why="$why; cut after $k, repaired: $r"
		[ $rc -eq 0 ] && break
		grep -q 'Operation canceled' "$w/$n.$k.out" || why="$why; cut after $k: $(cat "$w/$n.$k.out")"
		k=$((k + 1))
		[ $k -gt 20 ] && { why="$why; no end"; break; }
	done
	[ "$old" != "$new" ] || why="$why; the update changes nothing"
	if [ -z "$why" ]; then ok "$n ($k writes, each cut)"; else fail "$n" "${why#; }"; fi
}
mkdisk "$w/c.img"
cgpt add -i 2 -P 1 -T 0 -S 1 "$w/c.img"
cut power-cut-clean "$w/c.img" -a b -t 3
# from a table a cut left stale (the backup written, not the primary),
# and one with a damaged primary (its entries written, not its header)
for k in 2 3; do
	cp "$w/c.img" "$w/d$k.img"
	POPINIT_TEST_CUT=$k "$p" slot -d "$w/d$k.img" -n rootfs -a b -t 3 > /dev/null 2>&1
	cut "power-cut-after-cut-$k" "$w/d$k.img" -a a -t 2
done

# 3. a copy that differs beyond attributes (the backup's name of data
# changed, its CRCs right): read, but nothing written
mkdisk "$w/f.img"
python3 - "$w/f.img" << 'EOF'
import struct, sys, zlib
f = open(sys.argv[1], "r+b"); ss = 512
f.seek(ss); h = bytearray(f.read(92)); alt = struct.unpack_from("<Q", h, 32)[0]
f.seek(alt * ss); b = bytearray(f.read(92)); e, n = struct.unpack_from("<QI", b, 72)
f.seek(e * ss); t = bytearray(f.read(n * 128))
t[3 * 128 + 56:3 * 128 + 58] = b"D\0"
struct.pack_into("<I", b, 88, zlib.crc32(t)); struct.pack_into("<I", b, 16, 0); struct.pack_into("<I", b, 16, zlib.crc32(b[:92]))
f.seek(e * ss); f.write(t); f.seek(alt * ss); f.write(b)
EOF
cp "$w/f.img" "$w/f0.img"
"$p" slot -d "$w/f.img" -n rootfs -a b > "$w/f.out" 2>&1; rc=$?
why=
[ $rc -eq 100 ] || why="rc $rc"
grep -q 'popinit: fatal: .*f.img: unable to write the slots: a copy of the GPT differs beyond attributes' "$w/f.out" ||
	why="$why; said: $(cat "$w/f.out")"
cmp -s "$w/f.img" "$w/f0.img" || why="$why; the image changed"
"$p" slot -d "$w/f.img" -n rootfs 2>&1 | grep -q 'GPT primary valid, backup foreign' || why="$why; not shown as foreign"
[ -z "$why" ] && ok foreign-copy-left-alone || fail foreign-copy-left-alone "${why#; }"

# 4. bless and the running slot, as the booted system sees them: a tmpfs
# on /run in a mount namespace of its own holds /run/popinit
mkdisk "$w/g.img"
cgpt add -i 2 -P 1 -S 1 "$w/g.img" && cgpt add -i 3 -P 2 -T 2 -S 0 "$w/g.img"
cp "$w/g.img" "$w/g0.img"
unshare -m sh -c '
	mount -t tmpfs tmpfs /run && mkdir /run/popinit && echo b > /run/popinit/slot && echo rootfs > /run/popinit/slot-name &&
	echo 3 > /run/popinit/slot-partition && echo "$2" > /run/popinit/slot-disk &&
	"$1" slot && "$1" bless && "$1" slot && "$1" bless' sh "$p" "$w/g.img" > "$w/g.out" 2>&1
rc=$?
why=
[ $rc -eq 0 ] || why="rc $rc"
grep -q '^b: partition=3 priority=2 tries=2 successful=0 bootable running next$' "$w/g.out" || why="$why; before: $(tr '\n' '|' < "$w/g.out")"
grep -q '^b: partition=3 priority=2 tries=0 successful=1 bootable running next$' "$w/g.out" || why="$why; after: $(tr '\n' '|' < "$w/g.out")"
grep -q 'popinit: slot b (rootfs_b on .*g.img) marked successful' "$w/g.out" || why="$why; no marked line"
grep -q 'popinit: slot b (rootfs_b on .*g.img) was already successful' "$w/g.out" || why="$why; no already line"
[ "$(cgstate "$w/g.img")" = "a 1 0 1 b 2 0 1 " ] || why="$why; cgpt: $(cgstate "$w/g.img")"
r=$(same "$w/g.img" "$w/g0.img"); [ -z "$r" ] || why="$why; $r"
[ -z "$why" ] && ok bless-running-slot || fail bless-running-slot "${why#; }"

# bless without a running slot: said, exit 100
"$p" bless > "$w/h.out" 2>&1; rc=$?
[ -e /run/popinit/slot ] || { [ $rc -eq 100 ] && grep -q 'no running slot' "$w/h.out"; } &&
	ok bless-without-slot || fail bless-without-slot "rc $rc: $(cat "$w/h.out")"
