#!/bin/sh
# run.sh: build the libFuzzer targets (make fuzz-targets: every
# tests/fuzz/fuzz_NAME.c, clang, ASan + UBSan, glibc) and run each for a
# bounded time over its seed corpus, after replaying its reproducers
# (tests/fuzz/regress/NAME/*, each a fixed bug, which must pass alone).
#
#   sh tests/fuzz/run.sh [SECONDS [NAME...]]     default 60 s, every target
#
# One line per target, "PASS fuzz/NAME: R runs in S s, X/s (Y/s of CPU) ...",
# "FAIL fuzz/NAME: ..." (the input that failed, if the run wrote one) or
# "STOP fuzz/NAME: interrupted ..." (SIGINT or SIGTERM: no crash until then;
# exit status 1 all the same).  A target slower than FUZZ_MIN_RATE runs per
# second of CPU (lib.sh: default 1000) fails: the figure is this smoke's
# own check that the target is fast enough to find anything.
#
# A new target is one file, tests/fuzz/fuzz_NAME.c: make fuzz-targets
# builds it (linked with every library folder, tests/fuzz/alloc.c and the
# unit tests' harness), this script runs it.  Its libFuzzer options are a
# line of its own source, "fuzz-options: -max_len=N (why)"; its seeds are
# the files in tests/fuzz/seeds/NAME/ (small, committed), and what seeds()
# below makes from real data (the corpus, mkfs outputs, Debian's kernel
# modules); with neither, an empty input.  A target with a script of its
# own, tests/fuzz/NAME.sh (sig: it builds BearSSL for itself and signs its
# seeds), is run by that script, for SECONDS too.
#
# Work in $FUZZ_WORK/NAME/ (default build/fuzz): corpus (kept between runs:
# a campaign, campaign.sh, goes on from it), seeds, artifacts (crashes),
# fuzz.log, and the binary run (a copy, so that a rebuild does not change a
# running campaign).  FUZZ_MASK (see fuzz_image.c) names known differences
# to ignore while fuzzing fuzz_image; none by default (reproducers: nothing
# masked, every input re-fed: FUZZ_REFEED_ALL=1, see fuzz.h).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/fuzz/lib.sh"
secs=${1:-60}
[ $# -gt 0 ] && shift
out=$top/build/fuzz
work=${FUZZ_WORK:-$out}
mask="${FUZZ_MASK-}"
mkdir -p "$out"

status=0
if [ $# -gt 0 ]; then
	names="$*"
else
	names=$(cd "$top/tests/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
fi

if ! make -s -C "$top" fuzz-targets > "$out/build.log" 2>&1; then
	for n in $names; do
		echo "FAIL fuzz/$n: build: $(grep -m 3 -E 'error|Error' "$out/build.log" | tr '\n' ' ') (build/fuzz/build.log)"
	done
	exit 1
fi

# alloc.c keeps ASan's checks on the blocks it keeps (alloc_test.c)
if [ $# -eq 0 ]; then
	bad=
	if ${FUZZ_CC:-clang-14} -g -O1 -fsanitize=address -Wall -Wextra ${WERROR:+-Werror} -o "$out/alloc_test" \
		"$top/tests/fuzz/alloc_test.c" "$top/tests/fuzz/alloc.c" > "$out/alloc_test.log" 2>&1; then
		for c in fresh calloc realloc; do
			"$out/alloc_test" $c >> "$out/alloc_test.log" 2>&1 || bad="$bad $c"
		done
		for c in overflow:heap-buffer-overflow tail:use-after-poison smaller:use-after-poison \
			 after-free:use-after-poison \
			 double-free:'fuzz alloc: double free'; do
			f=$out/alloc_test.${c%%:*}
			if "$out/alloc_test" "${c%%:*}" > "$f" 2>&1; then
				bad="$bad ${c%%:*}(not caught)"
			elif ! grep -q "${c#*:}" "$f"; then
				bad="$bad ${c%%:*}(not as ${c#*:})"
			fi
		done
	else
		bad=" build"
	fi
	if [ -z "$bad" ]; then
		echo "PASS fuzz/alloc-keeps-asan-checks"
	else
		echo "FAIL fuzz/alloc-keeps-asan-checks:$bad (build/fuzz/alloc_test.*)"
		status=1
	fi
fi

corpus=$top/tests/corpus

# kmods: Debian's module tree, depmod'ed (fetched as tests/modprobe.sh does)
kmods() {
	k=$(ls -d "$top"/build/kernel/lib/modules/*/ 2>/dev/null | head -n 1)
	if [ -z "$k" ]; then
		sh "$top/boot/kernel.sh" "$top/build/kernel" > /dev/null 2>&1 || return 0
		k=$(ls -d "$top"/build/kernel/lib/modules/*/ 2>/dev/null | head -n 1)
	fi
	[ -n "$k" ] || return 0
	v=$(basename "$k")
	[ -f "$k/modules.dep" ] || PATH=$PATH:/sbin:/usr/sbin depmod -b "$top/build/kernel" "$v" 2>/dev/null
	[ -f "$k/modules.dep" ] && echo "$k"
}

# modseed DIR MODULE...: a fuzz_modules input from Debian's files: the
# modules.dep lines of the modules and all they depend on, their aliases,
# softdeps, builtin and symbol lines, Debian's own modprobe.d files, a
# command line, the names to plan, and the smallest of their .ko files
modseed() {
	k=$1
	shift
	deps=$(awk -v want=" $* " '
		{ n = $1; sub(/:$/, "", n); m = n; sub(/.*\//, "", m); sub(/\.ko.*/, "", m); gsub(/-/, "_", m)
		  line[m] = $0; for (i = 2; i <= NF; i++) { d = $i; sub(/.*\//, "", d); sub(/\.ko.*/, "", d); gsub(/-/, "_", d); dep[m] = dep[m] " " d } }
		END { split(want, w, " "); for (i in w) { q[++t] = w[i]; gsub(/-/, "_", q[t]) }
		      for (h = 1; h <= t; h++) { m = q[h]; if (seen[m]++ || !(m in line)) continue; print line[m]
		            n = split(dep[m], e, " "); for (i = 1; i <= n; i++) q[++t] = e[i] } }' "$k/modules.dep")
	mnames=$(echo "$deps" | sed 's/:.*//; s|.*/||; s/\.ko.*//' | sort -u)
	pat=$(echo "$mnames" | sed 's/[-_]/[-_]/g' | paste -sd'|')
	ko=$(echo "$deps" | sed 's/:.*//' | while read -r f; do [ -f "$k/$f" ] && echo "$(wc -c < "$k/$f") $f"; done |
	     sort -n | head -n 1 | cut -d' ' -f2)
	{
		echo "$deps"; printf '@@\n'
		grep -E " ($pat)\$" "$k/modules.alias" | head -c 12000; printf '@@\n'
		cat "$k/modules.softdep"; printf '@@\n'
		head -c 3000 "$k/modules.builtin"; printf '@@\n'
		tr '\0' '\n' < "$k/modules.builtin.modinfo" | grep -E '^(crc32c_generic|sha256_generic|virtio|unix)\.' |
			head -c 3000 | tr '\n' '\0'; printf '@@\n'
		grep -E " ($pat)\$" "$k/modules.symbols" | head -c 6000; printf '@@\n'
		cat /lib/modprobe.d/*.conf /etc/modprobe.d/*.conf 2>/dev/null | head -c 6000
		printf 'options %s debug=1 \\\n quiet=0\n' "$1"; printf '@@\n'
		printf '%s.x=1 modprobe.blacklist=loop module_blacklist=a,b\n@@\n' "$1"
		echo "$mnames" | head -n 6; printf '@@\n'
		[ -n "$ko" ] && head -c 16000 "$k/$ko"
	} > "$sd/$(echo "$1" | tr -c 'a-z0-9_\n' '-')"
}

# seeds NAME DIR: the target's seed corpus, from the files the tests use
seeds() {
	sd=$2
	[ -d "$top/tests/fuzz/seeds/$1" ] && cp "$top/tests/fuzz/seeds/$1"/* "$sd/" 2>/dev/null
	case $1 in
	image)	# each corpus image behind a control prefix (chunks of 128 and 14)
		for img in "$corpus"/*.img; do
			[ -f "$img" ] || continue
			{ printf '\002\177\015'; head -c 65000 "$img"; } > "$sd/$(basename "$img")"
		done
		printf '\001\000' > "$sd/empty"
		printf '\000070701' > "$sd/magic" ;;
	cpio)	# the plain archives, fed both ways (cpio_flush, cpio_write)
		for img in "$corpus"/*.img; do
			[ "$(head -c 4 "$img")" = 0707 ] || continue
			{ printf '\002\177\015'; head -c 65000 "$img"; } > "$sd/$(basename "$img")"
			{ printf '\032\177\015'; head -c 65000 "$img"; } > "$sd/$(basename "$img").write"
		done ;;
	decomp)	# each compressed corpus image, its magic replaced by the codec's number
		for img in "$corpus"/*.img; do
			case $(od -An -tx1 -N2 "$img" | tr -d ' ') in
			1f8b) c='\000' ;; 425a) c='\001' ;; 5d00) c='\002' ;; fd37) c='\003' ;;
			894c) c='\004' ;; 0221) c='\005' ;; 28b5) c='\006' ;; *) continue ;;
			esac
			{ printf "$c\\017"; tail -c +3 "$img" | head -c 65000; } > "$sd/$(basename "$img")"
		done ;;
	fs)	for img in "$corpus"/*.img; do
			[ -f "$img" ] && head -c 65000 "$img" > "$sd/$(basename "$img")"
		done ;;
	cmdline) # the boot suite's command lines, and one over every limit
		sed -n 's/^[[:space:]]*boot [^ ]* "\([^"]*\)".*/\1/p' "$top/tests/boot/run.sh" | sort -u |
			awk -v d="$sd" '{ f = d "/line" NR; printf "%s", $0 > f; close(f) }'
		printf 'root=/dev/vda "quoted=a b" popinit.image=a,b,,c -- init args' > "$sd/quotes"
		awk 'BEGIN { for (i = 0; i < 300; i++) printf "w%d=%d popinit.image=x%d ", i, i, i }' > "$sd/long" ;;
	modules) # Debian's kmod files for real sets of modules; the heads of
		# each file; a module's own .modinfo without modules.dep
		k=$(kmods)
		[ -n "$k" ] || return 0
		modseed "$k" ext4 virtio_blk virtio_pci
		modseed "$k" nvme dm_crypt dm_verity
		modseed "$k" e1000e virtio_net af_packet
		modseed "$k" usb_storage uas xhci_pci ehci_pci uhci_hcd hid_generic
		modseed "$k" btrfs xfs squashfs erofs vfat isofs
		modseed "$k" snd_hda_intel snd_pcsp
		ko=$(find "$k" -name '*.ko' -size -12k | head -n 1)
		{
			for f in modules.dep modules.alias modules.softdep modules.builtin modules.builtin.modinfo modules.symbols; do
				head -c 6000 "$k/$f" 2>/dev/null; printf '@@\n'
			done
			printf 'alias myext ext4\noptions ext4 a=1 \\\n b=2\nsoftdep ext4 pre: crc16 post: loop\nblacklist e1000\ninstall x /bin/true\n@@\n'
			printf 'ext4.x=1 modprobe.blacklist=loop module_blacklist=a,b\n@@\n'
			printf 'ext4\nmyext\nsymbol:crc16\nvirtio_blk\npci:v00001AF4d00001001sv*\n@@\n'
			[ -n "$ko" ] && head -c 12000 "$ko"
		} > "$sd/heads"
		# without modules.dep: the .ko's own modinfo
		{ printf '@@\n@@\n@@\n@@\n@@\n@@\n@@\n@@\na\n@@\n'; [ -n "$ko" ] && head -c 12000 "$ko"; } > "$sd/modinfo" ;;
	probe)	# real mkfs outputs and partition tables (their first 69 KiB)
		t=$out/probe/mk; rm -rf "$t"; mkdir -p "$t/tree"; echo data > "$t/tree/f"
		PATH=$PATH:/sbin:/usr/sbin
		truncate -s 8M "$t/ext4"; mkfs.ext4 -q -L l4 "$t/ext4" 2>/dev/null
		truncate -s 8M "$t/ext2"; mkfs.ext2 -q -L l2 "$t/ext2" 2>/dev/null
		truncate -s 320M "$t/xfs"; mkfs.xfs -q -L lx "$t/xfs" 2>/dev/null
		truncate -s 128M "$t/btrfs"; mkfs.btrfs -q -L lb "$t/btrfs" > /dev/null 2>&1
		truncate -s 32M "$t/vfat"; mkfs.vfat -n LV "$t/vfat" > /dev/null 2>&1
		truncate -s 64M "$t/fat32"; mkfs.vfat -F 32 -n L32 "$t/fat32" > /dev/null 2>&1
		mkfs.erofs --quiet "$t/erofs" "$t/tree" > /dev/null 2>&1
		mksquashfs "$t/tree" "$t/squashfs" -quiet -noappend > /dev/null 2>&1
		truncate -s 16M "$t/gpt"
		printf 'label: gpt\nsize=4M, name="a"\nsize=4M, name="b"\n' | sfdisk -q "$t/gpt" 2>/dev/null
		truncate -s 16M "$t/mbr"
		printf 'label: dos\nlabel-id: 0x1234abcd\nsize=4M, type=83\ntype=5\nsize=2M, type=83\n' | sfdisk -q "$t/mbr" 2>/dev/null
		for f in "$t"/*; do
			[ -f "$f" ] || continue
			{ printf '\000'; head -c 69632 "$f"; } > "$sd/$(basename "$f")"
		done
		{ printf '\001'; head -c 69632 "$t/gpt"; } > "$sd/gpt-4096"
		rm -rf "$t" ;;
	timeline) # the boot suite's console logs and the timings they show
		# (after a boot run), this machine's dmesg and kmsg records, and
		# a timings file as popinit writes it
		for f in "$top"/build/test/boot/root-ext4.txt "$top"/build/test/boot/missing-root.txt \
			 "$top"/build/test/mkinitramfs/*.txt; do
			[ -f "$f" ] || continue
			{ head -c 4000 "$f"; grep -a 'popinit' "$f"; } | head -c 16000 > "$sd/$(basename "$f")"
			sed -n 's|^@@CAT /run/popinit/timings: ||p' "$f" > "$sd/timings-$(basename "$f")"
		done
		dmesg 2>/dev/null | head -c 16000 > "$sd/dmesg"
		dd if=/dev/kmsg iflag=nonblock bs=8192 count=2 2>/dev/null | head -c 16000 > "$sd/kmsg"
		printf 'popinit-timings 1\nkernel 0 2729292 0 6.1.0-57-amd64\nsetup 2729292 2754593 0 -\nimage 2878626 3045533 0 /initramfs.d/10-modules.img\nmodules 3052730 4183331 0 -\nmodule 3075573 3113735 1 virtio_ring\nmodule 3113844 3125052 2 virtio\nroot 4184413 4437862 0 LABEL=a<b&c\nfatal 4447354 4447354 0 no root\ninit 4447354 4447354 0 /sbin/init\n' > "$sd/timings" ;;
	gpt)	# small sfdisk tables with slot states set by cgpt, one a cut
		# update left stale, one it left damaged, one of 4096-byte
		# sectors (mkgpt.py); behind ss, edit, torn (fuzz_gpt.c)
		t=$out/gpt-mk; rm -rf "$t"; mkdir -p "$t"
		PATH=$PATH:/sbin:/usr/sbin
		truncate -s 64K "$t/full"
		printf 'label: gpt\nfirst-lba: 34\nsize=20, name="rootfs_a"\nsize=20, name="rootfs_b"\n' | sfdisk -q "$t/full"
		cgpt add -i 1 -P 1 -S 1 "$t/full" && cgpt add -i 2 -P 2 -T 3 "$t/full"
		truncate -s 24K "$t/small"
		printf 'label: gpt\ntable-length: 8\nfirst-lba: 4\nsize=10, name="rootfs_a"\nsize=10, name="rootfs_b"\n' |
			sfdisk -q "$t/small"
		"$top/build/popinit" slot -d "$t/small" -n rootfs -a a > /dev/null
		for k in 2 3; do
			cp "$t/full" "$t/cut$k"
			POPINIT_TEST_CUT=$k "$top/build/popinit" slot -d "$t/cut$k" -n rootfs -a a > /dev/null 2>&1
		done
		python3 "$top/tests/fuzz/mkgpt.py" "$t/ss4096"
		for f in full small cut2 cut3; do
			[ -s "$t/$f" ] || continue
			{ printf '\000\023\100\001'; cat "$t/$f"; } > "$sd/$f"
			{ printf '\000\377\000\000'; cat "$t/$f"; } > "$sd/$f-other"
		done
		[ -s "$t/ss4096" ] && { printf '\001\021\000\010'; cat "$t/ss4096"; } > "$sd/ss4096"
		rm -rf "$t" ;;
	verity)	# superblocks veritysetup writes, a root hash, options
		t=$out/verity/mk; rm -rf "$t"; mkdir -p "$t"
		PATH=$PATH:/sbin:/usr/sbin
		head -c 65536 /dev/urandom > "$t/data"
		i=0
		for o in "" "--hash sha1" "--hash sha512 --data-block-size 512 --hash-block-size 1024" "--salt -" "--format 0"; do
			rm -f "$t/hash"
			# shellcheck disable=SC2086 # the options are words
			root=$(veritysetup format $o "$t/data" "$t/hash" 2>/dev/null | sed -n 's/^Root hash:[[:space:]]*//p')
			[ -n "$root" ] || continue
			{ printf '\000'; head -c 512 "$t/hash"; printf '%s\000panic-on-corruption' "$root"; } > "$sd/sb$i"
			{ printf '\001'; head -c 512 "$t/hash"; printf '%s\000ignore-corruption,restart-on-corruption' "$root"; } > "$sd/sb$i-strict"
			i=$((i + 1))
		done
		rm -rf "$t" ;;
	esac
	# a target without seeds of its own starts from an empty input
	[ -n "$(ls "$sd")" ] || : > "$sd/empty"
}

# opts NAME: the target's libFuzzer options (its fuzz-options line)
opts() {
	sed -n 's/.*fuzz-options: \([^(*]*\).*/\1/p' "$top/tests/fuzz/fuzz_$1.c" | head -n 1
}

for n in $names; do
	if [ -f "$top/tests/fuzz/$n.sh" ]; then
		sh "$top/tests/fuzz/$n.sh" "$secs" || status=1
		continue
	fi
	d=$work/$n
	bin=$d/fuzz_$n
	mkdir -p "$d/corpus" "$d/artifacts"
	rm -rf "$d/seeds"; mkdir -p "$d/seeds"
	if ! cp "$out/fuzz_$n" "$bin"; then
		echo "FAIL fuzz/$n: no build/fuzz/fuzz_$n (tests/fuzz/fuzz_$n.c did not build)"
		status=1; continue
	fi
	seeds "$n" "$d/seeds"
	nseeds=$(ls "$d/seeds" | wc -l)
	o="$(opts "$n") -rss_limit_mb=4096 -malloc_limit_mb=4096 -timeout=20 -print_final_stats=1
	   -artifact_prefix=$d/artifacts/"

	# the reproducers, nothing masked, every input re-fed: each must pass alone
	bad=
	: > "$d/regress.log"
	for f in "$top/tests/fuzz/regress/$n"/*; do
		[ -f "$f" ] || continue
		FUZZ_MASK= FUZZ_REFEED_ALL=1 "$bin" $o "$f" >> "$d/regress.log" 2>&1 || bad="$bad $(basename "$f")"
	done

	FUZZ_MASK=$mask fuzz_time "$d/time" "$bin" $o $fuzz_runs -max_total_time="$secs" "$d/corpus" "$d/seeds" \
		> "$d/fuzz.log" 2>&1
	rc=$?
	fuzz_speed "$d/fuzz.log" "$d/time"
	[ $rc -eq 0 ] && FUZZ_MASK=$mask fuzz_merge "$bin" "$d" $o
	regress=${bad:+; regress/$n still failing:$bad (${d#$top/}/regress.log)}
	if [ $rc -eq 0 ] && [ -z "$bad" ] && ! fuzz_slow; then
		echo "PASS fuzz/$n: $speed from $nseeds seeds (coverage ${cov:-?}), no crash${mask:+ (masked: $mask)}"
	elif [ $rc -eq 0 ]; then
		slow=; fuzz_slow && slow="too slow: $cpu_rate runs/s of CPU, below $FUZZ_MIN_RATE; "
		echo "FAIL fuzz/$n: $slow$speed, no new crash$regress"
		status=1
	else
		fuzz_outcome "$d/fuzz.log"
		if [ -n "$stopped" ]; then
			echo "STOP fuzz/$n: interrupted (libFuzzer exit $rc): $speed, no crash until then$regress"
		else
			why=$(grep -m 1 -E 'ERROR: |differs from|runtime error|fuzz_[a-z]*: ' "$d/fuzz.log")
			echo "FAIL fuzz/$n: ${why:-libFuzzer exit $rc}; input ${art:-none written}, log ${d#$top/}/fuzz.log$regress"
		fi
		status=1
	fi
done
exit $status
