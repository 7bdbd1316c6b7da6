# group.sh: sourced by run.sh and san.sh.  run COMMAND...: a test group's
# PASS/FAIL lines into $log; all but the PASS lines shown; a group that
# reports nothing is a failure (named $GROUP_PREFIX and its script).
run() {
	before=$(grep -c '^PASS \|^FAIL ' "$log")
	"$@" 2>&1 | tee -a "$log" | grep -v '^PASS ' || true
	after=$(grep -c '^PASS \|^FAIL ' "$log")
	if [ "$after" -eq "$before" ]; then
		echo "FAIL ${GROUP_PREFIX-}$(basename "$2" .sh): produced no results" | tee -a "$log"
	fi
}
