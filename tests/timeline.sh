#!/bin/sh
# timeline.sh: popinit timeline on the host (run sanitized too, by
# tests/san.sh): a timings file from a file and from standard input, the
# same chart; malformed lines skipped and counted; names and the title
# escaped, control and non-ASCII bytes replaced, and the result renders
# (rsvg-convert) and parses (xmllint); the errors: an empty or foreign
# input, a missing file, an unwritable output, a bad option.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
p=${POPINIT:-$top/build/popinit}
w=${TESTDIR:-$top/build/test}/timeline
rm -rf "$w"; mkdir -p "$w"
pass() { echo "PASS timeline/$1"; }
fail() { echo "FAIL timeline/$1: $2"; }

# a timings file as popinit writes it (the root-ext4 boot's, shortened)
cat > "$w/t" <<'T'
popinit-timings 1
kernel 0 2729292 0 6.1.0-57-amd64
setup 2729292 2754593 0 -
image 2878626 3045533 0 /initramfs.d/10-modules.img
modules 3052730 4183331 0 -
module 3075573 3113735 1 virtio_ring
module 3113844 3125052 2 virtio
root 4184413 4437862 0 /dev/vda
init 4447354 4447354 0 /sbin/init
T
"$p" timeline -o "$w/file.svg" "$w/t" 2> "$w/file.err"; rc1=$?
"$p" timeline - < "$w/t" > "$w/stdin.svg" 2> "$w/stdin.err"; rc2=$?
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ ! -s "$w/file.err" ] && cmp -s "$w/file.svg" "$w/stdin.svg" &&
   [ "$(grep -c '<g class="row ' "$w/file.svg")" -eq 8 ] && rsvg-convert -o "$w/file.png" "$w/file.svg" 2>/dev/null; then
	pass file-and-stdin
else
	fail file-and-stdin "rc $rc1 $rc2, $(cat "$w/file.err" "$w/stdin.err" | head -n 2 | tr '\n' ' ')"
fi
# -o - is standard output (as the input's -), not a file named "-"
(cd "$w" && rm -f ./- && "$p" timeline -o - t > dash.svg 2> dash.err); rc=$?
if [ $rc -eq 0 ] && cmp -s "$w/file.svg" "$w/dash.svg" && [ ! -e "$w/-" ]; then pass dash-o-is-stdout
else fail dash-o-is-stdout "rc $rc, $(head -n 1 "$w/dash.err")$([ -e "$w/-" ] && echo ', wrote a file named -')"; fi

# malformed lines: each skipped and counted, the good ones drawn
{ cat "$w/t"; printf 'module 5 4 1 ends-before-it-starts\nModule 1 2 1 upper-case\nmodule 1 2 1000 lane\nmodule x 2 1 x\nmodule 1 2 1\n# a comment\n\n'; } > "$w/bad"
"$p" timeline -o "$w/bad.svg" "$w/bad" 2> "$w/bad.err"; rc=$?
if [ $rc -eq 0 ] && grep -qx "popinit: warning: $w/bad: 5 malformed lines skipped" "$w/bad.err" &&
   [ "$(grep -c '<g class="row ' "$w/bad.svg")" -eq 8 ]; then
	pass malformed-lines-skipped
else
	fail malformed-lines-skipped "rc $rc: $(cat "$w/bad.err")"
fi

# what a name or title holds: escaped, or replaced; still one document
printf 'popinit-timings 1\nimage 1 2 0 <a href="x">&amp;</a>\nimage 2 3 0 caf\303\251\001\033[1m\nroot 3 4 0 \047q\047\n' > "$w/names"
"$p" timeline -t "<title>&\"'$(printf 'caf\303\251')" -o "$w/names.svg" "$w/names" 2> "$w/names.err"
if xmllint --noout "$w/names.svg" 2> "$w/names.xml" && rsvg-convert -o "$w/names.png" "$w/names.svg" 2>/dev/null &&
   grep -q '&lt;a href=&quot;x&quot;&gt;&amp;amp;&lt;/a&gt;' "$w/names.svg" && grep -q 'caf????\[1m' "$w/names.svg" &&
   grep -q '&apos;q&apos;' "$w/names.svg" && grep -q '&lt;title&gt;&amp;&quot;&apos;caf' "$w/names.svg"; then
	pass names-escaped
else
	fail names-escaped "$(head -n 2 "$w/names.xml" "$w/names.err" | tr '\n' ' ')"
fi

# errors: one line, and the exit code says which kind
err() { # err NAME CODE MESSAGE ARGS...
	n=$1 code=$2 msg=$3; shift 3
	"$p" timeline "$@" > "$w/$n.out" 2> "$w/$n.err" < /dev/null
	rc=$?
	if [ $rc -eq "$code" ] && [ "$(cat "$w/$n.err")" = "$msg" ]; then pass "$n"; else fail "$n" "rc $rc: $(cat "$w/$n.err")"; fi
}
: > "$w/empty"
err empty-input 100 "popinit: fatal: $w/empty: neither popinit's timings nor a log with popinit's lines" "$w/empty"
printf 'popinit-timings 1\n' > "$w/header-only"
err header-only 100 "popinit: fatal: $w/header-only: neither popinit's timings nor a log with popinit's lines" "$w/header-only"
err missing-file 100 "popinit: fatal: unable to open $w/nosuch: No such file or directory" "$w/nosuch"
err unwritable-output 111 "popinit: fatal: unable to write $w/nodir/x.svg: No such file or directory" -o "$w/nodir/x.svg" "$w/t"
err bad-option 100 "popinit: fatal: bad option -x; usage: popinit timeline [-o OUT] [-t TITLE] [FILE]" -x "$w/t"
err two-files 100 "popinit: fatal: usage: popinit timeline [-o OUT] [-t TITLE] [FILE]" "$w/t" "$w/t"
