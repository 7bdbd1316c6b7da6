#!/bin/sh
# cli.sh: popinit's commands end to end, against the real tools.
# Prints PASS/FAIL lines.  Needs root (unpack chroots, mknods, chowns).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
p=${POPINIT:-$top/build/popinit}
w=${TESTDIR:-$top/build/test}/cli
rm -rf "$w"
mkdir -p "$w"
cd "$w" || exit 1

pass() { echo "PASS cli/$1"; }
fail() { echo "FAIL cli/$1: $2"; }
check() { # check NAME COMMAND...: PASS if the command succeeds
	n=$1; shift
	if "$@" > "$w/$n.out" 2>&1; then pass "$n"; else fail "$n" "$(head -3 "$w/$n.out" | tr '\n' ' ')"; fi
}

# --- mkimage: byte for byte what the kernel's gen_init_cpio writes ---
gic=$(sh "$top/boot/gen_init_cpio.sh" "$top/build/tools" 2>/dev/null)
mkdir -p src
printf 'hello\n' > src/a
head -c 70000 /dev/urandom > src/b
: > src/empty
touch -d @1234567 src/a src/b src/empty
cat > list <<'L'
# every line type of the gen_init_cpio format
dir /bin 0755 0 0
dir /sbin 0755 0 0
dir /usr 0755 0 0
dir /dev 0755 0 0
file /bin/a ${SRC}/a 0644 1 2
file /bin/b ${SRC}/b 04755 0 0 /sbin/b /usr/b
file /empty ${SRC}/empty 0600 0 0
slink /bin/sh a 0777 0 0
nod /dev/null 0666 0 0 c 1 3
nod /dev/sda 0660 0 6 b 8 0
pipe /fifo 0644 0 0
sock /sock 0600 5 5

dir /deep 01777 1000 1000
L
export SRC="$w/src"
if [ -x "$gic" ]; then
	"$gic" -t 1234567 list > gic.cpio 2>/dev/null
	"$p" mkimage -t 1234567 -o pop.cpio list
	if cmp -s gic.cpio pop.cpio; then pass mkimage/matches-gen_init_cpio
	else fail mkimage/matches-gen_init_cpio "$(cmp gic.cpio pop.cpio)"; fi
	"$gic" -c -t 1234567 list > gic-crc.cpio 2>/dev/null
	"$p" mkimage -C -t 1234567 -o pop-crc.cpio list
	if cmp -s gic-crc.cpio pop-crc.cpio; then pass mkimage/crc-matches-gen_init_cpio-c
	else fail mkimage/crc-matches-gen_init_cpio-c "$(cmp gic-crc.cpio pop-crc.cpio)"; fi
else
	fail mkimage/matches-gen_init_cpio "gen_init_cpio could not be built"
fi
SOURCE_DATE_EPOCH=1234567 "$p" mkimage -o sde.cpio list
if cmp -s sde.cpio pop.cpio; then pass mkimage/source-date-epoch
else fail mkimage/source-date-epoch "SOURCE_DATE_EPOCH output differs from -t"; fi
# -o - is standard output (as LIST's -), not a file named "-"
rm -f ./-
"$p" mkimage -t 1234567 -o - list > dash.cpio
if cmp -s dash.cpio pop.cpio && [ ! -e ./- ]; then pass mkimage/dash-o-is-stdout
else fail mkimage/dash-o-is-stdout "$([ -e ./- ] && echo 'wrote a file named -' || cmp dash.cpio pop.cpio)"; fi

# each codec: the tool's own decompressor gives back the plain archive
for c in gzip:"gzip -dc" bzip2:"bzip2 -dc" lzma:"xz -dc --format=lzma" xz:"xz -dc" \
	 lzo:"lzop -dc" lz4:"lz4 -dc" zstd:"zstd -dcq"; do
	codec=${c%%:*} dec=${c#*:}
	"$p" mkimage -t 1234567 -c "$codec" -o "pop.$codec" list
	if $dec < "pop.$codec" | cmp -s - pop.cpio; then pass "mkimage/codec-$codec"
	else fail "mkimage/codec-$codec" "decompressed output differs"; fi
done

printf 'dir /a 0755 0 0\nfrob /x 0755 0 0\n' > bad.list
"$p" mkimage -o bad.cpio bad.list 2> bad.err; rc=$?
if [ $rc -eq 100 ] && grep -q "bad.list:2: unknown file type 'frob'" bad.err && [ ! -e bad.cpio ]; then
	pass mkimage/unknown-type-names-line
else fail mkimage/unknown-type-names-line "rc=$rc $(cat bad.err)"; fi
printf 'file /a /nonexistent/file 0644 0 0\n' > missing.list
"$p" mkimage -o m.cpio missing.list 2> m.err; rc=$?
if [ $rc -ne 0 ] && grep -q "missing.list:1: unable to open /nonexistent/file: No such file" m.err; then
	pass mkimage/missing-file-named
else fail mkimage/missing-file-named "rc=$rc $(cat m.err)"; fi

# --- unpack ---
mkdir -p t1
"$p" unpack --root t1 pop.cpio && cmp -s t1/usr/b src/b && [ "$(stat -c %a t1/usr/b)" = 4755 ] &&
	[ "$(stat -c %i t1/bin/b)" = "$(stat -c %i t1/usr/b)" ] && [ "$(stat -c %t:%T t1/dev/sda)" = 8:0 ] &&
	[ "$(readlink t1/bin/sh)" = a ] && [ "$(stat -c %u:%g t1/bin/a)" = 1:2 ] && [ "$(stat -c %u:%g:%a t1/sock)" = 5:5:600 ]
if [ $? -eq 0 ]; then pass unpack/gen_init_cpio-image; else fail unpack/gen_init_cpio-image "tree wrong"; fi

mkdir -p t2
# NULs so that the plain archive after the gzip member starts at 2 mod 4
n=$(( (6 - $(stat -c %s pop.gzip) % 4) % 4 ))
if { cat pop.gzip; head -c "$n" /dev/zero; cat pop.cpio; } | "$p" unpack --root t2 - 2> t2.err; then
	fail unpack/stdin-unaligned-member "an unaligned plain archive after gzip was accepted"
elif grep -q '^popinit: fatal: -: invalid magic at start of compressed archive' t2.err; then
	pass unpack/stdin-unaligned-member
else fail unpack/stdin-unaligned-member "$(cat t2.err)"; fi

# confinement: nothing outside the root, whatever the names and symlinks
mkdir -p jail outside
# (the jail holds the same path as the real "outside", so that a write
# through the symlinks lands somewhere, inside)
mkdir -p "jail$w/outside"
cat > escape.list <<L
dir /d 0755 0 0
slink /out $w/outside 0777 0 0
slink /up ../../../../../../.. 0777 0 0
slink /abs-d /d 0777 0 0
file /out/victim ${SRC}/a 0644 0 0
file /up$w/outside/victim2 ${SRC}/a 0644 0 0
file ../../escape3 ${SRC}/a 0644 0 0
file /abs-d/through ${SRC}/a 0644 0 0
dir /out/dir 0755 0 0
nod /out/node 0644 0 0 c 1 3
slink /out/link /etc/passwd 0777 0 0
L
"$p" mkimage -t 1 -o escape.cpio escape.list
"$p" unpack --root jail escape.cpio
if [ -z "$(ls -A outside)" ] && [ ! -e "$w/../escape3" ] && [ -e "jail$w/outside/victim" ] &&
   [ -e "jail$w/outside/victim2" ] && [ -e jail/escape3 ] && [ -e jail/d/through ] &&
   [ -d "jail$w/outside/dir" ] && [ -c "jail$w/outside/node" ]; then
	pass unpack/confined-to-root
else fail unpack/confined-to-root "outside: $(ls -A outside) jail: $(cd jail && find . | tr '\n' ' ')"; fi

mkdir -p t3
"$p" unpack --root t3 /nonexistent.img 2> ne.err; rc=$?
if [ $rc -ne 0 ] && grep -q "unable to .*nonexistent" ne.err; then pass unpack/missing-image-named
else fail unpack/missing-image-named "rc=$rc $(cat ne.err)"; fi

# -t: each image's phases, calls and memory, on one thread and on two; the
# calls are the sink's syscalls for this tree (a new one is a cost under
# TCG: the count should change only on purpose); an image refused before
# its first entry lists no call.  Into an empty root a file, directory or
# symlink is made without an lstat first (unpack/sink_fs.c, clean_path):
# the lstats are the nodes' and the later links'.  Unpacked again over
# itself, every name is taken: each is looked at, then kept or replaced
# as the kernel does, and the tree is the same
gz=$(stat -c %s pop.gzip)
calls='lstat 6 open 5 chown 8 chmod 7 truncate 1 write 2 utimes 15 close 5 mkdir 5 mknod 4 symlink 1 link 2'
again='lstat 15 open 8 chown 15 chmod 14 truncate 1 write 2 utimes 15 close 5 mkdir 5 mknod 4 symlink 2 link 2 unlink 3'
tree() { (cd "$1" && find . -printf '%p %y %m %U %G %s %T@ %l\n' | LC_ALL=C sort); }
for j in 1 2; do
	rm -rf "tt$j" && mkdir "tt$j"
	"$p" unpack --root "tt$j" -t -j$j pop.gzip 2> "tt$j.err"; rc=$?
	# (a phase that took no time at all is left out)
	case $j in 1) ph='reader( [a-z]+ [0-9]+)* decode [0-9]+( [a-z]+ [0-9]+)*$' ;;
		   2) ph='reader( [a-z]+ [0-9]+)* decode [0-9]+( [a-z]+ [0-9]+)*; writer( [a-z]+ [0-9]+)+$' ;; esac
	if [ $rc -eq 0 ] && [ "$(wc -l < "tt$j.err")" -eq 2 ] &&
		grep -qE "^popinit: timing pop.gzip: $gz bytes in [0-9]+ ms: 3 files, 5 dirs, 7 others, 70006 bytes out; ms: $ph" "tt$j.err" &&
		grep -qE "^popinit: timing pop.gzip: calls: read [0-9]+, $calls; waits: reader [0-9]+, writer [0-9]+; RAM in use [0-9]+ MB, at most [0-9]+ MB; (mapped|read), 0 MB given back as consumed\$" "tt$j.err" &&
		cmp -s "tt$j/usr/b" src/b; then
		pass "unpack/timing-j$j"
	else fail "unpack/timing-j$j" "rc=$rc $(cat "tt$j.err")"; fi
	tree "tt$j" > "tt$j.tree"
	"$p" unpack --root "tt$j" -t -j$j pop.gzip 2> "tt$j.err2"; rc=$?
	tree "tt$j" > "tt$j.tree2"
	if [ $rc -eq 0 ] && grep -qE "^popinit: timing pop.gzip: calls: read [0-9]+, $again;" "tt$j.err2" &&
		cmp -s "tt$j.tree" "tt$j.tree2" && cmp -s "tt$j/usr/b" src/b; then
		pass "unpack/names-taken-j$j"
	else fail "unpack/names-taken-j$j" "rc=$rc $(cat "tt$j.err2"; diff "tt$j.tree" "tt$j.tree2")"; fi
done
# a new object in a directory popinit made is not chowned or chmodded when
# that would change nothing (unpack/sink_fs.c, struct plain_dir); what the
# archive did not make is not known: a root with a default ACL (the new
# objects' modes come from it, not the umask), a set-group-ID root, a
# set-group-ID directory that was there, one with a default ACL that the
# archive chmods.  Each object must still have the
# archive's mode and owner.  (The kernel's rootfs root is neither: the
# oracle corpus, plain-dirs*, has the cases an archive can make.)
cat > plain.list <<L
dir /d 0755 0 0
file /f $w/src/a 0644 0 0
file /d/f $w/src/a 0644 0 0
dir /d/e 0755 0 0
file /pre/f $w/src/a 0644 0 0
dir /pacl 0755 0 0
file /pacl/f $w/src/a 0644 0 0
slink /l f 0777 0 0
dir /. 0755 0 0
file /./g $w/src/a 0644 0 0
L
"$p" mkimage -t 1 -o plain.cpio plain.list
# a default ACL u::rwx g::--- o::---: a new file asked 0644 is 0600
acl='import os, struct, sys
os.setxattr(sys.argv[1], "system.posix_acl_default", struct.pack("<I", 2) +
	b"".join(struct.pack("<HHI", t, p, 0xFFFFFFFF) for t, p in ((1, 7), (4, 0), (0x20, 0))))'
for r in acl sgid pre; do
	rm -rf "pl-$r" && mkdir "pl-$r"
	case $r in
	acl)	python3 -c "$acl" "pl-$r" ;;
	sgid)	chgrp 5 "pl-$r" && chmod 2755 "pl-$r" ;;
	pre)	mkdir "pl-$r/pre" "pl-$r/pacl" && chgrp 5 "pl-$r/pre" && chmod 2775 "pl-$r/pre" &&
		python3 -c "$acl" "pl-$r/pacl" ;;
	esac
	"$p" unpack --root "pl-$r" plain.cpio 2> "pl-$r.err"; rc=$?
	got=$(cd "pl-$r" && stat -c '%n %a %u %g' d f g d/f d/e pacl pacl/f $([ $r = pre ] && echo pre/f) 2>&1 | tr '\n' ' ')
	want="d 755 0 0 f 644 0 0 g 644 0 0 d/f 644 0 0 d/e 755 0 0 pacl 755 0 0 pacl/f 644 0 0 $([ $r = pre ] && echo 'pre/f 644 0 0 ')"
	lg=$(stat -c '%u %g' "pl-$r/l" 2>&1)
	if [ $rc -eq 0 ] && [ "$got" = "$want" ] && [ "$lg" = "0 0" ]; then pass "unpack/owner-mode-$r-root"
	else fail "unpack/owner-mode-$r-root" "rc=$rc got '$got' symlink '$lg', want '$want' and '0 0'"; fi
done
# a usrmerge image over an earlier image's lib/: its lib -> usr/lib finds
# a directory, whose rmdir fails when it is not empty (kept, the symlink
# not made, as in the kernel): nothing changed, the new objects after it
# are still known new (no chown, no chmod); when the rmdir succeeds, what
# a name resolves to may have changed: every later object is chowned and
# chmodded (unpack/sink_fs.c, clean_path)
cat > merged.list <<L
slink /lib usr/lib 0777 0 0
dir /usr 0755 0 0
dir /usr/lib 0755 0 0
file /usr/lib/f $w/src/a 0644 0 0
dir /usr/bin 0755 0 0
file /usr/bin/g $w/src/a 0755 0 0
L
"$p" mkimage -t 1 -o merged.cpio merged.list
for r in kept removed; do
	rm -rf "um-$r" && mkdir -p "um-$r/lib"
	[ $r = kept ] && mkdir "um-$r/lib/modules"
	"$p" unpack --root "um-$r" -t -j1 merged.cpio 2> "um-$r.err"; rc=$?
	case $r in kept) c='chown 1' l=directory ;; removed) c='chown 6 chmod 5' l='symbolic link' ;; esac
	got=$(cd "um-$r" && stat -c '%n %a %u %g' usr usr/lib usr/lib/f usr/bin usr/bin/g | tr '\n' ' ')
	if [ $rc -eq 0 ] && [ "$got" = "usr 755 0 0 usr/lib 755 0 0 usr/lib/f 644 0 0 usr/bin 755 0 0 usr/bin/g 755 0 0 " ] &&
		[ "$(stat -c %F "um-$r/lib")" = "$l" ] &&
		grep -qE "^popinit: timing merged.cpio: calls: read [0-9]+, lstat 1 open 2 $c write 2 utimes 6 close 2 mkdir 3 symlink 2 unlink 1;" "um-$r.err"; then
		pass "unpack/lib-symlink-over-dir-$r"
	else fail "unpack/lib-symlink-over-dir-$r" "rc=$rc got '$got' lib $(stat -c %F "um-$r/lib") $(cat "um-$r.err")"; fi
done
printf 'garbage!' > junk.img
rm -rf tj && mkdir tj
"$p" unpack --root tj -t -j1 junk.img 2> tj.err; rc=$?
if [ $rc -eq 100 ] && grep -qE '^popinit: timing junk.img: 8 bytes in [0-9]+ ms: 0 files, 0 dirs, 0 others, 0 bytes out;' tj.err &&
	grep -qE '^popinit: timing junk.img: calls: read [0-9]+; waits: ' tj.err &&
	grep -q '^popinit: fatal: junk.img: invalid magic at start of compressed archive at offset 0$' tj.err; then
	pass unpack/timing-refused-image
else fail unpack/timing-refused-image "rc=$rc $(cat tj.err)"; fi

"$p" unpack --root /nonexistent-root pop.cpio 2> nr.err; rc=$?
if [ $rc -eq 111 ] && grep -q "/nonexistent-root: No such file" nr.err; then pass unpack/missing-root-named
else fail unpack/missing-root-named "rc=$rc $(cat nr.err)"; fi

# a full tmpfs: the kernel's "write error", naming the file
if mkdir -p small && mount -t tmpfs -o size=64k tmpfs small 2>/dev/null; then
	"$p" unpack --root small pop.cpio 2> full.err; rc=$?
	if [ $rc -ne 0 ] && grep -q "write error (.*No space left on device)" full.err; then
		pass unpack/full-tmpfs-write-error
	else fail unpack/full-tmpfs-write-error "rc=$rc $(cat full.err)"; fi
	umount small
else
	fail unpack/full-tmpfs-write-error "cannot mount a tmpfs (not root?)"
fi

# a disk full in the middle of a file: the message names the image and
# the entry; the file cut short keeps the kernel's length but not its
# mtime, and is not counted as unpacked; nothing after it is created; the
# image is not counted as unpacked.  Decoded data goes by vmsplice and
# splice (gzip), or by write where vmsplice is refused (gzip-written: the
# same file left, byte for byte); a plain image's own bytes go by sendfile
# (plain)
head -c 300000 /dev/urandom > src/big300k
printf 'dir /d 0755 0 0\nfile /d/a %s/src/a 0644 0 0\nfile /d/big %s/src/big300k 0644 0 0\nfile /d/c %s/src/a 0644 0 0\n' \
	"$w" "$w" "$w" > full.list
"$p" mkimage -t 7 -c gzip -o full.gzip full.list
"$p" mkimage -t 7 -o full.plain full.list
for m in gzip plain gzip-written; do
	n=unpack/full-disk-partial-file-not-done-$m c=${m%-written}
	if mkdir -p small2 && mount -t tmpfs -o size=128k tmpfs small2 2>/dev/null; then
		if [ $m = gzip-written ]; then
			ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -o /dev/null \
				-e trace=vmsplice -e inject=vmsplice:error=EINVAL "$p" unpack -v --root small2 full.$c 2> full2.err
		else
			"$p" unpack -v --root small2 full.$c 2> full2.err
		fi
		rc=$?
		cp small2/d/big "full2-$m.big" 2> /dev/null
		if [ $rc -eq 100 ] && grep -q "^popinit: fatal: full.$c: write error (d/big: No space left on device)$" full2.err &&
		   grep -q "^popinit: unpacked 0 images, .* 1 files, 1 dirs," full2.err &&
		   [ "$(stat -c %s small2/d/big)" = 300000 ] && [ "$(stat -c %Y small2/d/big)" != 7 ] &&
		   [ "$(stat -c %Y small2/d/a)" = 7 ] && [ ! -e small2/d/c ] &&
		   { [ $m != gzip-written ] || cmp -s full2-gzip.big full2-gzip-written.big; }; then
			pass $n
		else fail $n "rc=$rc $(cat full2.err | tr '\n' ' ') $(ls -l --time-style=+%s small2/d | tr '\n' ' ')"; fi
		umount small2
	else
		fail $n "cannot mount a tmpfs (not root?)"
	fi
done

# a plain image's file data, mapped, goes to the files by sendfile from
# the image (unpack/sink_fs.c, sink_fs_source): every byte of it, at the
# right offsets; read from a pipe it is written; where sendfile is refused
# (EINVAL: a file system without splice), written from the mapping: the
# same tree each time
san_off=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0	# (LSan stops under strace)
for m in mapped pipe refused; do
	rm -rf "sf-$m" && mkdir "sf-$m"
	case $m in
	mapped)	ASAN_OPTIONS=$san_off strace -f -qq -e trace=sendfile -o "sf-$m.st" \
			"$p" unpack --root "sf-$m" pop.cpio 2> "sf-$m.err" ;;
	pipe)	cat pop.cpio | ASAN_OPTIONS=$san_off strace -f -qq -e trace=sendfile -o "sf-$m.st" \
			"$p" unpack --root "sf-$m" - 2> "sf-$m.err" ;;
	refused) ASAN_OPTIONS=$san_off strace -f -qq -e trace=sendfile -e inject=sendfile:error=EINVAL \
			-o "sf-$m.st" "$p" unpack --root "sf-$m" pop.cpio 2> "sf-$m.err" ;;
	esac
	rc=$?
	# the bytes each sendfile moved, and the calls refused
	sent=$(awk '/sendfile\(/ && / = [0-9]+$/ { n += $NF } END { print n + 0 }' "sf-$m.st")
	refused=$(grep -c 'sendfile(.*= -1 EINVAL' "sf-$m.st")
	case $m in mapped) want="70006 0" ;; pipe) want="0 0" ;; refused) want="0 1" ;; esac
	if [ $rc -eq 0 ] && [ "$sent $refused" = "$want" ] && cmp -s "sf-$m/usr/b" src/b && cmp -s "sf-$m/bin/a" src/a &&
	   [ "$(stat -c %s:%a:%Y "sf-$m/usr/b")" = "70000:4755:1234567" ] && [ -f "sf-$m/empty" ] &&
	   [ "$(cd "sf-$m" && find . -printf '%p %y %m %s\n' | sort)" = "$(cd t1 && find . -printf '%p %y %m %s\n' | sort)" ]; then
		pass "unpack/data-sendfile-$m"
	else fail "unpack/data-sendfile-$m" "rc=$rc sent, refused: $sent $refused (want $want) $(head -c 300 "sf-$m.err")"; fi
done

# decoded data, and a pipe's, goes to the files by vmsplice and splice
# (unpack/sink_fs.c, lend): a piece of 16 KiB or more (usr/b, 70000 bytes)
# spliced, a smaller one (bin/a) written; vmsplice refused (EINVAL): all
# written; a splice that fails (ENOSPC) fails as the write would have: the
# same message, the same file left.  The same tree each time.
lt() {	# lt NAME INPUT STRACE-ARGS...: unpack into ld-NAME under strace
	n=$1 in=$2; shift 2
	rm -rf "ld-$n" && mkdir "ld-$n"
	if [ "$in" = - ]; then
		cat pop.cpio | ASAN_OPTIONS=$san_off strace -f -qq -e trace=vmsplice,splice,write "$@" -o "ld-$n.st" \
			"$p" unpack -j1 --root "ld-$n" - 2> "ld-$n.err"
	else
		ASAN_OPTIONS=$san_off strace -f -qq -e trace=vmsplice,splice,write "$@" -o "ld-$n.st" \
			"$p" unpack -j1 --root "ld-$n" "$in" 2> "ld-$n.err"
	fi
	echo $? > "ld-$n.rc"
}
# spliced bytes, written bytes (not to stderr), vmsplice calls refused
lt_calls() {
	awk '/^[0-9]+ +splice\(/ && / = [0-9]+$/ { s += $NF }
	     /^[0-9]+ +write\([0-9]+,/ && !/ write\(2,/ && / = [0-9]+$/ { w += $NF }
	     /vmsplice\(.*= -1 EINVAL/ { r++ }
	     END { print s + 0, w + 0, r + 0 }' "ld-$1.st"
}
lt zstd pop.zstd
lt pipe -
lt refused pop.zstd -e inject=vmsplice:error=EINVAL
for m in zstd pipe refused; do
	got=$(lt_calls $m)
	case $m in
	zstd) ok=$([ "$got" = "70000 6 0" ] && echo y) ;;
	refused) ok=$([ "$got" = "0 70006 1" ] && echo y) ;;
	pipe) set -- $got; ok=$([ $(($1 + $2)) = 70006 ] && [ "$1" -ge 16384 ] && [ "$3" = 0 ] && echo y) ;;
	esac
	if [ "$(cat "ld-$m.rc")" = 0 ] && [ "$ok" = y ] &&
	   [ "$(cd "ld-$m" && find . -printf '%p %y %m %s\n' | sort)" = "$(cd t1 && find . -printf '%p %y %m %s\n' | sort)" ] &&
	   cmp -s "ld-$m/usr/b" src/b && cmp -s "ld-$m/bin/a" src/a; then
		pass "unpack/data-lent-$m"
	else fail "unpack/data-lent-$m" "rc=$(cat "ld-$m.rc") spliced, written, refused: $got $(head -c 300 "ld-$m.err")"; fi
done
lt full-splice pop.zstd -e inject=splice:error=ENOSPC
lt full-write pop.zstd -e inject=vmsplice:error=EINVAL -e inject=write:error=ENOSPC:when=2
want="popinit: fatal: pop.zstd: write error (usr/b: No space left on device)"
if [ "$(cat ld-full-splice.rc)" = 100 ] && [ "$(cat ld-full-write.rc)" = 100 ] &&
   [ "$(cat ld-full-splice.err)" = "$want" ] && [ "$(cat ld-full-write.err)" = "$want" ] &&
   [ "$(cd ld-full-splice && find . -printf '%p %y %m %s\n' | sort)" = "$(cd ld-full-write && find . -printf '%p %y %m %s\n' | sort)" ] &&
   cmp -s ld-full-splice/usr/b ld-full-write/usr/b; then
	pass unpack/data-lent-full-as-written
else fail unpack/data-lent-full-as-written "rc $(cat ld-full-splice.rc) $(cat ld-full-write.rc): $(cat ld-full-splice.err) | $(cat ld-full-write.err)"; fi

# lz4's legacy blocks (8 MiB decoded) are decoded, with two threads, into
# blocks the writer lends (unpack/pipe.c, block_get), queued by reference,
# two of them, each back once written: an image of 4 blocks gives the tree
# one thread gives, and the plain archive, also with a slow writer (its
# splices traced: a block back too early is overwritten); a bad third block
# fails as with one thread, after the same bytes; a full disk fails
# (blocks come back after the writer's error: no wait for ever)
seq 1 4000000 > src/seq	# 31 MB: 4 blocks
printf 'dir /d 0755 0 0\nfile /d/a %s/src/a 0644 0 0\nfile /d/seq %s/src/seq 0644 0 0\nfile /d/b %s/src/b 0644 0 0\n' \
	"$w" "$w" "$w" > blk.list
"$p" mkimage -t 9 -c lz4 -o blk.lz4 blk.list
"$p" mkimage -t 9 -o blk.cpio blk.list
python3 - blk.lz4 blk-bad.lz4 > blk.blocks <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
at, n = 4, 0
while at + 4 <= len(b):
    size = struct.unpack_from('<I', b, at)[0]
    n += 1
    if n == 3:
        b[at + 4:at + 4 + size] = b'\xff' * size
    at += 4 + size
open(sys.argv[2], 'wb').write(b)
print(n)
PY
tree() { (cd "$1" && find . -mindepth 1 -printf "%p %y %m %s${2:-}\n" | sort); }
for j in 1 2; do
	rm -rf "blk-$j" "blk-bad-$j" && mkdir "blk-$j" "blk-bad-$j"
	timeout 120 "$p" unpack -j$j --root "blk-$j" blk.lz4 2> "blk-$j.err"; echo $? > "blk-$j.rc"
	timeout 120 "$p" unpack -j$j --root "blk-bad-$j" blk-bad.lz4 2> "blk-bad-$j.err"; echo $? > "blk-bad-$j.rc"
done
rm -rf blk-plain blk-slow && mkdir blk-plain blk-slow && "$p" unpack --root blk-plain blk.cpio
ASAN_OPTIONS=$san_off timeout 300 strace -f -qq -o /dev/null -e trace=splice,vmsplice \
	"$p" unpack -j2 --root blk-slow blk.lz4 2> blk-slow.err; echo $? > blk-slow.rc
if [ "$(cat blk-1.rc blk-2.rc blk-slow.rc | tr '\n' ' ')" = "0 0 0 " ] && [ "$(cat blk.blocks)" = 4 ] &&
   [ "$(tree blk-2 ' %T@')" = "$(tree blk-plain ' %T@')" ] && [ "$(tree blk-1 ' %T@')" = "$(tree blk-plain ' %T@')" ] &&
   [ "$(tree blk-slow ' %T@')" = "$(tree blk-plain ' %T@')" ] &&
   cmp -s blk-2/d/seq src/seq && cmp -s blk-2/d/b src/b && cmp -s blk-slow/d/seq src/seq; then
	pass unpack/lz4-blocks-lent-j2
else fail unpack/lz4-blocks-lent-j2 "rc $(cat blk-1.rc blk-2.rc blk-slow.rc | tr '\n' ' ') $(head -c 300 blk-2.err blk-slow.err)"; fi
want="popinit: fatal: blk-bad.lz4: Decoding failed at the lz4 data at offset 0"
if [ "$(cat blk-bad-1.rc blk-bad-2.rc | tr '\n' ' ')" = "100 100 " ] &&
   [ "$(head -1 blk-bad-2.err)" = "$want" ] && [ "$(head -1 blk-bad-1.err)" = "$want" ] &&
   [ "$(tree blk-bad-2)" = "$(tree blk-bad-1)" ] && cmp -s blk-bad-1/d/seq blk-bad-2/d/seq &&
   [ "$(stat -c %s blk-bad-2/d/seq)" -ge $((15 << 20)) ] && [ ! -e blk-bad-2/d/b ]; then
	pass unpack/lz4-blocks-bad-third-j2
else fail unpack/lz4-blocks-bad-third-j2 "rc $(cat blk-bad-1.rc blk-bad-2.rc | tr '\n' ' ') $(head -c 300 blk-bad-2.err)"; fi
if mkdir -p blk-full && mount -t tmpfs -o size=4m tmpfs blk-full 2>/dev/null; then
	timeout 120 "$p" unpack -j2 --root blk-full blk.lz4 2> blk-full.err; rc=$?
	if [ $rc = 100 ] && [ "$(cat blk-full.err)" = "popinit: fatal: blk.lz4: write error (d/seq: No space left on device)" ]; then
		pass unpack/lz4-blocks-full-disk-j2
	else fail unpack/lz4-blocks-full-disk-j2 "rc=$rc $(head -c 300 blk-full.err)"; fi
	umount blk-full
else fail unpack/lz4-blocks-full-disk-j2 "cannot mount a tmpfs (not root?)"; fi

# each command's usage, from the command list's line for it (cli/popinit.c,
# cmd_usage): the arguments before the description, exit status 100
for u in "probe|probe FILE..." "run|run [--] CMD [ARGS...]" "switch-root|switch-root NEWROOT [INIT [ARGS...]]" \
	 "bless x|bless" "slot -x|slot [-d DISK] [-n NAME] [-a SLOT [-t TRIES]|-u SLOT|-g|-r]" \
	 "modprobe -v|modprobe [-n] [-v] [-q] [-a] [-b] [-d ROOT] [-S VERSION] NAME [PARAM...]" \
	 "mkimage|mkimage [-o OUT] [-c CODEC] [-t EPOCH] [-C] LIST" \
	 "sign -n x|sign -k KEY [-k KEY]... -n NAME -V VERSION [-K KERNEL] [-R ROOTHASH] [-H sha256|sha384] [-P sha384] [IN [OUT]]"; do
	args=${u%%|*} want="popinit: fatal: usage: popinit ${u#*|}"
	# (word splitting of ARGS intended)
	# shellcheck disable=SC2086
	got=$("$p" $args 2>&1); rc=$?
	if [ $rc -eq 100 ] && [ "$got" = "$want" ]; then pass "usage/${args%% *}"
	else fail "usage/${args%% *}" "rc=$rc: $got"; fi
done

# a .lzma header stating a 4 GiB dictionary: refused as the kernel's
# failed window allocation ("decompressor failed") from the header, before
# liblzma allocates the dictionary (under a 800 MB address-space limit it
# failed with "Could not allocate input buffer"; found by fuzz/decomp)
{ printf '\135\000\377\377\377\377\377\377\377\377\377\377\377'; head -c 2000 /dev/urandom; } > huge.lzma
mkdir -p thuge
# (ASan reserves terabytes of shadow address space: no limit for it)
(if [ -z "${POPINIT_SAN:-}" ]; then ulimit -v 800000; fi; "$p" unpack --root thuge huge.lzma) 2> huge.err; rc=$?
if [ $rc -eq 100 ] && grep -q "^popinit: fatal: huge.lzma: decompressor failed (LZMA dictionary too large) at the lzma data at offset 0$" huge.err; then
	pass unpack/lzma-huge-dictionary-refused-from-header
else fail unpack/lzma-huge-dictionary-refused-from-header "rc=$rc $(cat huge.err)"; fi

# a truncated image: the tree the kernel leaves, and an error it does not give
head -c 300 pop.cpio > trunc.cpio
mkdir -p t4
"$p" unpack --root t4 trunc.cpio 2> trunc.err; rc=$?
if [ $rc -eq 100 ] && grep -q "truncated archive" trunc.err; then pass unpack/truncated-reported
else fail unpack/truncated-reported "rc=$rc $(cat trunc.err)"; fi

# list: one line an entry, segments named
"$p" list pop.gzip > list.out
if grep -q '^# gzip at offset 0$' list.out && grep -q '^-rwsr-xr-x   3 0        0 .* usr/b link to bin/b$' list.out &&
   grep -q '^brw-rw----   1 0        6 .*8,   0 .* dev/sda$' list.out && grep -q ' bin/sh -> a$' list.out; then
	pass list/cpio-tv-style
else fail list/cpio-tv-style "$(head -5 list.out | tr '\n' '|')"; fi

# no fd left open on any path: every fd opened is closed before exit
# (strace of the whole process, threads included)
fdcheck() { # fdcheck NAME COMMAND...
	n=$1; shift
	# sanitized: LSan cannot run under ptrace, and the report file the
	# runtime opens (kept open for a report) is not popinit's
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:detect_leaks=0} \
	strace -f -qq -e trace=open,openat,close,pipe2,dup,dup2,dup3,fcntl -o "$w/$n.strace" "$@" \
		> /dev/null 2>&1
	leaked=$(awk -v san="${POPINIT_SAN:+$TESTDIR/san/}" '
		san != "" && index($0, san) { next }
		/ (open|openat|dup|dup2|dup3)\(/ && / = [0-9]+$/ { fd[$NF] = $0 }
		/<\.\.\. (open|openat|dup|dup2|dup3) resumed>/ && / = [0-9]+$/ { fd[$NF] = $0 }
		/ fcntl\(.*F_DUPFD/ && / = [0-9]+$/ { fd[$NF] = $0 }
		/ pipe2\(\[/ { s = $0; sub(/.*\[/, "", s); sub(/\].*/, "", s); split(s, a, ", "); fd[a[1]] = $0; fd[a[2]] = $0 }
		/ close\([0-9]+/ { s = $0; sub(/.*close\(/, "", s); sub(/[^0-9].*/, "", s); delete fd[s] }
		END { for (f in fd) if (f > 2) print f ": " fd[f] }' "$w/$n.strace")
	if [ -z "$leaked" ]; then pass "fd/$n"; else fail "fd/$n" "$leaked"; fi
}
printf 'dir /x 0755 0 0\nfile /x/a %s/b 0644 0 0\n' "$w/src" > crc.list
"$p" mkimage -C -t 5 -o crc.cpio crc.list
# flip one data byte: the checksum no longer matches
python3 -c "
import sys; d = bytearray(open('crc.cpio','rb').read()); d[1000] ^= 1; open('badcrc.cpio','wb').write(d)"
head -c 2000 pop.gzip > cut.gzip
rm -rf fdt; mkdir -p fdt
fdcheck unpack-ok "$p" unpack --root fdt pop.cpio pop.xz pop.zstd
fdcheck unpack-truncated-plain "$p" unpack --root fdt trunc.cpio
fdcheck unpack-truncated-gzip "$p" unpack --root fdt cut.gzip
fdcheck unpack-bad-checksum "$p" unpack --root fdt badcrc.cpio
fdcheck unpack-missing-root "$p" unpack --root /nonexistent-root pop.cpio
fdcheck list "$p" list pop.gzip pop.lz4 cut.gzip
# "-" is standard input, duplicated once and closed (it leaked a dup)
fdcheck unpack-stdin "$p" unpack --root fdt - < pop.cpio
fdcheck list-stdin "$p" list - - < pop.gzip
fdcheck mkimage-codec "$p" mkimage -c zstd -o fd.zst list
"$p" unpack --root fdt badcrc.cpio 2> badcrc.err; rc=$?
if [ $rc -eq 100 ] && grep -q "^popinit: fatal: badcrc.cpio: bad data checksum (x/a)" badcrc.err && [ -s fdt/x/a ]; then
	pass unpack/bad-checksum-names-file
else fail unpack/bad-checksum-names-file "rc=$rc $(cat badcrc.err)"; fi

# a reduced build: fewer codecs, a smaller binary, the kernel's message
# for an image in a codec that was left out (not under the sanitizers:
# it compares the size of the static build)
if [ -n "${POPINIT_SAN:-}" ]; then
	echo "cli/build/codecs-subset: not run with the sanitized binary (a size comparison)" >&2
elif make -s -C "$top" B=build/test/min CODECS="gzip xz zstd" > min.build 2>&1; then
	pmin=$top/build/test/min/popinit
	full=$(stat -c %s "$p") small=$(stat -c %s "$pmin")
	"$pmin" unpack --root fdt pop.lz4 2> min.err; rc=$?
	if [ "$small" -lt "$full" ] && [ $rc -eq 100 ] &&
	   grep -q "^popinit: fatal: pop.lz4: compression method lz4 not configured" min.err &&
	   "$pmin" unpack --root fdt pop.zstd; then
		pass build/codecs-subset
	else fail build/codecs-subset "size $small vs $full, rc=$rc $(cat min.err)"; fi
else
	fail build/codecs-subset "$(tail -3 min.build | tr '\n' ' ')"
fi

# a running program replaced by an image (ETXTBSY): written beside and
# renamed over; the program keeps running; nothing left behind
mkdir -p busy/bin
cp "$(command -v sleep)" busy/bin/sleep
busy/bin/sleep 30 & sp=$!
sleep 0.2
printf 'replaced\n' > src/new
printf 'file /bin/sleep %s/src/new 0755 0 0\n' "$w" > busy.list
"$p" mkimage -t 7 -o busy.cpio busy.list
"$p" unpack --root busy busy.cpio 2> busy.err; rc=$?
if [ $rc -eq 0 ] && [ "$(cat busy/bin/sleep)" = replaced ] && kill -0 $sp 2>/dev/null &&
   [ "$(stat -c %Y busy/bin/sleep)" = 7 ] && [ -z "$(ls busy/bin | grep -v '^sleep$')" ]; then
	pass unpack/replaces-running-program
else fail unpack/replaces-running-program "rc=$rc $(cat busy.err) $(ls busy/bin)"; fi
kill $sp 2>/dev/null

# bounded memory: the same peak for a 32 MB and a 256 MB image (plain,
# gzip and zstd), far below either (a file of zeros is quick to make and
# unpack)
# (not under the sanitizers: ASan's shadow memory and quarantine are the
# peak there)
if [ -n "${POPINIT_SAN:-}" ]; then
	echo "cli/unpack/bounded-memory: not run with the sanitized binary (ASan's own memory)" >&2
elif command -v /usr/bin/time > /dev/null 2>&1; then
	for c in plain gzip zstd; do
		for mb in 32 256; do
			mkdir -p mem; head -c $((mb << 20)) /dev/zero > mem/big
			printf 'file /big %s/mem/big 0644 0 0\n' "$w" > mem.list
			# plain: the image is mapped; what is unpacked leaves the mapping
			if [ $c = plain ]; then "$p" mkimage -t 1 -o "mem-$mb.$c" mem.list
			else "$p" mkimage -t 1 -c "$c" -o "mem-$mb.$c" mem.list; fi
			rm -f mem/big
			rm -rf memroot; mkdir memroot
			/usr/bin/time -f %M -o "mem-$mb.$c.rss" "$p" unpack --root memroot "mem-$mb.$c"
			rm -rf memroot "mem-$mb.$c"
		done
		a=$(cat "mem-32.$c.rss"); b=$(cat "mem-256.$c.rss")
		if [ "$b" -lt 24576 ] && [ $((b - a)) -lt 2048 ]; then pass "unpack/bounded-memory-$c"
		else fail "unpack/bounded-memory-$c" "peak RSS $a KB for 32 MB, $b KB for 256 MB"; fi
		echo "cli/unpack/bounded-memory-$c: peak RSS $a KB (32 MB image), $b KB (256 MB image)" >&2
	done
else
	fail unpack/bounded-memory "no /usr/bin/time"
fi

# a problem the kernel does not report: the next image is still unpacked,
# and the run fails at the end
rm -rf t5; mkdir t5
"$p" unpack --root t5 trunc.cpio pop.cpio 2> t5.err; rc=$?
if [ $rc -eq 100 ] && grep -q "trunc.cpio: truncated archive" t5.err && [ -f t5/usr/b ]; then
	pass unpack/late-problem-goes-on
else fail unpack/late-problem-goes-on "rc=$rc $(cat t5.err)"; fi

# --consume: each image file given back as it is unpacked (punched out,
# 4 MiB at a time), then removed, as boot does with the images of rootfs:
# in a tmpfs too small for a 20 MB image and its tree together, it fits,
# in one thread and in two; without it, the tmpfs fills
for j in j1 j2; do
	if mkdir -p "cons-$j" && mount -t tmpfs -o size=32m tmpfs "cons-$j" 2>/dev/null; then
		head -c $((20 << 20)) /dev/urandom > cons.data
		printf 'dir /t 0755 0 0\nfile /t/a %s/cons.data 0644 0 0\n' "$w" > cons.list
		"$p" mkimage -t 1 -o "cons-$j/image" cons.list
		"$p" unpack -$j --consume --root "cons-$j" "cons-$j/image" 2> "cons-$j.err"; rc=$?
		if [ $rc -eq 0 ] && [ ! -e "cons-$j/image" ] && cmp -s cons.data "cons-$j/t/a"; then
			rm -rf "cons-$j/t"
			"$p" mkimage -t 1 -o "cons-$j/image" cons.list
			"$p" unpack -$j --root "cons-$j" "cons-$j/image" 2> "cons-$j.err2"; rc2=$?
			if [ $rc2 -ne 0 ] && grep -q "No space left on device" "cons-$j.err2"; then
				pass "unpack/consume-gives-image-back-$j"
			else fail "unpack/consume-gives-image-back-$j" "without --consume: rc=$rc2 $(cat "cons-$j.err2")"; fi
		else fail "unpack/consume-gives-image-back-$j" "rc=$rc $(cat "cons-$j.err") $(ls "cons-$j")"; fi
		umount "cons-$j"
	else
		fail "unpack/consume-gives-image-back-$j" "cannot mount a tmpfs"
	fi
done
rm -f cons.data

# two threads: the image is given back by the reader while it waits for the
# image's end (unpack/pipe.c, REC_RELEASE), not by the writer, whose time
# a plain archive's unpack is: the punched ranges in order and complete
# (4 MiB steps: 20 MiB of data), at least one of them by the main thread.
# Each of the writer's sendfile calls is held 0.3 s (strace), so that the
# reader is waiting by then: on a loaded machine it may not be, and then
# the writer makes every release itself, as it should
head -c $((20 << 20)) /dev/urandom > give.data
printf 'dir /t 0755 0 0\nfile /t/a %s/give.data 0644 0 0\n' "$w" > give.list
"$p" mkimage -t 1 -o give.img give.list
rm -rf give give.st.* && mkdir give
ASAN_OPTIONS=$san_off strace -ff -qq -e trace=fallocate,execve,sendfile -e inject=sendfile:delay_enter=300000 \
	-o give.st "$p" unpack -j2 --consume --root give give.img 2> give.err; rc=$?
main=$(grep -l 'execve(' give.st.* | head -n 1)
ranges=$(cat give.st.* | awk '/^fallocate\(/ && / = 0$/ { sub(/,$/, "", $3); sub(/\)$/, "", $4); print $3 "+" $4 }' |
	sort -n | tr '\n' ' ')
by_main=$(grep -c '^fallocate(.* = 0$' "$main")
if [ $rc -eq 0 ] && [ ! -e give.img ] && cmp -s give.data give/t/a && [ "$by_main" -ge 1 ] &&
   [ "$ranges" = "0+4194304 4194304+4194304 8388608+4194304 12582912+4194304 16777216+4194304 " ]; then
	pass unpack/consume-given-back-by-the-waiting-reader
else fail unpack/consume-given-back-by-the-waiting-reader "rc=$rc ranges $ranges, $by_main by the reader $(cat give.err)"; fi
rm -f give.data
