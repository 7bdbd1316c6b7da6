#!/bin/sh
# headers.sh: every header of popinit compiles on its own, twice in a row
# (its include guard covers all of it), and after every other header of
# its folder (no order dependence).  PASS/FAIL lines.
# Not boot/xz_config.h: the kernel's lib/xz's configuration, not a header of
# popinit's; it includes the kernel's xz.h, there only once boot/deps.sh has
# built lib/xz (make XZDEC=kernel), and tests/kxz.sh compiles lib/xz with it.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
w=${TESTDIR:-$top/build/test}/headers
werror=; [ "${WERROR-}" = 1 ] && werror=-Werror
rm -rf "$w"; mkdir -p "$w"
cc=${HEADERS_CC:-musl-gcc}
flags="-std=c11 -D_GNU_SOURCE -Wall -Wextra $werror -fsyntax-only -I$top/build/deps/include"
cd "$top" || exit 1
hs=$(ls */*.h | grep -v '^build' | grep -vx 'boot/xz_config.h')
for h in $hs; do
	n=$(echo "$h" | tr / -)
	{ printf '#include "%s/%s"\n' "$top" "$h"; printf '#include "%s/%s"\n' "$top" "$h"; } > "$w/$n-twice.c"
	: > "$w/$n-after.c"
	for o in $(echo "$hs" | grep "^$(dirname "$h")/"); do
		[ "$o" = "$h" ] || printf '#include "%s/%s"\n' "$top" "$o" >> "$w/$n-after.c"
	done
	printf '#include "%s/%s"\n' "$top" "$h" >> "$w/$n-after.c"
	for t in twice after; do
		# shellcheck disable=SC2086
		if $cc $flags "$w/$n-$t.c" > "$w/$n-$t.err" 2>&1; then
			echo "PASS headers/$h-$t"
		else
			echo "FAIL headers/$h-$t: $(grep -m 2 'error' "$w/$n-$t.err" | tr '\n' ' ')"
		fi
	done
done
