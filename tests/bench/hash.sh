#!/bin/sh
# hash.sh: a benchmark (not a test): tests/bench/hash.c, SHA-256 with the
# CPU's instructions (verify/sha256.c) against BearSSL's portable code, and
# BearSSL's SHA-384 (payload-sha384=), on this host, on x86_64 under
# qemu-x86_64 (qemu64: no SHA-NI) and on aarch64 under qemu-aarch64 (TCG: ARMv8's SHA-256
# instructions are emulated by QEMU's helpers there, so this gives their
# correctness and QEMU's cost, not a CPU's).  Medians of the rounds, ms.
#
#   sh tests/bench/hash.sh [MB [ROUNDS]]      (defaults: 64 MB on the host,
#                                             16 under QEMU; 5 rounds)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
mb=${1:-}
rounds=${2:-5}
w=build/bench/hash
mkdir -p $w
[ -s build/deps/lib/libbearssl.a ] || make -s build/popinit > /dev/null
[ -s build/aarch64/deps/lib/libbearssl.a ] || make -s ARCH=aarch64 > /dev/null
build() { # build CC DEPS OUT
	"$1" -std=c11 -O2 -static -D_GNU_SOURCE -Wall -Wextra -I"$2/include" -o "$3" \
		tests/bench/hash.c verify/sha256.c "$2/lib/libbearssl.a"
}
build musl-gcc build/deps $w/hash-x86_64
build build/aarch64/musl/bin/aarch64-linux-musl-gcc build/aarch64/deps $w/hash-aarch64
med() { # the median of column $1
	awk -v c="$1" '$1 == "HASH" && NF == 8 { print $c }' | sort -n |
		awk '{ v[++n] = $1 } END { if (!n) print "NaN"; else if (n % 2) print v[(n + 1) / 2]; else print (v[n / 2] + v[n / 2 + 1]) / 2 }'
}
row() { # row WHERE MB LOG
	i=$(med 4 < "$3") p=$(med 6 < "$3") b=$(med 8 < "$3")
	q=$(awk -v a="$b" -v b="$p" 'BEGIN { printf "%.2f", a / b }')
	if grep -q '^HASH .* instructions none ' "$3"; then
		echo "| $1 | $2 | none | $p | - | $b | $q |"
	else
		echo "| $1 | $2 | $i | $p | $(awk -v a="$i" -v b="$p" 'BEGIN { printf "%.2f", a / b }') | $b | $q |"
	fi
}
echo "| where | MB | instructions | BearSSL portable | instructions / portable | BearSSL SHA-384 | SHA-384 / portable |"
echo "|---|---|---|---|---|---|---|"
$w/hash-x86_64 "${mb:-64}" "$rounds" > $w/host.log
row "this host (x86_64)" "${mb:-64}" $w/host.log
qemu-x86_64 -cpu qemu64 $w/hash-x86_64 "${mb:-16}" "$rounds" > $w/x86_64-qemu64.log
row "qemu-x86_64 -cpu qemu64 (TCG)" "${mb:-16}" $w/x86_64-qemu64.log
for c in max cortex-a53 cortex-a72; do
	qemu-aarch64 -cpu $c $w/hash-aarch64 "${mb:-16}" "$rounds" > $w/aarch64-$c.log
	row "qemu-aarch64 -cpu $c (TCG)" "${mb:-16}" $w/aarch64-$c.log
done
