#!/bin/sh
# campaign-test.sh: campaign.sh goes on where the last campaign stopped.
# A campaign.md recording 9,990,000 runs of fuzz_verity: the next campaign
# runs it for the 10,000 it lacks, records them, and its totals reach the
# goal; the one after skips it.  A run stopped by SIGINT (its core wanted
# elsewhere) is recorded as stopped with the runs it made, not as failed,
# and names no input of an earlier run.  In a work directory of its own
# (FUZZ_WORK).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$top/build/test/campaign
rm -rf "$work"
mkdir -p "$work"
status=0
ok() { echo "PASS fuzz/campaign/$1"; }
bad() { echo "FAIL fuzz/campaign/$1: $2"; status=1; }

{
	echo "| target | runs | hours | CPU hours | coverage | features | corpus | result |"
	echo "| verity | 9990000 | 0.10 | 0.05 | 114 | 291 | 77 inputs, 312 KiB | no crash |"
	echo "| probe | 5 | 0.00 | 0.00 | 1 | 1 | 1 inputs, 4 KiB | no crash (stopped by SIGINT) |"
	echo "| probe | 7 | 0.00 | 0.00 | 1 | 1 | 1 inputs, 4 KiB | FAIL: a crash |"
} > "$work/campaign.md"
FUZZ_WORK=$work FUZZ_RUNS=10000000 sh "$top/tests/fuzz/campaign.sh" 0.05 verity > "$work/first.log" 2>&1
row=$(grep '^| verity |' "$work/campaign.md" | sed -n 2p)
runs=$(echo "$row" | awk -F'|' '{ gsub(/ /, "", $3); print $3 }')
case $runs in
10000)	ok resumes-for-what-is-lacking ;;
*)	bad resumes-for-what-is-lacking "the second verity row ran '${runs:-none}' runs, not 10000: $(tail -n 3 "$work/first.log" | tr '\n' ' ')" ;;
esac
total=$(grep '^| verity |' "$work/campaign-total.md" | awk -F'|' '{ gsub(/ /, "", $3); gsub(/ /, "", $5); print $3, $5 }')
case $total in
"10000000 2") ok totals-sum-every-run ;;
*)	bad totals-sum-every-run "campaign-total.md says '$total' (runs, campaign runs), not '10000000 2'" ;;
esac
# probe: 12 runs in 2 campaign runs, 1 failed (a run stopped is not)
probe=$(grep '^| probe |' "$work/campaign-total.md" | awk -F'|' '{ gsub(/ /, "", $3); gsub(/ /, "", $5); gsub(/ /, "", $9); print $3, $5, $9 }')
[ "$probe" = "12 2 1" ] && ok totals-keep-other-targets ||
	bad totals-keep-other-targets "campaign-total.md says '$probe' for probe (runs, campaign runs, failed), not '12 2 1'"
FUZZ_WORK=$work FUZZ_RUNS=10000000 sh "$top/tests/fuzz/campaign.sh" 0.05 verity > "$work/second.log" 2>&1
if grep -q '^SKIP fuzz/verity: 10000000 runs recorded' "$work/second.log" && [ "$(grep -c '^| verity |' "$work/campaign.md")" -eq 2 ]; then
	ok skips-a-target-at-its-goal
else
	bad skips-a-target-at-its-goal "the third campaign ran verity again: $(head -n 2 "$work/second.log" | tr '\n' ' ')"
fi

# a run stopped by SIGINT, with an earlier run's crash in its artifacts
mkdir -p "$work/probe/artifacts"
echo old > "$work/probe/artifacts/crash-0123old"
FUZZ_WORK=$work FUZZ_RUNS=10000000 sh "$top/tests/fuzz/campaign.sh" 0.05 probe > "$work/stop.log" 2>&1 &
cpid=$!
i=0
until grep -q 'INITED' "$work/probe/fuzz.log" 2>/dev/null || [ $i -ge 600 ]; do
	sleep 0.1; i=$((i + 1))
done
pkill -INT -f "^$work/probe/fuzz_probe " || bad stop-is-not-a-failure "no fuzz_probe to stop after 60 s"
wait $cpid
line=$(grep -E '^(STOP|FAIL|PASS) fuzz/probe' "$work/stop.log")
row=$(grep '^| probe |' "$work/campaign.md" | sed -n 3p)
case $line in
"STOP fuzz/probe: interrupted"*", no crash until then"*) ok stop-is-not-a-failure ;;
*)	bad stop-is-not-a-failure "run.sh said '$line'" ;;
esac
case $line in
*0123old*) bad stop-names-no-old-input "run.sh named an earlier run's input: '$line'" ;;
*)	ok stop-names-no-old-input ;;
esac
case $row in
*"| no crash (stopped: interrupted"*) ok stop-is-recorded ;;
*)	bad stop-is-recorded "campaign.md's row: '$row'" ;;
esac
probe=$(grep '^| probe |' "$work/campaign-total.md" | awk -F'|' '{ gsub(/ /, "", $3); gsub(/ /, "", $5); gsub(/ /, "", $9); print ($3 + 0 > 12), $5, $9 }')
[ "$probe" = "1 3 1" ] && ok stop-counts-its-runs ||
	bad stop-counts-its-runs "campaign-total.md says '$probe' for probe (more than 12 runs, campaign runs, failed), not '1 3 1'"

# a crash: the input this run wrote is the one named (a target of its own,
# crashing on "CR", its artifacts beside an earlier run's)
printf '#include <stddef.h>\n#include <stdint.h>\n#include <stdlib.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { if (n >= 2 && d[0] == 67 && d[1] == 82) abort(); return 0; }\n' > "$work/crash.c"
mkdir -p "$work/crash/seeds" "$work/crash/artifacts"
printf 'CRASH' > "$work/crash/seeds/s"
touch "$work/crash/artifacts/crash-0123old"
if ${FUZZ_CC:-clang-14} -fsanitize=fuzzer -o "$work/crash/fuzz" "$work/crash.c" > "$work/crash/build.log" 2>&1; then
	"$work/crash/fuzz" -artifact_prefix="$work/crash/artifacts/" "$work/crash/seeds" > "$work/crash/fuzz.log" 2>&1
	. "$top/tests/fuzz/lib.sh"
	fuzz_outcome "$work/crash/fuzz.log"
	case $art in
	"$work/crash/artifacts/crash-"*0123old) bad outcome-names-this-runs-input "named the earlier input: $art" ;;
	"$work/crash/artifacts/crash-"?*)
		if [ -z "$stopped" ] && cmp -s "$art" "$work/crash/seeds/s"; then ok outcome-names-this-runs-input
		else bad outcome-names-this-runs-input "$art is not the seed that crashed, or stopped='$stopped'"; fi ;;
	*)	bad outcome-names-this-runs-input "art='$art' (log: $work/crash/fuzz.log)" ;;
	esac
else
	bad outcome-names-this-runs-input "could not build a crashing target: $(tail -n 1 "$work/crash/build.log")"
fi
# the coverage of a last line that ends in a dictionary entry (libFuzzer
# prints its bytes as octal escapes)
printf '%s\n' '#144	REDUCE cov: 96 ft: 129 corp: 15/672Kb lim: 69633 exec/s: 0 rss: 47Mb L: 46734/69633 MS: 3 CopyPart-CMP- DE: "\206\266\000\000"-' \
	'stat::number_of_executed_units: 156' > "$work/de.log"
. "$top/tests/fuzz/lib.sh"
fuzz_speed "$work/de.log" /dev/null
[ "$runs $cov $ft" = "156 96 129" ] && ok coverage-of-a-dictionary-line ||
	bad coverage-of-a-dictionary-line "runs, cov, ft: '$runs $cov $ft', not '156 96 129'"
exit $status
