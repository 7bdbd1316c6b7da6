#!/bin/sh
# budget.sh: the firmware build (make size's second part: TOOLS=no, all
# seven codecs, BearSSL, x86_64) stays within its budget, 300 KiB: a size
# check, not a benchmark.  Prints PASS/FAIL lines.
#
#   sh tests/budget.sh            POPINIT_BUDGET=BYTES to check another limit
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
budget=${POPINIT_BUDGET:-307200}
b=build/fw
cd "$top" || exit 1
if ! make -s B=$b TOOLS=no $b/popinit > build/budget.log 2>&1; then
	echo "FAIL budget/firmware-build: $(tail -n 3 build/budget.log | tr '\n' ' ')"
	exit 0
fi
size=$(stat -c %s $b/popinit)
if [ "$size" -le "$budget" ]; then
	echo "PASS budget/firmware-within-300KiB"
	echo "budget: the firmware build is $size bytes of $budget, $((budget - size)) to spare" >&2
else
	echo "FAIL budget/firmware-within-300KiB: $size bytes, $((size - budget)) over $budget (make size: the share of each part)"
fi
