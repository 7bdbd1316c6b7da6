#!/bin/sh
# layout.sh MAP HOTLIST ARCH SCRIPT OBJDUMP FILE...: the linker script that
# lays out the libraries' .text.hot group (boot/deps.sh's hot) so that each
# function HOTLIST names, if it is no longer than a page, lies in one page.
#
# Under QEMU's TCG a translated block is chained to the next only within a
# guest page; a decoder's loop across a page boundary pays a lookup at every
# jump that crosses it (gzip x1.41, bench/history.md 2r).  MAP is a first
# link's map (the group's start and what is in it), SCRIPT the linker's
# default script (ld --verbose), the FILEs the libraries and objects with
# .text.hot sections (OBJDUMP -h: each section's alignment).  The hot
# functions are placed one after another from the group's start; where one
# would cross a page the other functions of the group fill up to the
# boundary, so nothing is padded (the firmware budget).  Prints SCRIPT with
# its .text.hot line preceded by the order.  The page is QEMU's for ARCH
# (or1k 8 KiB, else 4 KiB).
#
# layout.sh -c MAP HOTLIST ARCH: checks a final link: a line for each unit
# HOTLIST names that MAP holds, "ok" or "crosses", and the status 1 if any
# crosses a page.
set -eu
check=0
if [ "$1" = -c ]; then check=1; shift; set -- "$1" "$2" "$3" /dev/null true; fi
map=$1 list=$2 arch=$3 script=$4 objdump=$5
shift 5
case $arch in or1k) page=8192 ;; *) page=4096 ;; esac

# the alignments: "ARCHIVE(MEMBER) SECTION ALIGN"
aligns=$(for a; do
	"$objdump" -h "$a" | awk -v a="$a" '
		/^In archive / { ar = 1; next }
		/:     file format / { m = $1; sub(/:$/, "", m); next }
		$2 ~ /^\.text\.hot\./ && $7 ~ /^2\*\*/ { split($7, p, /\*\*/); print (ar ? a "(" m ")" : a) " " $2 " " 2 ^ p[2] }'
done)

printf '%s\n' "$aligns" | awk -v check="$check" -v page="$page" -v list="$list" -v arch="$arch" -v script="$script" '
function hex(s,   i, c, v) {
	v = 0; s = tolower(s); sub(/^0x/, "", s)
	for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
	return v
}
function up(x, a) { return a > 1 ? int((x + a - 1) / a) * a : x }
function place(k) { cur = up(cur, al[k]) + sz[k]; out[++no] = k; used[k] = 1 }
# the section pattern of input K: *ARCHIVE:MEMBER(SECTION), or for an
# object of its own *OBJECT(SECTION)
function pat(k,   f, ar, mem) {
	f = file[k]
	if (f !~ /\(/) return "*" f "(" name[k] ")"
	ar = f; sub(/\(.*$/, "", ar); sub(/^.*\//, "", ar)
	mem = f; sub(/^[^(]*\(/, "", mem); sub(/\)$/, "", mem)
	return "*" ar ":" mem "(" name[k] ")"
}
FILENAME == "-" { A[$1 " " $2] = $3; next }
BEGIN {
	# NAME[+NAME...] [ARCH LO HI]: functions laid one after another, as
	# a unit (a caller and its callee: a call across a page is a lookup
	# too); with ARCH, on ARCH only its bytes LO to HI (hex) run hot,
	# elsewhere (no line for that ARCH) all of it
	while ((getline l < list) > 0) {
		sub(/#.*/, "", l)
		if (split(l, fl, /[ \t]+/) < 1 || fl[1] == "") continue
		mine = fl[2] == "" || fl[2] == arch
		if (!mine && (fl[1] in wi)) continue
		if (!(fl[1] in wi)) wi[fl[1]] = ++nw
		w = wi[fl[1]]; want[w] = fl[1]
		wlo[w] = mine && fl[2] != "" ? hex(fl[3]) : 0; whi[w] = mine && fl[2] != "" ? hex(fl[4]) : -1
	}
}
# the map: ".text.hot.X ADDR SIZE FILE" on one line or two
FILENAME != "-" && /^Linker script and memory map/ { inmap = 1; next }
# where the group begins: the padding before its first section, if any
FILENAME != "-" && inmap && /^ \*\(.*\.text\.hot\.\*/ { atgroup = 1; next }
FILENAME != "-" && inmap && atgroup && $1 == "*fill*" { start = hex($2); begun = 1; atgroup = 0; next }
FILENAME != "-" && inmap {
	atgroup = 0
	if (pend != "") {
		if ($1 ~ /^0x/ && NF >= 3) { n = pend; a = $1; s = $2; f = $3 } else n = ""
		pend = ""
	} else if ($1 ~ /^\.text\.hot\./) {
		if (NF == 1) { pend = $1; next }
		n = $1; a = $2; s = $3; f = $4
	} else next
	if (n == "" || hex(s) == 0) next
	k = ++ni; name[k] = n; addr[k] = hex(a); sz[k] = hex(s); file[k] = f
	al[k] = (f " " n) in A ? A[f " " n] : 1
	if (!begun && (k == 1 || addr[k] < start)) start = addr[k]
}
# lay U from X: the start US of its first member, its end UE
function lay(u, x,   i, k) {
	for (i = 1; i <= c[u]; i++) { k = m[u, i]; x = up(x, al[k]); if (i == 1) us = x; x += sz[k] }
	ue = x
}
# does U from X keep its hot bytes in one page?
function fits(u, x,   h) {
	lay(u, x); h = uhi[u] < 0 ? ue - us : uhi[u]
	return int((us + ulo[u]) / page) == int((us + h - 1) / page)
}
END {
	# the members of each unit; a name matches X or the copies GCC makes, X.* (.constprop.0, ...)
	for (k = 1; k <= ni; k++) {
		fn = name[k]; sub(/^\.text\.hot\./, "", fn)
		if (!(fn in byname)) byname[fn] = k
		base = fn; sub(/\..*$/, "", base)
		if (!(base in byname)) byname[base] = k
	}
	for (w = 1; w <= nw; w++) {
		nm = split(want[w], parts, "+"); ok = 1
		for (i = 1; i <= nm; i++) if (!(parts[i] in byname) || (byname[parts[i]] in taken)) ok = 0
		if (!ok) continue
		u = ++nu; c[u] = nm; ulo[u] = wlo[w]; uhi[u] = whi[w]; uname[u] = want[w]
		for (i = 1; i <= nm; i++) { m[u, i] = byname[parts[i]]; taken[byname[parts[i]]] = 1 }
		lay(u, 0); ext[u] = (uhi[u] < 0 ? ue - us : uhi[u]) - ulo[u]
		if (ext[u] > page) { for (i = 1; i <= nm; i++) delete taken[m[u, i]]; nu-- }
	}
	if (check) {
		bad = 0
		for (u = 1; u <= nu; u++) {
			k = m[u, c[u]]; s0 = addr[m[u, 1]]; h = uhi[u] < 0 ? addr[k] + sz[k] - s0 : uhi[u]
			for (i = 2; i <= c[u]; i++) if (addr[m[u, i]] < addr[m[u, i - 1]]) h = page + 1
			if (int((s0 + ulo[u]) / page) == int((s0 + h - 1) / page)) print "ok " uname[u]
			else { print "crosses " uname[u]; bad = 1 }
		}
		exit bad
	}
	# the largest hot extent first; the fillers (all the rest) the largest first
	for (i = 1; i <= nu; i++) ord[i] = i
	for (i = 2; i <= nu; i++)
		for (j = i; j > 1 && ext[ord[j]] > ext[ord[j - 1]]; j--) { t = ord[j]; ord[j] = ord[j - 1]; ord[j - 1] = t }
	for (k = 1; k <= ni; k++) if (!(k in taken)) fill[++nf] = k
	for (i = 2; i <= nf; i++)
		for (j = i; j > 1 && sz[fill[j]] > sz[fill[j - 1]]; j--) { t = fill[j]; fill[j] = fill[j - 1]; fill[j - 1] = t }
	cur = start
	for (i = 1; i <= nu; i++) {
		u = ord[i]
		while (!fits(u, cur)) {
			# its hot bytes from the next boundary on: the largest
			# filler that ends before B, where it would then begin
			b = (int((us + ulo[u]) / page) + 1) * page - ulo[u]; got = 0
			for (j = 1; j <= nf; j++) {
				k = fill[j]
				if (!(k in used) && up(cur, al[k]) + sz[k] <= b) { place(k); got = 1; break }
			}
			if (got) continue
			# none: the smallest that crosses it, if the unit then fits
			for (j = nf; j >= 1; j--) {
				k = fill[j]
				if (!(k in used)) {
					if (fits(u, up(cur, al[k]) + sz[k])) { place(k); got = 1 }
					break
				}
			}
			if (!got) break		# left as it falls
		}
		for (j = 1; j <= c[u]; j++) place(m[u, j])
	}
	while ((getline l < script) > 0) {
		if (l ~ /\*\(\.text\.hot \.text\.hot\.\*\)/)
			for (i = 1; i <= no; i++) print "    " pat(out[i])
		print l
	}
}' - "$map"
