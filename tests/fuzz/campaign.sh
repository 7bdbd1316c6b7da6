#!/bin/sh
# campaign.sh: a long fuzzing campaign, one target after the other, at the
# lowest priority (nice 19: the machine is shared).
#
#   sh tests/fuzz/campaign.sh HOURS [NAME...]     make fuzz-campaign HOURS=N
#
# Each target (every tests/fuzz/fuzz_NAME.c, then kernel-diff) runs through
# its usual script (run.sh, sig.sh, kernel/run.sh: reproducers first, the
# speed check) until FUZZ_RUNS runs (default 10,000,000) or HOURS hours,
# whichever comes first, going on from the corpus the last run left.  Then
# the corpus is merged (libFuzzer -merge=1: the smallest set of inputs with
# the same coverage) in place.  Corpora stay under build/ (out of git); the
# figures go to build/fuzz/campaign.md, a line a target and a run, ready
# for the README's table:
#
#   | target | runs | hours | CPU hours | coverage | features | corpus | result |
#
# A crash stops that target (libFuzzer stops at the first): its line says
# where the input is; fixing it takes a reproducer in tests/fuzz/regress/.
# A target stopped by SIGINT or SIGTERM (its core wanted elsewhere) is
# recorded with the runs it made, "no crash (stopped: interrupted ...)",
# and not counted as failed; the next campaign goes on from there.
#
# A campaign goes on where the last one stopped: a target runs for what it
# lacks of FUZZ_RUNS, the runs campaign.md already records for it (every
# run of it, from the corpus the one before left, as OSS-Fuzz counts its
# total executions) subtracted; one that has them all is skipped.  The
# totals per target close campaign.md's figures (campaign-total.md).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# the speed check is the smoke's; a long run on a busy machine says less
# (set before lib.sh, which defaults it to 1000)
export FUZZ_MIN_RATE=${FUZZ_MIN_RATE:-0}
. "$top/tests/fuzz/lib.sh"
hours=${1:?usage: campaign.sh HOURS [NAME...]}
shift
budget=$(awk -v h="$hours" 'BEGIN { printf "%d", h * 3600 }')
goal=${FUZZ_RUNS:-10000000}
export FUZZ_MERGE=1
renice -n 19 $$ > /dev/null 2>&1
out=${FUZZ_WORK:-$top/build/fuzz}	# run.sh's (tests/fuzz/campaign-test.sh)
res=$out/campaign.md
mkdir -p "$out"
[ -f "$res" ] || echo "| target | runs | hours | CPU hours | coverage | features | corpus | result |" > "$res"

if [ $# -gt 0 ]; then
	names="$*"
else
	names="$(cd "$top/tests/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//') kernel-diff"
fi

# the runs campaign.md records for target $1
recorded() {
	awk -F'|' -v n="$1" '{ gsub(/ /, "", $2); gsub(/ /, "", $3) } $2 == n && $3 ~ /^[0-9]+$/ { s += $3 } END { print s + 0 }' "$res"
}

status=0
for n in $names; do
	done_=$(recorded "$n")
	if [ "$done_" -ge "$goal" ]; then
		echo "SKIP fuzz/$n: $done_ runs recorded, the goal is $goal"
		continue
	fi
	export FUZZ_RUNS=$((goal - done_))
	case $n in
	kernel-diff) d=$out/kernel; log=$d/fuzz.log
		line=$(sh "$top/tests/fuzz/kernel/run.sh" "$budget") ;;
	sig)	d=$top/build/fuzz-sig; log=$d/run.log
		line=$(sh "$top/tests/fuzz/run.sh" "$budget" sig) ;;
	*)	d=$out/$n; log=$d/fuzz.log
		line=$(sh "$top/tests/fuzz/run.sh" "$budget" "$n") ;;
	esac
	rc=$?
	echo "$line"
	fuzz_speed "$log" "$d/time"
	files=$(ls "$d/corpus" 2>/dev/null | wc -l)
	kb=$(du -sk "$d/corpus" 2>/dev/null | cut -f1)
	hrs=$(awk -v t="$wall" 'BEGIN { printf "%.2f", t / 3600 }')
	chrs=$(awk -v c="$cpu" 'BEGIN { printf "%.2f", c / 3600 }')
	if [ $rc -eq 0 ]; then
		result="no crash"
	elif [ "${line%% *}" = STOP ]; then	# not a failure: counted, not failed
		result="no crash (stopped: $(echo "$line" | sed 's/^STOP [^:]*: //; s/:.*//'))"
		status=1
	else
		result="FAIL: $(echo "$line" | sed 's/^FAIL [^:]*: //' | cut -c1-160)"
		status=1
	fi
	echo "| $n | ${runs:-?} | $hrs | $chrs | ${cov:-?} | ${ft:-?} | $files inputs, $kb KiB | $result |" >> "$res"
done
# the totals: every run recorded, the CPU hours, the last line's coverage
tot=$out/campaign-total.md
{
	echo "| target | runs | CPU hours | campaign runs | coverage | features | corpus | failed runs |"
	echo "|---|---|---|---|---|---|---|---|"
	awk -F'|' 'NR > 1 { for (i = 2; i <= 9; i++) gsub(/^ +| +$/, "", $i) }
		NR > 1 && $3 ~ /^[0-9]+$/ {
			if (!($2 in runs)) order[++k] = $2
			runs[$2] += $3; cpu[$2] += $5; n[$2]++
			cov[$2] = $6; ft[$2] = $7; corp[$2] = $8
			if ($9 ~ /^FAIL/) bad[$2]++
		}
		END { for (i = 1; i <= k; i++) { t = order[i]
			printf "| %s | %d | %.2f | %d | %s | %s | %s | %d |\n", t, runs[t], cpu[t], n[t], cov[t], ft[t], corp[t], bad[t] } }' "$res"
} > "$tot"
echo "figures: ${res#$top/}, totals: ${tot#$top/}"
exit $status
