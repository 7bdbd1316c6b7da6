#!/bin/sh
# wcopy.sh: a benchmark (not a test): tests/bench/wcopy.c on this host and
# as the init of a QEMU guest (Debian's kernel, TCG) at 1 and 2 vCPUs:
# write(2) from user memory against sendfile and vmsplice+splice, 64 MB
# into tmpfs, and filling the files' own pages through a shared mapping
# (what decoding straight into them would cost).  Prints the medians of
# each (ms).
#
#   sh tests/bench/wcopy.sh
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
w=build/bench/wcopy
mkdir -p $w
musl-gcc -static -O2 -o $w/init tests/bench/wcopy.c
printf '%s\n' "dir /dev 0755 0 0" "nod /dev/console 0600 0 0 c 5 1" "dir /t 0755 0 0" \
	"file /init $top/$w/init 0755 0 0" | build/popinit mkimage -o $w/initrd -
kernel=$(sh boot/kernel.sh build/kernel)
med() {	# the median of column $1 of the WCOPY lines
	awk -v c="$1" '/^WCOPY/ { print $c }' | sort -n | awk '{ v[++n] = $1 } END { if (!n) print "NaN"; else if (n % 2) print v[(n + 1) / 2]; else print (v[n / 2] + v[n / 2 + 1]) / 2 }'
}
row() {	# row WHERE LOG
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$(med 3 < "$2")" "$(med 5 < "$2")" \
		"$(med 7 < "$2")" "$(med 11 < "$2")" "$(med 13 < "$2")" "$(med 16 < "$2")" "$(med 21 < "$2")" \
		"$(med 23 < "$2")"
}
echo "| where | write | sendfile | vmsplice + splice | filled, write | filled, vmsplice + splice | filled in a mapping |" \
	"files of 104 KiB: filled, vmsplice + splice | files of 104 KiB: filled in a mapping |"
echo "|---|---|---|---|---|---|---|---|---|"
$w/init /dev/shm/wcopy > $w/host.log; rm -rf /dev/shm/wcopy
row host $w/host.log
for s in 1 2; do
	sh boot/qemu.sh "$kernel" $w/initrd $w/vm.$s.log quiet 600 -smp $s > /dev/null 2>&1 || true
	tr -d '\r' < $w/vm.$s.log > $w/vm.$s.txt
	row "QEMU, $s vCPU" $w/vm.$s.txt
done
