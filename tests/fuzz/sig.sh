#!/bin/sh
# sig.sh: build the libFuzzer target fuzz_sig (clang, ASan, UBSan, glibc;
# BearSSL compiled from the same Debian source for it) and run it for a
# bounded time over seeds made of real signed images.
#
#   sh tests/fuzz/sig.sh [SECONDS]      default 60
#
# Prints one line, "PASS fuzz/sig: N runs ..." or "FAIL fuzz/sig: ..."
# (too slow too: lib.sh); crashes are left in build/fuzz-sig/artifacts.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/fuzz/lib.sh"
# WERROR=1 (CI): warnings are errors here too
werror=; [ "${WERROR-}" = 1 ] && werror=-Werror
secs=${1:-60}
out=$top/build/fuzz-sig
cc=${FUZZ_CC:-clang-14}
p=$top/build/popinit
mkdir -p "$out/seeds" "$out/corpus" "$out/artifacts" "$out/bearssl"

bs=$(ls -d "$top"/build/deps/src/bearssl-*/ 2>/dev/null | head -n 1)
[ -n "$bs" ] || { echo "FAIL fuzz/sig: no BearSSL source in build/deps/src (run make first)"; exit 1; }
command -v "$cc" > /dev/null || { echo "FAIL fuzz/sig: no $cc"; exit 1; }
if [ ! -f "$out/bearssl.a" ]; then
	for f in "$bs"src/*/*.c; do
		o=$out/bearssl/$(basename "$(dirname "$f")")-$(basename "$f" .c).o
		$cc -O1 -g -fsanitize=address -I"$bs"inc -I"$bs"src -c "$f" -o "$o" 2>> "$out/build.log" ||
			{ echo "FAIL fuzz/sig: building BearSSL: $(tail -1 "$out/build.log")"; exit 1; }
	done
	ar rcs "$out/bearssl.a.tmp" "$out"/bearssl/*.o && mv "$out/bearssl.a.tmp" "$out/bearssl.a"
fi
if ! $cc -std=c11 -g -O1 -D_GNU_SOURCE -Wall $werror -Wextra -Wno-missing-prototypes -I"$bs"inc \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o "$out/fuzz_sig" \
	"$top/tests/fuzz/fuzz_sig.c" "$top/tests/fuzz/alloc.c" "$top/verify/sig.c" "$top/verify/sigkey.c" "$top/verify/sigimage.c" "$top/verify/sha256.c" "$top/lib/io.c" "$top/lib/clock.c" \
	"$out/bearssl.a" 2>> "$out/build.log"; then
	echo "FAIL fuzz/sig: build: $(grep -m 3 error "$out/build.log" | tr '\n' ' ')"
	exit 1
fi

# seeds: signed images (EC and RSA records, a kernel binding, a root
# hash, the payload's SHA-384, a NUL tail)
# and their trailers alone; the trusted key is the EC one
if [ ! -f "$out/ec.pub" ]; then
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$out/ec.key" 2>/dev/null &&
	openssl pkey -in "$out/ec.key" -pubout -out "$out/ec.pub" &&
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/rsa.key" 2>/dev/null ||
		{ echo "FAIL fuzz/sig: openssl could not make keys"; exit 1; }
fi
rm -f "$out/seeds/"*
printf 'dir /etc 0755 0 0\n' > "$out/list"
"$p" mkimage -t 1 -c gzip -o "$out/pay.gz" "$out/list" &&
"$p" sign -k "$out/ec.key" -n main -V 1 "$out/pay.gz" "$out/seeds/ec" &&
"$p" sign -k "$out/rsa.key" -k "$out/ec.key" -n fw -V 99 -K 6.1.0 "$out/pay.gz" "$out/seeds/two" &&
"$p" sign -k "$out/ec.key" -n main -V 2 -K 6.1.0 -R "$(printf r | sha256sum | cut -c1-64)" "$out/pay.gz" "$out/seeds/roothash" &&
"$p" sign -k "$out/ec.key" -n main -V 3 -P sha384 "$out/pay.gz" "$out/seeds/sha384" ||
	{ echo "FAIL fuzz/sig: could not sign the seeds"; exit 1; }
{ cat "$out/seeds/ec"; head -c 100 /dev/zero; } > "$out/seeds/tail"
tail -c 600 "$out/seeds/two" > "$out/seeds/trailer"
cp "$out/ec.pub" "$out/seeds/key.pem"
printf 'main 3\nrecovery 1\n' > "$out/seeds/floors"

opts=$(sed -n 's/.*fuzz-options: \([^(*]*\).*/\1/p' "$top/tests/fuzz/fuzz_sig.c" | head -n 1)
export FUZZ_SIG_KEY=$out/ec.pub
fuzz_time "$out/time" "$out/fuzz_sig" $opts -timeout=20 -rss_limit_mb=2048 $fuzz_runs \
	-max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$out/artifacts/" \
	"$out/corpus" "$out/seeds" > "$out/run.log" 2>&1
rc=$?
fuzz_speed "$out/run.log" "$out/time"
[ $rc -eq 0 ] && fuzz_merge "$out/fuzz_sig" "$out" $opts -rss_limit_mb=2048
if [ $rc -eq 0 ] && [ -n "$runs" ] && ! fuzz_slow; then
	echo "PASS fuzz/sig: $speed, coverage ${cov:-?}, no crash"
elif [ $rc -eq 0 ] && [ -n "$runs" ]; then
	echo "FAIL fuzz/sig: too slow: $cpu_rate runs/s of CPU, below $FUZZ_MIN_RATE; $speed, no crash"
	exit 1
else
	fuzz_outcome "$out/run.log"
	if [ -n "$stopped" ]; then
		echo "STOP fuzz/sig: interrupted (libFuzzer exit $rc): $speed, no crash until then"
		exit 1
	fi
	echo "FAIL fuzz/sig: rc=$rc: $(grep -m 2 -E 'ERROR|SUMMARY|abort' "$out/run.log" | tr '\n' ' ')input ${art:-none written} (log: $out/run.log)"
	exit 1
fi
