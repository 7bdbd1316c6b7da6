#!/bin/sh
# man.sh: the man pages (doc/*.7, doc/*.8): each renders with man(1) and
# passes mandoc's and groff's checks without a warning; and they cannot
# drift from the code: every command of cli/popinit.c's table is in
# popinit(8), every kernel command-line option popinit reads (the words
# init/cmdline.c, init/modules.c and modload/ compare) is in popinit(7),
# every option of popinit-mkinitramfs (its getopts string) is in its page.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
w=$top/build/test/man
mkdir -p "$w"
pass() { echo "PASS man/$1"; }
fail() { echo "FAIL man/$1: $2"; }

for f in "$top"/doc/*.[78]; do
	n=$(basename "$f")
	if ! MANWIDTH=80 man -l "$f" > "$w/$n.txt" 2> "$w/$n.err" || [ -s "$w/$n.err" ] || [ ! -s "$w/$n.txt" ]; then
		fail "$n-renders" "man -l: $(head -n 2 "$w/$n.err" | tr '\n' ' ')"
	else
		pass "$n-renders"
	fi
	if command -v mandoc > /dev/null; then
		out=$(mandoc -Tlint -W style "$f" 2>&1)
		if [ -n "$out" ]; then fail "$n-mandoc-lint" "$(echo "$out" | head -n 3 | tr '\n' ' ')"; else pass "$n-mandoc-lint"; fi
	fi
	out=$(groff -man -ww -z "$f" 2>&1)
	if [ -n "$out" ]; then fail "$n-groff-warnings" "$(echo "$out" | head -n 3 | tr '\n' ' ')"; else pass "$n-groff-warnings"; fi
done

# in the rendered text: hyphens and spacing as man prints them
text() { col -b < "$w/$1.txt" | tr -s ' \n' '  '; }

# every command of the multi-call table, as "popinit NAME"
missing=
for c in $(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", cmd_.*/\1/p' "$top/cli/popinit.c"); do
	text popinit.8 | grep -q "popinit $c " || missing="$missing $c"
done
n=$(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", cmd_.*/\1/p' "$top/cli/popinit.c" | wc -l)
if [ "$n" -lt 10 ]; then fail commands-documented "only $n commands found in cli/popinit.c: the pattern is stale"
elif [ -n "$missing" ]; then fail commands-documented "not in popinit(8):$missing"
else pass commands-documented; fi

# every command-line word popinit compares: strcmp(param|k, "WORD"), and
# the words of cmdline.c's tables ({ "WORD", offsetof(struct boot_opts, ...)
opts=$({ cat "$top"/init/*.c "$top"/modload/*.c | grep -o 'strcmp(\(param\|k\), "[^"]*")'
	 grep -o '{ "[^"]*", offsetof(struct boot_opts' "$top"/init/cmdline.c; } | sed 's/[^"]*"\([^"]*\)".*/\1/' | sort -u)
missing=
for o in $opts; do
	[ "$o" = -- ] && continue
	text popinit.7 | grep -qE "(^| )$o(=| |,|$)" || missing="$missing $o"
done
n=$(echo "$opts" | wc -w)
if [ "$n" -lt 20 ]; then fail cmdline-documented "only $n options found in the sources: the pattern is stale"
elif [ -n "$missing" ]; then fail cmdline-documented "not in popinit(7):$missing"
else pass cmdline-documented; fi
text popinit.7 | grep -q 'MODULE.PARAM=VALUE' && pass cmdline-module-params-documented ||
	fail cmdline-module-params-documented "MODULE.PARAM=VALUE not in popinit(7)"

# every option of the generator
letters=$(sed -n 's/^while getopts \([A-Za-z:]*\) opt.*/\1/p' "$top/boot/mkinitramfs" | tr -d ':' | sed 's/h//')
missing=
for l in $(echo "$letters" | sed 's/./& /g'); do
	text popinit-mkinitramfs.8 | grep -q -- "-$l" || missing="$missing -$l"
done
if [ -z "$letters" ]; then fail mkinitramfs-options-documented "no getopts line in boot/mkinitramfs"
elif [ -n "$missing" ]; then fail mkinitramfs-options-documented "not in popinit-mkinitramfs(8):$missing"
else pass mkinitramfs-options-documented; fi

# the README points at the pages
missing=
for p in popinit.8 popinit.7 popinit-mkinitramfs.8; do
	grep -q "${p%.*}(${p##*.})" "$top/README.md" || missing="$missing ${p%.*}(${p##*.})"
done
if [ -n "$missing" ]; then fail readme-points-at-pages "README.md does not name$missing"; else pass readme-points-at-pages; fi
