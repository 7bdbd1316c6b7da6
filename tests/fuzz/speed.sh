# speed.sh: sourced by the fuzzing scripts (run.sh, sig.sh, kernel/run.sh,
# campaign.sh): what a libFuzzer run did, and whether it was fast enough.
#
#   fuzz_time FILE CMD...    run CMD, its times in FILE; CMD's status
#   fuzz_speed LOG FILE      sets runs, cov, secs, cpu, rate, cpu_rate, speed
#   fuzz_slow                true when cpu_rate < FUZZ_MIN_RATE
#
# The speed figure is runs per second of CPU time (user + system, every
# thread of the fuzzer): what the target costs, whatever else the machine
# runs (this one is shared; on a machine of its own it is the runs per
# second of wall time, which is printed beside it).  FUZZ_MIN_RATE, default
# 1000, is the floor; 0 turns the check off (a slower machine, a port).

FUZZ_MIN_RATE=${FUZZ_MIN_RATE:-1000}

fuzz_time() {
	_f=$1
	shift
	/usr/bin/time -f '%e %U %S' -o "$_f" "$@"
}

fuzz_speed() {
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$1" | tail -n 1)
	cov=$(grep -E '^#[0-9]+' "$1" | tail -n 1 | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	# the last line: "Command exited with non-zero status N" may come first
	set -- $(tail -n 1 "$2" 2>/dev/null)
	secs=${1:-0}
	cpu=$(awk -v u="${2:-0}" -v s="${3:-0}" 'BEGIN { printf "%.1f", u + s }')
	rate=$(awk -v r="${runs:-0}" -v t="$secs" 'BEGIN { printf "%d", (t > 0 ? r / t : 0) }')
	cpu_rate=$(awk -v r="${runs:-0}" -v t="$cpu" 'BEGIN { printf "%d", (t > 0 ? r / t : 0) }')
	speed="${runs:-?} runs in ${secs}s, $rate/s ($cpu_rate/s of CPU)"
}

fuzz_slow() {
	[ "$FUZZ_MIN_RATE" -gt 0 ] && [ "$cpu_rate" -lt "$FUZZ_MIN_RATE" ]
}
