#!/bin/sh
# run.sh: the whole test suite (make check).  Every test prints one line,
# "PASS name" or "FAIL name: why"; the last line is "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/test
mkdir -p "$out"
log=$out/results
: > "$log"

. "$top/tests/group.sh"

run sh "$top/tests/unit.sh"
run sh "$top/tests/headers.sh"
run sh "$top/tests/man.sh"
run sh "$top/tests/timeline.sh"
run sh "$top/tests/budget.sh"
run sh "$top/tests/layout.sh"
run sh "$top/tests/deps.sh"
# a crash smoke: 10 s a target is mostly the seeds' first pass, too short
# for the speed floor, which make fuzz (60 s a target, in .ci/run) checks
export FUZZ_MIN_RATE=0
run sh "$top/tests/fuzz/run.sh" 10
unset FUZZ_MIN_RATE
run sh "$top/tests/fuzz/campaign-test.sh"
run sh "$top/tests/cli.sh"
run sh "$top/tests/sig.sh"
run sh "$top/tests/modprobe.sh"
run sh "$top/tests/probe.sh"
run sh "$top/tests/slots.sh"
run sh "$top/tests/verity/run.sh"
run sh "$top/tests/pid1.sh"
run sh "$top/tests/boot/run.sh"
run sh "$top/tests/port.sh"
run sh "$top/tests/mkinitramfs.sh"
run sh "$top/tests/oracle/compare.sh"
run sh "$top/tests/kxz.sh"
run sh "$top/tests/corpus/initramfs-tools.record" --compare

pass=$(grep -c '^PASS ' "$log")
fail=$(grep -c '^FAIL ' "$log")
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
