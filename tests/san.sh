#!/bin/sh
# san.sh: the host-side test groups again, with build-san/popinit (make
# SAN=1: glibc, ASan and UBSan, the libraries sanitized too) in place of
# the static musl binary (make check-san builds it, then runs this).
#
# Run sanitized: cli, sig, modprobe, probe, slots, pid1, timeline, the oracle comparison (the
# unit tests are built with ASan and UBSan in make check already).  Not run:
# the QEMU boot suite (the kernel execs popinit as /init from a bare
# initramfs: no dynamic loader, no libasan there; the static binary is
# what boots) and the fuzzers (sanitized already).  Inside the groups, the
# two size and memory comparisons skip themselves (POPINIT_SAN).
#
# Every sanitizer report is written to build-san/test/san/ (log_path), so
# a report is a failure even where a test expected the command to fail;
# one FAIL line per report (LSan refusing to run under strace excepted).
# Ends with "sanitized: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
export POPINIT=$top/build-san/popinit TESTDIR=$top/build-san/test POPINIT_SAN=1
logs=$TESTDIR/san
rm -rf "$logs"; mkdir -p "$logs"
export ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1:abort_on_error=0:exitcode=99"
export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1"
[ -x "$POPINIT" ] || { echo "FAIL san/build: no $POPINIT (make check-san builds it)"; echo "0 passed, 1 failed"; exit 1; }
log=$TESTDIR/results
: > "$log"

GROUP_PREFIX=san/
. "$top/tests/group.sh"

run sh "$top/tests/cli.sh"
run sh "$top/tests/sig.sh"
run sh "$top/tests/modprobe.sh"
run sh "$top/tests/probe.sh"
run sh "$top/tests/slots.sh"
run sh "$top/tests/pid1.sh"
run sh "$top/tests/timeline.sh"
run sh "$top/tests/oracle/compare.sh"

# LeakSanitizer stops at once in a process run under strace (the fd and
# sealing tests): that is no finding, only a leak check not made there
for f in "$logs"/*; do
	[ -f "$f" ] || continue
	if grep -q 'LeakSanitizer does not work under ptrace' "$f" &&
	   ! grep -q -E 'ERROR: (AddressSanitizer|LeakSanitizer: detected)|runtime error' "$f"; then
		echo "san: no leak check under strace: $(basename "$f")" >&2
		continue
	fi
	echo "FAIL san/report: $(grep -m 1 -E 'ERROR|runtime error|SUMMARY' "$f" || head -n 1 "$f") (build-san/test/san/$(basename "$f"))" |
		tee -a "$log"
done
pass=$(grep -c '^PASS ' "$log")
fail=$(grep -c '^FAIL ' "$log")
echo "sanitized: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
