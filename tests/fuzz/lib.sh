# lib.sh: sourced by the fuzzing scripts (run.sh, sig.sh, kernel/run.sh,
# campaign.sh): how a libFuzzer run is timed, judged and its corpus merged.
#
#   fuzz_time FILE CMD...    run CMD, its times in FILE; CMD's status
#   fuzz_speed LOG FILE      sets runs, cov, ft, wall, cpu, rate, cpu_rate, speed
#   fuzz_slow                true when cpu_rate < FUZZ_MIN_RATE
#   fuzz_merge BIN DIR ARG...   with FUZZ_MERGE=1: DIR/corpus merged in
#                            place (libFuzzer -merge=1: the fewest inputs
#                            with the same coverage), ARGs given to BIN
#   fuzz_outcome LOG         after a run that failed: sets art (the input
#                            this run wrote, from LOG; empty when it wrote
#                            none) and stopped (1 when libFuzzer was
#                            interrupted, SIGINT or SIGTERM, and wrote none)
#   $fuzz_runs               -runs=FUZZ_RUNS when that is set (campaign.sh)
#
# The speed figure is runs per second of CPU time (user + system, every
# thread of the fuzzer): what the target costs, whatever else the machine
# runs (this one is shared; on a machine of its own it is the runs per
# second of wall time, which is printed beside it).  FUZZ_MIN_RATE, default
# 1000, is the floor; 0 turns the check off (a slower machine, a port).

FUZZ_MIN_RATE=${FUZZ_MIN_RATE:-1000}
fuzz_runs=${FUZZ_RUNS:+-runs=$FUZZ_RUNS}

fuzz_time() {
	_f=$1
	shift
	/usr/bin/time -f '%e %U %S' -o "$_f" "$@"
}

fuzz_speed() {
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$1" | tail -n 1)
	_last=$(grep -E '^#[0-9]+' "$1" | tail -n 1)
	# printf, not echo: the line may end in a dictionary entry, DE:
	# "\206\266\000...", whose escapes dash's echo would turn into bytes
	cov=$(printf '%s\n' "$_last" | LC_ALL=C sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s\n' "$_last" | LC_ALL=C sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	# the last line: "Command exited with non-zero status N" may come first
	set -- $(tail -n 1 "$2" 2>/dev/null)
	wall=${1:-0}
	cpu=$(awk -v u="${2:-0}" -v s="${3:-0}" 'BEGIN { printf "%.1f", u + s }')
	rate=$(awk -v r="${runs:-0}" -v t="$wall" 'BEGIN { printf "%d", (t > 0 ? r / t : 0) }')
	cpu_rate=$(awk -v r="${runs:-0}" -v t="$cpu" 'BEGIN { printf "%d", (t > 0 ? r / t : 0) }')
	speed="${runs:-?} runs in ${wall}s, $rate/s ($cpu_rate/s of CPU)"
}

fuzz_slow() {
	[ "$FUZZ_MIN_RATE" -gt 0 ] && [ "$cpu_rate" -lt "$FUZZ_MIN_RATE" ]
}

# the artifact directory keeps the inputs of earlier runs: only the one
# this run's log names is this run's
fuzz_outcome() {
	art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$1" | tail -n 1)
	stopped=
	[ -z "$art" ] && grep -q 'libFuzzer: run interrupted' "$1" && stopped=1
	return 0
}

fuzz_merge() {
	[ "${FUZZ_MERGE-}" = 1 ] || return 0
	_bin=$1 _d=$2
	shift 2
	rm -rf "$_d/corpus.merged"
	mkdir -p "$_d/corpus.merged"
	if "$_bin" "$@" -merge=1 "$_d/corpus.merged" "$_d/corpus" > "$_d/merge.log" 2>&1; then
		rm -rf "$_d/corpus"
		mv "$_d/corpus.merged" "$_d/corpus"
	fi
}
