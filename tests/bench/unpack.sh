#!/bin/sh
# unpack.sh: a benchmark (not a test): popinit's unpacker against its peers
# on the host, and the report of make bench: writes bench/results.md (with
# the figures of vm.sh, options.sh and or1k.sh when they ran) and
# bench/unpack.svg.
#
#   sh tests/bench/unpack.sh [REPS]      (make bench-unpack)
#
# 1. Host: the Debian kernel's module tree as a newc cpio (about 400 MB,
#    4,000 files), plain and compressed as Debian's mkinitramfs does
#    (gzip -n, xz --check=crc32, zstd -9, lz4 -9 -l), unpacked into a
#    tmpfs by popinit, bsdcpio (libarchive), GNU cpio and busybox cpio
#    (each fed by Debian's decompressor through a pipe; bsdcpio also with
#    its own decoders), against the decompress-only bound (popinit's own
#    decoders and libraries to /dev/null: tests/bench/decode.c) and that
#    bound writing one file; and the signed image's cost (popinit unpack -t
#    of the zstd image signed, key given).
# 2. QEMU: build/bench/vm.md (tests/bench/vm.sh).
# 3. Peak RSS of popinit unpack on a 1.2 GB image; the memory floor in
#    QEMU (vm.md).
# 4. Binary sizes; the codecs' build options (build/bench/options.md).
# 5. OpenRISC: build/bench/or1k.md (tests/bench/or1k.sh).
#
# Images are built once into build/bench and kept.  Root is needed (the
# tmpfs mount, owners).  Every figure comes from this run or the scripts'
# last runs, whose dates are given.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
w=$top/build/bench
p=$top/build/popinit
dec=$top/build/bench/decode
reps=${1:-5}
mkdir -p "$w" "$top/bench"
cd "$top"
for t in bsdcpio cpio busybox gzip xz zstd lz4 musl-gcc openssl; do
	command -v $t >/dev/null || { echo "unpack.sh: fatal: $t missing (sh boot/packages.sh; apt-get install libarchive-tools cpio busybox)" >&2; exit 111; }
done
[ -x "$p" ] && [ -x "$dec" ] || { echo "unpack.sh: fatal: make all build/bench/decode first" >&2; exit 111; }
# the kernel's module tree is the image: extracted by boot/kernel.sh
sh boot/kernel.sh build/kernel >/dev/null || { echo "unpack.sh: fatal: boot/kernel.sh build/kernel" >&2; exit 111; }
kver=$(ls build/kernel/lib/modules | head -n 1)
codecs="plain gzip xz zstd lz4"
ext() { case $1 in plain) echo "";; gzip) echo .gz;; xz) echo .xz;; zstd) echo .zst;; lz4) echo .lz4;; esac; }
compress() {
	case $1 in
	gzip) gzip -n ;; xz) xz --check=crc32 -T2 ;; zstd) zstd -q -9 -T2 ;; lz4) lz4 -q -9 -l ;;
	esac
}
decompress() { case $1 in plain) echo cat;; gzip) echo "gzip -dc";; xz) echo "xz -dc";; zstd) echo "zstd -dc";; lz4) echo "lz4 -dc";; esac; }
say() { printf '%s\n' "$*" >&2; }

# ---- images (cached) -------------------------------------------------------
img=$w/modules.cpio
if [ ! -s "$img" ]; then
	say "building $img"
	(cd build/kernel && find lib | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$img.tmp"
	mv "$img.tmp" "$img"
fi
for c in gzip xz zstd lz4; do
	o=$img$(ext $c)
	if [ ! -s "$o" ]; then
		say "compressing $o"
		compress $c < "$img" > "$o.tmp" && mv "$o.tmp" "$o"
	fi
	big=$w/big.cpio$(ext $c)
	[ -s "$big" ] || cat "$img$(ext $c)" "$img$(ext $c)" "$img$(ext $c)" > "$big"
done
[ -s "$w/big.cpio" ] || cat "$img" "$img" "$img" > "$w/big.cpio"

# ---- the tmpfs ---------------------------------------------------------------
mnt=$w/mnt
mkdir -p "$mnt"
mountpoint -q "$mnt" || mount -t tmpfs -o size=3g,mode=0755 bench "$mnt"
trap 'cd "$top"; rm -rf "$mnt/t"; umount "$mnt" 2>/dev/null || true' EXIT
T=$mnt/t
fresh() { rm -rf "$T"; mkdir "$T"; }
now() { date +%s%N; }
load() { awk '{ print $1 " " $2 " " $3 }' /proc/loadavg; }
load0=$(load)
# the build measured: asked now, before the report below rewrites
# bench/results.md (a clean tree would read as -dirty then)
ver=$(git describe --always --dirty 2>/dev/null || echo '?')

# one timed run of the shell command $2 in $T; its ms appended to file $1
run() {
	fresh
	cd "$T"
	s=$(now)
	sh -c "$2" > /dev/null 2>&1 || echo "unpack.sh: failed: $2" >&2
	e=$(now)
	cd "$top"
	echo $(( (e - s) / 1000000 )) >> "$1"
}
count() { find "$T" -mindepth 1 | wc -l; }

res=$w/res
rm -rf "$res"; mkdir -p "$res"
for c in $codecs; do
	i=$img$(ext $c)
	d=$(decompress $c)
	cat "$i" > /dev/null	# in the page cache, as for every run after
	say "host: $c"
	for r in $(seq "$reps"); do
		run "$res/$c.popinit" "'$p' unpack --root '$T' '$i'"
		[ "$r" = 1 ] && count > "$res/$c.popinit.n"
		if [ $c = plain ]; then
			run "$res/$c.bsdcpio" "bsdcpio -i -d -m --quiet < '$i'"
			[ "$r" = 1 ] && count > "$res/$c.bsdcpio.n"
			run "$res/$c.gnucpio" "cpio -i -d -m --quiet < '$i'"
			[ "$r" = 1 ] && count > "$res/$c.gnucpio.n"
			run "$res/$c.busybox" "busybox cpio -i -d -m < '$i'"
			[ "$r" = 1 ] && count > "$res/$c.busybox.n"
		else
			run "$res/$c.bsdcpio" "$d < '$i' | bsdcpio -i -d -m --quiet"
			[ "$r" = 1 ] && count > "$res/$c.bsdcpio.n"
			run "$res/$c.bsdcpio_own" "bsdcpio -i -d -m --quiet < '$i'"
			[ "$r" = 1 ] && count > "$res/$c.bsdcpio_own.n"
			run "$res/$c.gnucpio" "$d < '$i' | cpio -i -d -m --quiet"
			[ "$r" = 1 ] && count > "$res/$c.gnucpio.n"
			run "$res/$c.busybox" "$d < '$i' | busybox cpio -i -d -m"
			[ "$r" = 1 ] && count > "$res/$c.busybox.n"
			run "$res/$c.debdec" "$d < '$i' > /dev/null"
		fi
		run "$res/$c.bound" "'$dec' '$i' > /dev/null"
		run "$res/$c.wbound" "'$dec' '$i' > '$T/blob'"
	done
done

# ---- memory: peak RSS on 1.2 GB ------------------------------------------------
for c in $codecs; do
	say "memory: $c"
	fresh
	/usr/bin/time -f %M -o "$res/$c.rss" "$p" unpack --root "$T" "$w/big.cpio$(ext $c)" || echo NaN > "$res/$c.rss"
	# through a pipe: popinit's own memory, no page of the image mapped
	fresh
	cat "$w/big.cpio$(ext $c)" | /usr/bin/time -f %M -o "$res/$c.prss" "$p" unpack --root "$T" - ||
		echo NaN > "$res/$c.prss"
done
rm -rf "$T"
bigsize=$(stat -c %s "$w/big.cpio")

# ---- signed: what verifying adds on the host ------------------------------------------
say "signed"
if [ ! -f "$w/sig.pub" ]; then
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$w/sig.pem" 2> /dev/null &&
	openssl pkey -in "$w/sig.pem" -pubout -out "$w/sig.pub"
fi
"$p" sign -k "$w/sig.pem" -n main -V 1 "$img.zst" "$w/signed.zst"
for r in $(seq "$reps"); do
	run "$res/zstd.unsigned" "'$p' unpack --root '$T' '$img.zst'"
	run "$res/zstd.signed" "'$p' unpack -k '$w/sig.pub' -n main --root '$T' '$w/signed.zst'"
	run "$res/zstd.verify" "'$p' verify -k '$w/sig.pub' -n main '$w/signed.zst'"
done
shani=$(grep -qw sha_ni /proc/cpuinfo && echo "with the CPU's SHA instructions" || echo "with BearSSL's code (no SHA instructions)")

# ---- sizes ------------------------------------------------------------------------
say "sizes"
make -s B=build/bench/size7 TOOLS=no all > /dev/null
make -s B=build/bench/size3 TOOLS=no CODECS="gzip xz zstd" all > /dev/null
size7=$(stat -c %s build/bench/size7/popinit)
size3=$(stat -c %s build/bench/size3/popinit)
sizefull=$(stat -c %s "$p")
load1=$(load)

# ---- the report ---------------------------------------------------------------------
# median and spread (min-max) of a file of figures
med() { sort -n "$1" | awk '$1 != "NaN" { v[++n] = $1 } END { if (!n) print "NaN"; else if (n % 2) print v[(n + 1) / 2]; else print (v[n / 2] + v[n / 2 + 1]) / 2 }'; }
spread() { sort -n "$1" | awk '$1 != "NaN" { v[++n] = $1 } END { if (n) printf "%s-%s", v[1], v[n]; else printf "-" }'; }
cell() { [ -s "$1" ] && printf '%s (%s)' "$(med "$1")" "$(spread "$1")" || printf -- '-'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NaN" || b == "NaN" || b == 0) print "NaN"; else printf "%.2f", a / b }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
ok() { awk -v v="$1" -v op="$2" -v lim="$3" 'BEGIN { if (v == "NaN") print "no figure"; else if ((op == "<" && v < lim) || (op == "<=" && v <= lim) || (op == ">" && v > lim)) print "met"; else print "**not met**" }'; }
files_ok() {
	want=$(cat "$res/$1.popinit.n")
	[ -s "$res/$1.$2.n" ] || return 0
	[ "$(cat "$res/$1.$2.n")" = "$want" ] || printf ' (!%s entries)' "$(cat "$res/$1.$2.n")"
}

out=$top/bench/results.md
# included NAME: build/bench/NAME.md, the figures of tests/bench/NAME.sh's last run
included() {
	if [ -s build/bench/$1.md ]; then
		echo "tests/bench/$1.sh, run $(date -u -r build/bench/$1.md '+%Y-%m-%d %H:%M UTC'):"
		echo
		cat build/bench/$1.md
	else
		echo "(not run: tests/bench/$1.sh)"
	fi
}
{
echo "# popinit unpack benchmark"
echo
echo "Written by \`make bench\` (tests/bench/unpack.sh); every figure is from the run below."
echo
echo "| machine | |"
echo "|---|---|"
echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
echo "| CPU | $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores |"
echo "| memory | $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |"
echo "| host kernel | $(uname -r) ($(. /etc/os-release && echo "$PRETTY_NAME")) |"
echo "| load average (1, 5, 15 min) | $load0 at the start, $load1 at the end (a shared machine) |"
echo "| popinit | $ver, musl-gcc $(musl-gcc -dumpversion), codecs -Os (zstd -O2) |"
echo "| popinit's libraries | built from Debian sources (boot/deps.sh): $(for f in "$top"/build/deps/.stamp-*; do cut -d' ' -f2- "$f"; done | paste -sd, - | sed 's/,/, /g') |"
bbpkg=$(dpkg -S /bin/busybox /usr/bin/busybox 2>/dev/null | cut -d: -f1 | head -n 1)
echo "| peers | $(dpkg-query -W -f '${Package} ${Version}, ' libarchive-tools cpio ${bbpkg:-busybox} gzip xz-utils zstd lz4 2>/dev/null | sed 's/, $//') |"
echo "| QEMU | $(qemu-system-x86_64 --version | head -n 1), TCG; guest kernel $kver |"
echo "| repetitions | host $reps (interleaved); cells: median (min-max) in ms |"
echo
echo "## 1. Host: unpack into tmpfs"
echo
echo "Image: the module tree of $kver as newc cpio, $(mib "$(stat -c %s "$img")") MiB, $(cat "$res/plain.popinit.n") entries;"
printf 'compressed: gzip -n %s MiB, xz -6 --check=crc32 %s MiB, zstd -9 %s MiB, lz4 -9 -l %s MiB.\n' \
	"$(mib "$(stat -c %s "$img.gz")")" "$(mib "$(stat -c %s "$img.xz")")" "$(mib "$(stat -c %s "$img.zst")")" "$(mib "$(stat -c %s "$img.lz4")")"
echo "Peers read through a pipe from Debian's decompressor (\`gzip -dc\`, \`xz -dc\`, \`zstd -dc\`, \`lz4 -dc\`), with \`-i -d -m\`;"
echo "\"bsdcpio own\" decodes in libarchive itself. \"bound\": popinit's decoders and libraries to /dev/null"
echo "(tests/bench/decode.c); \"bound+write\": the same into one tmpfs file; \"Debian decoder\": the decompressor alone to /dev/null."
echo
echo "| codec | popinit | bsdcpio | bsdcpio own | GNU cpio | busybox cpio | bound | bound+write | Debian decoder |"
echo "|---|---|---|---|---|---|---|---|---|"
for c in $codecs; do
	printf '| %s | **%s** | %s%s | %s%s | %s%s | %s%s | %s | %s | %s |\n' $c "$(cell "$res/$c.popinit")" \
		"$(cell "$res/$c.bsdcpio")" "$(files_ok $c bsdcpio)" "$(cell "$res/$c.bsdcpio_own")" "$(files_ok $c bsdcpio_own)" \
		"$(cell "$res/$c.gnucpio")" "$(files_ok $c gnucpio)" "$(cell "$res/$c.busybox")" "$(files_ok $c busybox)" \
		"$(cell "$res/$c.bound")" "$(cell "$res/$c.wbound")" "$(cell "$res/$c.debdec")"
done
echo
echo "Ratios of the medians: peer / popinit (above 1: popinit is faster), popinit / bound (goal: at most 1.15)."
echo
echo "| codec | bsdcpio | bsdcpio own | GNU cpio | busybox cpio | fastest peer | popinit / bound | popinit / (bound+write) |"
echo "|---|---|---|---|---|---|---|---|"
: > "$res/ratios"
for c in $codecs; do
	pm=$(med "$res/$c.popinit")
	best=NaN; row=""
	for t in bsdcpio bsdcpio_own gnucpio busybox; do
		if [ -s "$res/$c.$t" ]; then
			m=$(med "$res/$c.$t"); row="$row | $(ratio "$m" "$pm")"
			best=$(awk -v a="$best" -v b="$m" 'BEGIN { print (a == "NaN" || b < a) ? b : a }')
			echo "$c $t $(ratio "$m" "$pm")" >> "$res/ratios"
		else
			row="$row | -"
		fi
	done
	printf '| %s%s | %s | %s | %s |\n' $c "$row" "$(ratio "$best" "$pm")" "$(ratio "$pm" "$(med "$res/$c.bound")")" \
		"$(ratio "$pm" "$(med "$res/$c.wbound")")"
	echo "$c best $(ratio "$best" "$pm")" >> "$res/best"
	echo "$c bound $(ratio "$pm" "$(med "$res/$c.bound")")" >> "$res/bound"
	echo "$c wbound $(ratio "$pm" "$(med "$res/$c.wbound")")" >> "$res/bound"
done
echo
echo "Signed images (host): the zstd image signed (ECDSA P-256), verified $shani, then unpacked:"
echo
echo "| popinit unpack | popinit unpack -k (verified, a sealed copy) | popinit verify alone | verify / unpack |"
echo "|---|---|---|---|"
echo "| $(cell "$res/zstd.unsigned") | $(cell "$res/zstd.signed") | $(cell "$res/zstd.verify") | $(ratio "$(med "$res/zstd.verify")" "$(med "$res/zstd.unsigned")") |"
echo "host $(ratio "$(med "$res/zstd.verify")" "$(med "$res/zstd.unsigned")")" > "$res/signed"
echo
echo "## 2. QEMU: the kernel's unpack against popinit's, and the boot"
echo
included vm
echo
echo "## 3. Memory: peak RSS of popinit unpack, $(mib "$bigsize") MiB image (three concatenated copies of the archive)"
echo
echo "The goal is popinit's own memory: read through a pipe (\`cat IMAGE | popinit unpack -\`), nothing of the image"
echo "is mapped. With the image as a file argument it is mapped, and the peak counts the page-cache pages of it read"
echo "so far (memory the image takes anyway; at boot a tmpfs file, given back as it is consumed) with the rest."
echo
echo "| codec | peak RSS, through a pipe | peak RSS, the file mapped | codec memory | goal: 8 MiB + codec memory (the pipe) |"
echo "|---|---|---|---|---|"
for c in $codecs; do
	case $c in
	plain) win=0; wtxt="none";; gzip) win=32; wtxt="32 KiB window";;
	xz) win=8192; wtxt="8 MiB dictionary";; zstd) win=4096; wtxt="4 MiB window (zstd -9)";;
	lz4) win=24576; wtxt="two 8 MiB blocks (one decoded while the writer writes the other) + a block's compressed input";;
	esac
	rss=$(cat "$res/$c.rss") prss=$(cat "$res/$c.prss")
	printf '| %s | %s MiB | %s MiB | %s | %s |\n' $c "$(awk -v k="$prss" 'BEGIN { printf "%.1f", k / 1024 }')" \
		"$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')" "$wtxt" "$(ok "$prss" "<" $((8192 + win)))"
	echo "$c $(ok "$prss" "<" $((8192 + win)))" >> "$res/mem"
done
echo
echo "## 4. Size of the static binary (stripped, x86_64)"
echo
echo "| build | bytes |"
echo "|---|---|"
echo "| popinit, 7 codecs + BearSSL, firmware build (TOOLS=no) | $size7 |"
echo "| popinit, gzip xz zstd + BearSSL, firmware build (TOOLS=no) | $size3 |"
echo "| popinit, 7 codecs + host tools (mkimage, sign) | $sizefull |"
echo "| klibc kinit, static, no codecs (measured in shared/research/peers.md, not rebuilt here) | 62048 |"
echo "| busybox, musl, cpio+modprobe+insmod+gunzip+unxz+switch_root (peers.md, not rebuilt here) | 124704 |"
echo
echo "The codecs' build options, speed against size (tests/bench/options.sh$([ -s build/bench/options.md ] && date -u -r build/bench/options.md '+, run %Y-%m-%d %H:%M UTC'));"
echo "\"vs default\" is against boot/deps.sh's choice, the first of each library:"
echo
[ -s build/bench/options.md ] && cat build/bench/options.md || echo "(not run)"
echo
echo "## 5. OpenRISC: the seed's scenario, by phase"
echo
included or1k
echo
echo "## Goals (issue 14)"
echo
echo "Computed from the figures above; what limits each one not met, and what it would take, is in the notes after."
echo
vmr=build/bench/vm/res
if [ -s $vmr/ratios ]; then
	c1=$(awk '$3 == "NaN" || $3 > 1.00 { printf "%s%s at %s vCPU %s", n++ ? ", " : "", $2, $1, $3 }' $vmr/ratios)
	e1=$(awk '$4 == "NaN" || $4 > 1.00 { printf "%s%s at %s vCPU %s", n++ ? ", " : "", $2, $1, $4 }' $vmr/ratios)
	c2=$(awk '$1 == 2 && ($3 == "NaN" || $3 > 0.80) { printf "%s%s %s", n++ ? ", " : "", $2, $3 }' $vmr/ratios)
	echo "1. QEMU, unpack cost popinit / kernel at most 1.00, every image, 1 and 2 vCPUs: $([ -z "$c1" ] && echo met || echo "**not met** for $c1")."
	echo "   Boot to the stamp not later than with the kernel unpacking: $([ -z "$e1" ] && echo met || echo "**not met** for $e1")."
	echo "   At 2 vCPUs, 0.80 or better: $([ -z "$c2" ] && echo met || echo "**not met** for $c2")."
	d1=$(awk '$5 == "NaN" || $5 > 1.00 { printf "%s%s at %s vCPU %s", n++ ? ", " : "", $2, $1, $5 }' $vmr/ratios)
	o1=$(awk '$6 == "NaN" || $6 > 1.00 { printf "%s%s at %s vCPU %s", n++ ? ", " : "", $2, $1, $6 }' $vmr/ratios)
	echo "   By the direct measure (the kernel's copy into rootfs + popinit's own unpack, against the kernel's unpack):"
	echo "   $([ -z "$d1" ] && echo met || echo "**not met** for $d1"); popinit's own unpack alone at most the kernel's: $([ -z "$o1" ] && echo met || echo "**not met** for $o1")."
else
	echo "1. QEMU: not run."
fi
fast=$(awk '$3 == "NaN" || $3 <= 1 { print $1 " " $3 }' "$res/best" | tr '\n' ',' | sed 's/,$//; s/,/, /g')
echo "2. Host: faster than every peer on every codec: $([ -z "$fast" ] && echo met || echo "**not met** for $fast (the fastest peer / popinit)")."
nb=$(awk '$2 == "wbound" && ($3 == "NaN" || $3 > 1.15) { print $1 " " $3 }' "$res/bound" | tr '\n' ',' | sed 's/,$//; s/,/, /g')
echo "   Within 1.15x of (decode bound + write): $([ -z "$nb" ] && echo met || echo "**not met** for $nb")."
echo "   The firmware build within 300 KiB: $([ "$size7" -le 307200 ] && echo "met ($size7 bytes, $((307200 - size7)) to spare)" || echo "**not met** ($size7 bytes)")."
mbad=$(awk '$2 != "met" { print $1 }' "$res/mem" | tr '\n' ',' | sed 's/,$//; s/,/, /g')
echo "3. Memory: peak RSS (host, through a pipe) under 8 MiB + the codec's memory: $([ -z "$mbad" ] && echo met || echo "**not met** for $mbad")."
if [ -s $vmr/floors ]; then
	awk '{ printf "   Memory floor, %s: the kernel %d MiB, popinit %d MiB (%s).\n", $1, $2, $3, $3 < $2 - 8 ? "below" : "**not below**" }' $vmr/floors
fi
if [ -s $vmr/signed ] || [ -s "$res/signed" ]; then
	cat "$res/signed" $vmr/signed 2>/dev/null | awk '{ v = $NF; where = NF == 2 ? "host" : "QEMU " $2 " at " $1 " vCPU"
		printf "%s%s %.1f %%%s", n++ ? ", " : "4. Signed: verification at most 5 % of the unpack: ", where, 100 * v, v <= 0.05 ? " (met)" : " (**not met**)" }
		END { print "." }'
fi
echo
[ -f tests/bench/notes.md ] && cat tests/bench/notes.md
} > "$out"

# ---- the chart: peer / popinit per codec (bars), 1.0 = popinit ----------------------
awk -v out="$top/bench/unpack.svg" '
	{ c = $1; t = $2; v = ($3 == "NaN") ? 0 : $3
	  if (!(c in seen)) { seen[c] = 1; codecs[++nc] = c }
	  if (!(t in tseen)) { tseen[t] = 1; tools[++nt] = t }
	  r[c, t] = v; if (v > max) max = v }
	END {
		name["bsdcpio"] = "bsdcpio (pipe)"; name["bsdcpio_own"] = "bsdcpio (own decoder)"
		name["gnucpio"] = "GNU cpio (pipe)"; name["busybox"] = "busybox cpio (pipe)"
		col["bsdcpio"] = "#4e79a7"; col["bsdcpio_own"] = "#a0cbe8"; col["gnucpio"] = "#f28e2b"; col["busybox"] = "#59a14f"
		max = int(max + 1); W = 760; H = 360; L = 60; B = 300; T = 40; gw = (W - L - 20) / nc; bw = (gw - 20) / nt
		printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H > out
		printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n" > out
		printf "<text x=\"%d\" y=\"20\" font-size=\"14\">Host unpack into tmpfs: peer time / popinit time (higher: popinit faster)</text>\n", L > out
		for (y = 0; y <= max; y++) {
			py = B - (B - T) * y / max
			printf "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", L, W - 20, py, py, y == 1 ? "#d62728" : "#ddd" > out
			printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%dx</text>\n", L - 6, py + 4, y > out
		}
		for (i = 1; i <= nc; i++) {
			x0 = L + (i - 1) * gw + 10
			for (j = 1; j <= nt; j++) {
				if (!((codecs[i], tools[j]) in r)) continue
				v = r[codecs[i], tools[j]]; h = (B - T) * v / max
				printf "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n", x0 + (j - 1) * bw, B - h, bw - 2, h, col[tools[j]] > out
				printf "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"9\">%.2f</text>\n", x0 + (j - 0.5) * bw, B - h - 3, v > out
			}
			printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x0 + (gw - 20) / 2, B + 16, codecs[i] > out
		}
		for (j = 1; j <= nt; j++) {
			printf "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>\n", L + (j - 1) * 170, B + 34, col[tools[j]] > out
			printf "<text x=\"%d\" y=\"%d\">%s</text>\n", L + (j - 1) * 170 + 14, B + 43, name[tools[j]] > out
		}
		printf "<text x=\"%d\" y=\"%d\" fill=\"#d62728\">red line: as fast as popinit</text>\n", L, H - 4 > out
		printf "</svg>\n" > out
	}' "$res/ratios"
cat "$out"
