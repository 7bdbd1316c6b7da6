#!/bin/sh
# campaign-test.sh: campaign.sh goes on where the last campaign stopped.
# A campaign.md recording 9,990,000 runs of fuzz_verity: the next campaign
# runs it for the 10,000 it lacks, records them, and its totals reach the
# goal; the one after skips it.  In a work directory of its own (FUZZ_WORK).
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
exit $status
