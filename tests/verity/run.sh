#!/bin/sh
# run.sh: the dm-verity superblock reader and table builder
# (blkdev/verity.c) on the host, built with ASan and UBSan, against
# `veritysetup format` and `veritysetup dump` (cryptsetup-bin) for each
# hash, block size, salt and format; broken superblocks made from real
# ones; the table against the one the kernel's verity.rst describes,
# assembled here from dump's fields.  PASS/FAIL lines.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
w=${TESTDIR:-$top/build/test}/verity
rm -rf "$w"; mkdir -p "$w"
werror=; [ "${WERROR-}" = 1 ] && werror=-Werror
PATH=$PATH:/sbin:/usr/sbin
pass() { echo "PASS verity/$1"; }
fail() { echo "FAIL verity/$1: $2"; }
command -v veritysetup > /dev/null || { fail setup "no veritysetup (cryptsetup-bin; boot/packages.sh)"; exit 0; }
d=$w/dump
if ! ${HOST_CC:-gcc} -std=c11 -g -O1 -D_GNU_SOURCE -fsanitize=address,undefined -fno-sanitize-recover=all \
	-Wall -Wextra $werror -o "$d" "$top/tests/verity/dump.c" "$top/blkdev/verity.c" "$top/lib/str.c" 2> "$w/build.log"; then
	fail build "$(head -3 "$w/build.log" | tr '\n' ' ')"; exit 0
fi

# field NAME FILE: a field of veritysetup dump's output
field() { sed -n "s/^$1:[[:space:]]*//p" "$2"; }

# case NAME DATA-SIZE VERITYSETUP-FORMAT-OPTIONS...: format, dump, compare
# the superblock's fields and the table
case_() {
	n=$1 size=$2; shift 2
	rm -f "$w/$n.data" "$w/$n.hash"
	head -c "$size" /dev/urandom > "$w/$n.data"
	if ! veritysetup format "$@" "$w/$n.data" "$w/$n.hash" > "$w/$n.fmt" 2>&1; then
		fail "$n" "veritysetup format $*: $(tail -1 "$w/$n.fmt")"; return
	fi
	veritysetup dump "$w/$n.hash" > "$w/$n.vs"
	for f in UUID 'Hash type' 'Data blocks' 'Data block size' 'Hash block size' 'Hash algorithm' Salt; do
		echo "$f: $(field "$f" "$w/$n.vs")"
	done > "$w/$n.want"
	if ! "$d" "$w/$n.hash" > "$w/$n.got" 2>&1 || ! cmp -s "$w/$n.want" "$w/$n.got"; then
		fail "$n/superblock" "$(diff "$w/$n.want" "$w/$n.got" | tr '\n' ' ')"; return
	fi
	pass "$n/superblock"
	root=$(field 'Root hash' "$w/$n.fmt")
	blocks=$(field 'Data blocks' "$w/$n.vs") dbs=$(field 'Data block size' "$w/$n.vs")
	salt=$(field Salt "$w/$n.vs")
	want="0 $((blocks * dbs / 512)) verity $(field 'Hash type' "$w/$n.vs") /dev/vda1 /dev/vda2 $dbs"
	want="$want $(field 'Hash block size' "$w/$n.vs") $blocks 1 $(field 'Hash algorithm' "$w/$n.vs") $root $salt"
	got=$("$d" "$w/$n.hash" /dev/vda1 /dev/vda2 "$root" 2>&1)
	if [ "$got" = "$want" ]; then pass "$n/table"; else fail "$n/table" "want '$want', got '$got'"; fi
}
case_ default 1048576
case_ sha1 1048576 --hash sha1
case_ sha512-small-blocks 300000 --hash sha512 --data-block-size 512 --hash-block-size 1024
case_ no-salt 65536 --salt -
case_ long-salt 65536 --salt "$(head -c 256 /dev/zero | tr '\0' 'a' | sed 's/a/ab/g' | head -c 512)"
case_ chromeos-format 65536 --format 0
case_ one-block 4096
case_ uuid 65536 --uuid 01234567-89ab-cdef-0123-456789abcdef
case_ large-blocks 1048576 --data-block-size 65536 --hash-block-size 65536

# options: the kernel's names; a signed root hash leaves out the weaker
root=$(field 'Root hash' "$w/default.fmt")
got=$("$d" "$w/default.hash" a b "$root" panic-on-corruption,ignore-zero-blocks)
case $got in *" 2 panic_on_corruption ignore_zero_blocks") pass options/names ;; *) fail options/names "$got" ;; esac
got=$("$d" "$w/default.hash" a b "$root" ignore-corruption,restart-on-corruption,check-at-most-once strict)
case $got in *" 1 restart_on_corruption
dropped 2") pass options/strict-leaves-out-weaker ;; *) fail options/strict-leaves-out-weaker "$got" ;; esac
got=$("$d" "$w/default.hash" a b "$root" ignore-corruption)
case $got in *" 1 ignore_corruption") pass options/not-strict-keeps ;; *) fail options/not-strict-keeps "$got" ;; esac
# an item of two words would make the count lie: the kernel reads the
# first N words, and a weaker option could hide in a kept item
if "$d" "$w/default.hash" a b "$root" "panic-on-corruption ignore-corruption,restart-on-corruption" strict > "$w/o.out" 2>&1
then fail options/item-with-space-refused "$(cat "$w/o.out")"; else pass options/item-with-space-refused; fi
# words that fit in 255 bytes but not with their count in front: refused,
# not cut short (a cut list's count lies; found by fuzz_verity in CI)
long=$(awk 'BEGIN { for (i = 0; i < 50; i++) printf "abcd,"; printf "abc" }')
if "$d" "$w/default.hash" a b "$root" "$long" > "$w/o.out" 2>&1
then fail options/count-does-not-fit-refused "$(cat "$w/o.out")"; else pass options/count-does-not-fit-refused; fi

# a root hash that is not hex goes nowhere near the table
taken=
for bad in "" "zz$root" "${root}0" "$root x" "$(printf '%0130d' 0)"; do
	"$d" "$w/default.hash" a b "$bad" > /dev/null 2>&1 && taken="$taken '$bad'"
done
if [ -z "$taken" ]; then pass roothash/not-hex-refused; else fail roothash/not-hex-refused "accepted:$taken"; fi

# broken superblocks, each one field of a real one changed
broken() { # broken NAME OFFSET BYTES-AS-PRINTF
	cp "$w/default.hash" "$w/b-$1.hash"
	printf "$3" | dd of="$w/b-$1.hash" bs=1 seek="$2" conv=notrunc status=none
	if "$d" "$w/b-$1.hash" > "$w/b-$1.out" 2>&1; then fail "broken/$1" "accepted: $(head -2 "$w/b-$1.out" | tr '\n' ' ')"
	elif grep -q 'superblock' "$w/b-$1.out"; then pass "broken/$1"
	else fail "broken/$1" "$(cat "$w/b-$1.out")"; fi
}
broken magic 0 'VERITY'
broken version 8 '\002'
broken hash-type 12 '\002'
broken alg-space 32 'sha 256'
broken alg-unterminated 32 'abcdefghabcdefghabcdefghabcdefgh'
broken alg-empty 32 '\000'
broken data-block-size 64 '\000\014\000\000'
broken hash-block-size-small 68 '\000\001\000\000'
broken zero-blocks 72 '\000\000\000\000\000\000\000\000'
broken huge-blocks 72 '\377\377\377\377\377\377\377\377'
broken salt-size 80 '\001\001'
