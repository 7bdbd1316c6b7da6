#!/bin/sh
# sig.sh: signed images on the host: popinit sign, boot/sign-image,
# popinit verify / unpack -k / list, against keys and signatures made by
# openssl.  PASS/FAIL lines.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
p=${POPINIT:-$top/build/popinit}
si=$top/boot/sign-image
w=${TESTDIR:-$top/build/test}/sig
rm -rf "$w"
mkdir -p "$w"
cd "$w" || exit 1

pass() { echo "PASS sig/$1"; }
fail() { echo "FAIL sig/$1: $2"; }
# ok NAME COMMAND...: PASS if it succeeds; no NAME PATTERN COMMAND...: PASS
# if it fails with exit 100 and a message matching PATTERN
ok() {
	n=$1; shift
	o=$(echo "$n" | tr / _).out
	if "$@" > "$o" 2>&1; then pass "$n"; else fail "$n" "$(head -3 "$o" | tr '\n' ' ')"; fi
}
no() {
	n=$1 pat=$2; shift 2
	o=$(echo "$n" | tr / _).out
	"$@" > "$o" 2>&1; rc=$?
	if [ $rc -eq 100 ] && grep -qE -- "$pat" "$o"; then pass "$n"
	else fail "$n" "rc=$rc, wanted /$pat/: $(head -3 "$o" | tr '\n' ' ')"; fi
}

# --- keys: every algorithm, every form ---
gen() { # gen NAME OPENSSL-GENPKEY-ARGS...
	n=$1; shift
	openssl genpkey "$@" -out "$n.key" 2>/dev/null &&
	openssl pkey -in "$n.key" -pubout -out "$n.pub" &&
	openssl pkey -in "$n.key" -pubout -outform DER -out "$n.pub.der" &&
	openssl req -new -x509 -key "$n.key" -subj "/CN=popinit $n" -days 3650 -out "$n.crt" 2>/dev/null &&
	openssl x509 -in "$n.crt" -outform DER -out "$n.crt.der"
}
gen ec256 -algorithm EC -pkeyopt ec_paramgen_curve:P-256 &&
gen ec384 -algorithm EC -pkeyopt ec_paramgen_curve:P-384 &&
gen rsa2048 -algorithm RSA -pkeyopt rsa_keygen_bits:2048 &&
gen rsa4096 -algorithm RSA -pkeyopt rsa_keygen_bits:4096 &&
gen old -algorithm EC -pkeyopt ec_paramgen_curve:P-256 &&
gen new -algorithm EC -pkeyopt ec_paramgen_curve:P-256 &&
gen other -algorithm EC -pkeyopt ec_paramgen_curve:P-256 ||
	{ fail keys "openssl could not make the keys"; exit 0; }
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024.key 2>/dev/null
openssl genpkey -algorithm ED25519 -out ed.key 2>/dev/null && openssl pkey -in ed.key -pubout -out ed.pub
# the traditional private key forms too
openssl ec -in ec256.key -out ec256.trad.key 2>/dev/null
openssl rsa -traditional -in rsa2048.key -out rsa2048.trad.key 2>/dev/null

# --- a real payload: a zstd image of a small tree ---
mkdir -p tree
printf 'signed payload\n' > tree/hello
head -c 300000 /dev/urandom > tree/blob
printf 'dir /etc 0755 0 0\nfile /etc/hello %s/tree/hello 0644 0 0\nfile /blob %s/tree/blob 0600 0 0\n' \
	"$w" "$w" > list
"$p" mkimage -t 1000 -c zstd -o pay.zst list || { fail payload "mkimage failed"; exit 0; }
"$p" mkimage -t 1000 -c gzip -o pay2.gz list

# --- accepted: each algorithm and hash, each trusted-key form ---
for k in ec256 ec384 rsa2048 rsa4096; do
	"$p" sign -k "$k.key" -n main -V 7 pay.zst "$k.img"
	for form in pub pub.der crt crt.der; do
		ok "accept/$k-$form" "$p" verify -k "$k.$form" -n main "$k.img"
	done
	# the key id is openssl's: SHA-256 of the SubjectPublicKeyInfo DER
	id=$(openssl dgst -sha256 -r "$k.pub.der" | cut -c1-64)
	if "$p" verify -l -k "$k.crt" | grep -q "^key $id "; then pass "keyid/$k"
	else fail "keyid/$k" "verify -l: $("$p" verify -l -k "$k.crt")"; fi
done
"$p" sign -k ec256.key -H sha384 -n main -V 7 pay.zst ec256-384.img &&
"$p" sign -k rsa2048.key -H sha384 -n main -V 7 pay.zst rsa-384.img &&
"$p" sign -k ec384.key -H sha256 -n main -V 7 pay.zst ec384-256.img
ok accept/ecdsa-p256-sha384 "$p" verify -k ec256.pub ec256-384.img
ok accept/rsa-sha384 "$p" verify -k rsa2048.pub rsa-384.img
ok accept/ecdsa-p384-sha256 "$p" verify -k ec384.pub ec384-256.img
if grep -q 'ecdsa-sha384 by key' accept_ecdsa-p256-sha384.out && grep -q 'rsa-sha384 by key' accept_rsa-sha384.out &&
   grep -q 'ecdsa-sha256 by key' accept_ecdsa-p384-sha256.out; then pass accept/hash-named
else fail accept/hash-named "$(cat accept_*sha*.out | tr '\n' ' ')"; fi
"$p" sign -k ec256.trad.key -n main -V 7 pay.zst trad-ec.img &&
"$p" sign -k rsa2048.trad.key -n main -V 7 pay.zst trad-rsa.img
ok accept/traditional-ec-key "$p" verify -k ec256.pub trad-ec.img
ok accept/traditional-rsa-key "$p" verify -k rsa2048.pub trad-rsa.img

# --- the format is what openssl makes and checks ---
# each record verifies with openssl dgst -verify over the manifest bytes
"$p" sign -k ec384.key -k rsa2048.key -n main -V 9 pay.zst two.img
python3 - two.img <<'PY' > openssl-check.sh
import sys
d = open(sys.argv[1], 'rb').read()
foot = d[-32:]
m, s = int(foot[10:20]), int(foot[21:31])
man = d[-32 - s - m:-32 - s]
rec = d[-32 - s:-32]
open('two.manifest', 'wb').write(man)
i = n = 0
while i < len(rec):
    nl = rec.index(b'\n', i)
    _, alg, kid, ln = rec[i:nl].decode().split(' ')
    sig = rec[nl + 1:nl + 1 + int(ln)]
    open('two.sig%d' % n, 'wb').write(sig)
    print('openssl dgst -%s -verify %s.pub -signature two.sig%d two.manifest' %
          (alg.split('-')[1], 'ec384' if alg.startswith('ecdsa') else 'rsa2048', n))
    i = nl + 1 + int(ln) + 1
    n += 1
PY
if [ "$(sh openssl-check.sh 2>&1 | grep -c '^Verified OK$')" -eq 2 ]; then pass format/openssl-verifies-records
else fail format/openssl-verifies-records "$(sh openssl-check.sh 2>&1 | tr '\n' ' ')"; fi
# boot/sign-image (openssl alone) makes the same bytes: RSA is deterministic
"$si" -k rsa2048.key -n main -V 7 pay.zst sh-rsa.img
if cmp -s sh-rsa.img rsa2048.img; then pass format/sign-image-identical
else fail format/sign-image-identical "$(cmp sh-rsa.img rsa2048.img 2>&1)"; fi
# a root hash in the manifest (roothash=, after kernel=): the same bytes
# from popinit sign --roothash and sign-image -R; list shows it
rh=$(printf 'a root' | sha256sum | cut -c1-64)
"$p" sign -k rsa2048.key -n main -V 7 -K 6.1.0-test --roothash "$rh" pay.zst rh-rsa.img
"$si" -k rsa2048.key -n main -V 7 -K 6.1.0-test -R "$rh" pay.zst rh-sh.img
if cmp -s rh-rsa.img rh-sh.img; then pass format/roothash-sign-image-identical
else fail format/roothash-sign-image-identical "$(cmp rh-rsa.img rh-sh.img 2>&1)"; fi
ok format/roothash-verifies "$p" verify -k rsa2048.pub -K 6.1.0-test rh-rsa.img
if "$p" list rh-rsa.img | grep -q "^#   roothash=$rh\$"; then pass list/shows-roothash
else fail list/shows-roothash "$("$p" list rh-rsa.img | grep '^#' | tr '\n' ' ')"; fi
no sign/roothash-upper-case-refused 'bad roothash' "$p" sign -k rsa2048.key -n main -V 7 -R "$(echo "$rh" | tr a-f A-F)" pay.zst rh-bad.img
no sign/roothash-odd-refused 'bad roothash' "$p" sign -k rsa2048.key -n main -V 7 -R "${rh}0" pay.zst rh-bad.img
# the payload's SHA-384 too (-P sha384), after its SHA-256: the same
# bytes from popinit sign and sign-image, the digest openssl's
"$p" sign -k rsa2048.key -n main -V 7 -P sha384 pay.zst p384.img
"$si" -k rsa2048.key -n main -V 7 -P sha384 pay.zst p384-sh.img
if cmp -s p384.img p384-sh.img; then pass format/sha384-sign-image-identical
else fail format/sha384-sign-image-identical "$(cmp p384.img p384-sh.img 2>&1)"; fi
d384=$(openssl dgst -sha384 -r pay.zst | cut -c1-96)
if "$p" list p384.img | grep -A1 '^#   payload-sha256=' | grep -q "^#   payload-sha384=$d384\$"; then
	pass format/sha384-openssl-digest
else fail format/sha384-openssl-digest "$("$p" list p384.img | grep '^#' | tr '\n' ' ')"; fi
no sign/sha384-only-P 'P takes sha384' "$p" sign -k rsa2048.key -n main -V 7 -P sha512 pay.zst p512.img
# which one is checked: SHA-256 where the CPU has its instructions (this
# host's SHA-NI), else SHA-384 (64-bit); the verifier says which
grep -qw sha_ni /proc/cpuinfo && native=sha256 || native=sha384
if "$p" verify -k rsa2048.pub p384.img 2>&1 | grep -q "bytes ($native), rsa-sha256 by key"; then
	pass verify/sha384-where-faster
else fail verify/sha384-where-faster "wanted $native: $("$p" verify -k rsa2048.pub p384.img 2>&1)"; fi
if "$p" verify -k rsa2048.pub rsa2048.img 2>&1 | grep -q 'bytes (sha256), rsa-sha256 by key'; then
	pass verify/sha256-without-sha384
else fail verify/sha256-without-sha384 "$("$p" verify -k rsa2048.pub rsa2048.img 2>&1)"; fi
"$si" -k ec384.key -k ec256.trad.key -n main -V 7 -K 6.1.0-test pay.zst sh-ec.img
ok format/sign-image-ecdsa "$p" verify -k ec384.crt -K 6.1.0-test sh-ec.img
ok format/sign-image-ecdsa-second "$p" verify -k ec256.pub -K 6.1.0-test sh-ec.img

# the kernel's view: the trailer is a cpio record it skips, so a signed
# image unpacks to the payload's tree (popinit's parser is the kernel's)
mkdir -p u-plain u-signed u-k u-ref
"$p" unpack --root u-plain pay.zst && "$p" unpack --root u-signed ec256.img
"$p" list pay.zst | grep -v '^#' > l-plain; "$p" list ec256.img | grep -v '^#' > l-signed
if diff -r u-plain u-signed > /dev/null && cmp -s l-plain l-signed; then pass format/kernel-skips-trailer
else fail format/kernel-skips-trailer "trees or listings differ"; fi
if "$p" list ec256.img | grep -q '^#   name=main$' && "$p" list ec256.img | grep -q '^#   sig ecdsa-sha256 '; then
	pass list/shows-manifest
else fail list/shows-manifest "$("$p" list ec256.img | head -5 | tr '\n' ' ')"; fi
# gzip: NUL padding after the member, then the trailer
"$p" sign -k ec256.key -n main -V 1 pay2.gz gz.img
mkdir -p u-gz u-gz2; "$p" unpack --root u-gz pay2.gz; "$p" unpack --root u-gz2 gz.img
if diff -r u-gz u-gz2 > /dev/null; then pass format/kernel-skips-trailer-gzip
else fail format/kernel-skips-trailer-gzip "trees differ"; fi

# unpack -k: verified, then the sealed payload unpacked
ok unpack/verified "$p" unpack -k ec256.pub -n main --root u-k ec256.img
if diff -r u-plain u-k > /dev/null; then pass unpack/verified-tree; else fail unpack/verified-tree "differs"; fi

# a pipe in, standard output out
ok sign/pipe sh -c "cat pay.zst | \"$p\" sign -k ec256.key -n main -V 3 > piped.img && \"$p\" verify -k ec256.pub piped.img"

# --- dual signatures, rotation, revocation ---
"$p" sign -k old.key -k new.key -n main -V 10 pay.zst both.img
"$p" sign -k new.key -n main -V 11 pay.zst newonly.img
ok rotate/dual-old-alone "$p" verify -k old.pub both.img
ok rotate/dual-new-alone "$p" verify -k new.pub both.img
ok rotate/new-key-new-image "$p" verify -k new.pub newonly.img
no rotate/old-key-new-image 'not signed by a trusted key' "$p" verify -k old.pub newonly.img
oldid=$(openssl dgst -sha256 -r old.pub.der | cut -c1-64)
ok revoke/other-key-still-good "$p" verify -k old.pub -k new.pub -r "$oldid" both.img
no revoke/only-revoked 'signed only by revoked key' "$p" verify -k old.pub -r "$oldid" both.img

# --- refused ---
no refuse/unsigned 'not signed' "$p" verify -k ec256.pub pay.zst
no refuse/untrusted-key 'not signed by a trusted key' "$p" verify -k other.pub ec256.img
no refuse/wrong-name 'signed as "main", used as "recovery"' "$p" verify -k ec256.pub -n recovery ec256.img
no refuse/below-floor 'version 7 of "main" is below the floor 8' "$p" verify -k ec256.pub -m main:8 ec256.img
cp ec256.img 10-main.cpio.zst
"$p" sign -k ec256.key -n 10-main -V 1 pay.zst 10-main.img
no refuse/role-from-file-name 'signed as "main", used as "10-main"' "$p" verify -k ec256.pub -N 10-main.cpio.zst
ok accept/role-from-file-name "$p" verify -k ec256.pub -N 10-main.img
ok accept/at-floor "$p" verify -k ec256.pub -m main:7 ec256.img
no refuse/kernel-binding 'bound to kernel 6.1.0-test, running 6.2' "$p" verify -k ec384.pub -K 6.2 sh-ec.img
no refuse/wrong-algorithm-key 'ecdsa-sha256 with the RSA key' sh -c \
	"sed 's/^sig ecdsa-sha256 [0-9a-f]*/sig ecdsa-sha256 $(openssl dgst -sha256 -r rsa2048.pub.der | cut -c1-64)/' ec256.img > alg.img; \"$p\" verify -k rsa2048.pub alg.img"
no refuse/required-without-keys 'signatures required, but no key is trusted' "$p" unpack -s --root u-ref ec256.img
no key/empty-file 'no key in it' "$p" verify -k /dev/null ec256.img
no key/rsa-1024 'must have 2048 to 4096 bits' "$p" sign -k rsa1024.key -n main -V 1 pay.zst x.img
no key/ed25519-private 'not a usable RSA or EC private key|curve' "$p" sign -k ed.key -n main -V 1 pay.zst x.img
no key/ed25519-public 'neither RSA nor EC' "$p" verify -k ed.pub ec256.img
no key/private-as-trusted 'not a PUBLIC KEY or CERTIFICATE' "$p" verify -k ec256.key ec256.img
no sign/twice 'already signed' "$p" sign -k ec256.key -n main -V 1 ec256.img x.img
no sign/bad-name 'bad name' "$p" sign -k ec256.key -n 'a/b' -V 1 pay.zst x.img
[ ! -e x.img ] && pass sign/nothing-left || fail sign/nothing-left "x.img exists"

# a payload moved under another image's trailer
"$p" sign -k ec256.key -n main -V 7 pay2.gz gzsigned.img
psize=$(stat -c %s pay.zst) gsize=$(stat -c %s pay2.gz)
{ cat pay2.gz; head -c $(((4 - gsize % 4) % 4)) /dev/zero; tail -c +$((psize + (4 - psize % 4) % 4 + 1)) ec256.img; } > moved.img
no refuse/moved-payload 'payload size|payload hash' "$p" verify -k ec256.pub moved.img

# one changed byte in each region
size=$(stat -c %s ec256.img)
. "$top/tests/flip.sh"
# flipped IN OFFSET OUT: OUT is IN with one bit of the byte at OFFSET changed
flipped() { cp "$1" "$3" && flip "$3" "$2" 1; }
eval "$(python3 - ec256.img <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
foot = len(d) - 32
m, s = int(d[foot + 10:foot + 20]), int(d[foot + 21:foot + 31])
man = foot - s - m
print('hdr=%d man=%d rec=%d foot=%d' % (man - 124, man, foot - s, foot))
PY
)"
plen=$(stat -c %s pay.zst)
flipped ec256.img 1000 f-payload.img
no tamper/payload 'payload hash mismatch' "$p" verify -k ec256.pub f-payload.img
flipped ec256.img $((man + 20)) f-manifest.img
no tamper/manifest 'does not verify|manifest' "$p" verify -k ec256.pub f-manifest.img
flipped ec256.img $((rec + 100)) f-sig.img
no tamper/signature 'does not verify' "$p" verify -k ec256.pub f-sig.img
flipped ec256.img $((foot + 15)) f-footer.img
no tamper/footer 'footer|header|truncated|record|out of range' "$p" verify -k ec256.pub f-footer.img
flipped ec256.img $((hdr + 60)) f-header.img
no tamper/header 'malformed initsig header' "$p" verify -k ec256.pub f-header.img

# BearSSL's code (a CPU without SHA-256 instructions: qemu-x86_64's qemu64
# has none) hashes a file through one mapping, not pread's copy: a 3 MB
# payload, three of the 1 MiB steps, the last one partial; a byte changed
# in the middle or in the last one is refused.  Not with the sanitized
# binary (make check-san): ASan's shadow under qemu-user takes all the RAM
if [ -n "${POPINIT_SAN:-}" ]; then
	:
elif command -v qemu-x86_64 > /dev/null; then
	head -c 3000000 /dev/urandom > big.bin
	"$p" sign -k ec256.key -n main -V 1 big.bin big.img
	flipped big.img 1500000 big-mid.img
	flipped big.img 2999999 big-last.img
	qemu-x86_64 -cpu qemu64 -strace "$p" verify -k ec256.pub big.img > big.out 2>&1; rc=$?
	if [ $rc -ne 0 ] || ! grep -q 'verified' big.out; then
		fail nosha/mapped-accepts "rc=$rc: $(grep -o 'big.img: .*' big.out | head -2 | tr '\n' ' ')"
	elif ! grep -q '^[0-9]* mmap(NULL,3000000,PROT_READ,MAP_SHARED,' big.out ||
		grep -q '^[0-9]* pread64([0-9]*,[0-9]*,1048576,' big.out; then
		fail nosha/mapped-accepts "the payload was not hashed through a mapping: $(grep -E 'mmap|pread' big.out | tr '\n' ' ')"
	else pass nosha/mapped-accepts; fi
	no nosha/mapped-tamper-middle 'payload hash mismatch' qemu-x86_64 -cpu qemu64 "$p" verify -k ec256.pub big-mid.img
	no nosha/mapped-tamper-last 'payload hash mismatch' qemu-x86_64 -cpu qemu64 "$p" verify -k ec256.pub big-last.img
	# this CPU's own instructions, where it has them, read by pread
	ok nosha/native-accepts "$p" verify -k ec256.pub big.img
	no nosha/native-tamper-last 'payload hash mismatch' "$p" verify -k ec256.pub big-last.img
else
	fail nosha/qemu-x86_64 "qemu-x86_64 missing (sh boot/packages.sh)"
fi

# truncated at every region boundary (and one byte either side)
bad=
for cut in $plen $((plen + 1)) $hdr $((hdr + 1)) $((man - 1)) $man $((man + 1)) $((rec - 1)) $rec \
	$((rec + 1)) $((foot - 1)) $foot $((foot + 1)) $((size - 1)); do
	head -c "$cut" ec256.img > cut.img
	"$p" verify -k ec256.pub cut.img > cut.out 2>&1 && bad="$bad $cut"
done
if [ -z "$bad" ]; then pass tamper/truncated-everywhere; else fail tamper/truncated-everywhere "accepted at$bad"; fi

# NULs after the trailer (a block-padded file, a partition's rest) are fine
{ cat ec256.img; head -c 70000 /dev/zero; } > padded.img
ok accept/nul-tail "$p" verify -k ec256.pub padded.img
# ... and a pipe (spooled into a memfd first)
ok accept/stdin sh -c "cat ec256.img | \"$p\" verify -k ec256.pub -"
# a loop block device, when the machine has them
if dev=$(losetup -f --show padded.img 2>/dev/null); then
	ok accept/block-device "$p" verify -k ec256.pub "$dev"
	losetup -d "$dev"
fi

# the bit-flip sweep: one bit of every trailer byte (cycling through the
# bit positions), and of every 997th payload byte: none accepted
python3 - ec256.img "$p" ec256.pub "$hdr" <<'PY' > sweep.out
import subprocess, sys
img, p, key, hdr = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
d = bytearray(open(img, 'rb').read())
offs = list(range(hdr - 3, len(d))) + list(range(0, hdr - 3, 997))
acc = []
for n, o in enumerate(offs):
    x = bytearray(d)
    x[o] ^= 1 << (n % 8)
    open('sweep.img', 'wb').write(x)
    r = subprocess.run([p, 'verify', '-k', key, 'sweep.img'], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    if r.returncode == 0:
        acc.append(o)
    elif r.returncode != 100:
        acc.append('rc%d@%d' % (r.returncode, o))
print(len(offs), 'flips', len(acc), 'accepted', acc[:10])
PY
if grep -q ' 0 accepted' sweep.out; then pass "tamper/bit-flip-sweep ($(cut -d' ' -f1 sweep.out) flips)"
else fail tamper/bit-flip-sweep "$(cat sweep.out)"; fi

# the sealed copy: memfd with sealing allowed, all four seals added before
# the first byte is read back for unpacking (read, or mapped) and before
# any file is made; the source closed by then
if command -v strace > /dev/null; then
	mkdir -p u-st
	strace -f -e trace=memfd_create,fcntl,read,pread64,openat,close,mmap -o st.log "$p" unpack -k ec256.pub --root u-st ec256.img
	if awk '
		/memfd_create\("popinit-payload", MFD_CLOEXEC\|MFD_ALLOW_SEALING\) = / { m = $NF; mline = NR }
		m != "" && index($0, "fcntl(" m ", F_ADD_SEALS, F_SEAL_SEAL|F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE) = 0") { sealed = NR }
		m != "" && (index($0, "read(" m ",") || index($0, ", " m ", 0) = ")) && !firstread { firstread = NR }
		/openat\(AT_FDCWD, "etc\/hello"/ && !made { made = NR }
		/pread64\(/ { lastsrc = NR }
		END { exit !(mline && sealed > mline && firstread > sealed && made > sealed && lastsrc < sealed) }' st.log; then
		pass sealed/copy-sealed-before-unpack
	else fail sealed/copy-sealed-before-unpack "$(grep -E 'memfd|SEAL|pread' st.log | head -5 | tr '\n' ' ')"; fi
fi

# a valid signature over a malformed manifest is still refused: the parser
# is strict (openssl signs what python wrote)
cat > craft.py <<'PY'
import hashlib, subprocess, sys
pay = open(sys.argv[1], 'rb').read()
key, out, kind = sys.argv[2], sys.argv[3], sys.argv[4]
h = hashlib.sha256(pay).hexdigest()
lines = ['initsig=1', 'name=main', 'version=7', 'payload-size=%d' % len(pay), 'payload-sha256=' + h]
if kind == 'upper-hex': lines[4] = 'payload-sha256=' + h.upper()
if kind == 'leading-zero': lines[2] = 'version=07'
if kind == 'unknown-key': lines.insert(2, 'flavour=x')
if kind == 'repeated-name': lines.insert(2, 'name=main')
if kind == 'missing-hash': lines.pop()
if kind == 'dot-name': lines[1] = 'name=..'
if kind == 'space': lines[2] = 'version= 7'
if kind == 'after-kernel': lines += ['kernel=6.1', 'name=x']
h384 = hashlib.sha384(pay).hexdigest()
if kind == 'sha384': lines += ['payload-sha384=' + h384]
if kind == 'sha384-wrong': lines += ['payload-sha384=' + hashlib.sha384(pay + b'x').hexdigest()]
if kind == 'sha384-tail-wrong': lines += ['payload-sha384=' + h384[:64] + hashlib.sha384(pay + b'x').hexdigest()[64:]]
if kind == 'sha256-wrong': lines[4] = 'payload-sha256=' + hashlib.sha256(pay + b'x').hexdigest(); lines += ['payload-sha384=' + h384]
if kind == 'sha384-kernel-roothash': lines += ['payload-sha384=' + h384, 'kernel=6.1.0-test', 'roothash=' + hashlib.sha256(b'a root').hexdigest()]
if kind == 'sha384-upper': lines += ['payload-sha384=' + h384.upper()]
if kind == 'sha384-short': lines += ['payload-sha384=' + h384[:94]]
if kind == 'sha384-long': lines += ['payload-sha384=' + h384 + '00']
if kind == 'sha384-first': lines[4:5] = ['payload-sha384=' + h384, lines[4]]
if kind == 'sha384-alone': lines[4] = 'payload-sha384=' + h384
if kind == 'sha384-twice': lines += ['payload-sha384=' + h384] * 2
if kind == 'sha384-after-kernel': lines += ['kernel=6.1.0-test', 'payload-sha384=' + h384]
rh = hashlib.sha256(b'a root').hexdigest()
if kind == 'roothash': lines += ['roothash=' + rh]
if kind == 'kernel-roothash': lines += ['kernel=6.1.0-test', 'roothash=' + rh]
if kind == 'roothash-kernel': lines += ['roothash=' + rh, 'kernel=6.1.0-test']
if kind == 'roothash-upper': lines += ['roothash=' + rh.upper()]
if kind == 'roothash-odd': lines += ['roothash=' + rh[:63]]
if kind == 'roothash-long': lines += ['roothash=' + rh * 3]
if kind == 'roothash-empty': lines += ['roothash=']
if kind == 'roothash-twice': lines += ['roothash=' + rh, 'roothash=' + rh]
man = ('\r\n' if kind == 'crlf' else '\n').join(lines).encode() + (b'\r\n' if kind == 'crlf' else b'\n')
if kind == 'wrong-size': man = man.replace(b'payload-size=%d' % len(pay), b'payload-size=%d' % (len(pay) - 4))
open(out + '.m', 'wb').write(man)
sig = subprocess.run(['openssl', 'dgst', '-sha256', '-sign', key, out + '.m'], stdout=subprocess.PIPE, check=True).stdout
der = subprocess.run(['openssl', 'pkey', '-in', key, '-pubout', '-outform', 'DER'], stdout=subprocess.PIPE, check=True).stdout
rec = b'sig ecdsa-sha256 %s %d\n' % (hashlib.sha256(der).hexdigest().encode(), len(sig)) + sig + b'\n'
body = man + rec + b'~INITSIG1 %010d %010d\n' % (len(man), len(rec))
hdr = b'070701' + b''.join(b'%08X' % v for v in (0, 0, 0, 0, 0, 0, len(body), 0, 0, 0, 0, 12, 0))
open(out, 'wb').write(pay + b'\0' * ((-len(pay)) % 4) + hdr + b'popinit.sig\0\0\0' + body)
PY
python3 craft.py pay.zst ec256.key crafted-ok.img ok
ok manifest/crafted-accepted "$p" verify -k ec256.pub crafted-ok.img
for kind in roothash kernel-roothash sha384 sha384-kernel-roothash; do
	python3 craft.py pay.zst ec256.key "crafted-$kind.img" "$kind"
	ok "manifest/crafted-$kind-accepted" "$p" verify -k ec256.pub -K 6.1.0-test "crafted-$kind.img"
done
for kind in upper-hex leading-zero unknown-key repeated-name missing-hash dot-name space after-kernel crlf wrong-size \
	roothash-kernel roothash-upper roothash-odd roothash-long roothash-empty roothash-twice \
	sha384-upper sha384-short sha384-long sha384-first sha384-alone sha384-twice sha384-after-kernel; do
	python3 craft.py pay.zst ec256.key "crafted-$kind.img" "$kind"
	no "manifest/strict-$kind" 'manifest|payload size' "$p" verify -k ec256.pub "crafted-$kind.img"
done

# each digest checked where it is the one chosen: one of the two wrong
# (the signer's fault, still signed) is refused where that one is checked
python3 craft.py pay.zst ec256.key crafted-sha384-wrong.img sha384-wrong
python3 craft.py pay.zst ec256.key crafted-sha256-wrong.img sha256-wrong
if [ $native = sha256 ]; then
	ok verify/native-checks-sha256-only "$p" verify -k ec256.pub crafted-sha384-wrong.img
	no verify/native-refuses-sha256-wrong 'payload hash mismatch \(sha256, ' "$p" verify -k ec256.pub crafted-sha256-wrong.img
else
	ok verify/native-checks-sha384-only "$p" verify -k ec256.pub crafted-sha256-wrong.img
	no verify/native-refuses-sha384-wrong 'payload hash mismatch \(sha384, ' "$p" verify -k ec256.pub crafted-sha384-wrong.img
fi
if [ -z "${POPINIT_SAN:-}" ] && command -v qemu-x86_64 > /dev/null; then
	# qemu64: no SHA-256 instructions, so the SHA-384, through the
	# mapping (verify), into the sealed copy (unpack -k)
	no nosha/refuses-sha384-wrong 'payload hash mismatch \(sha384, ' qemu-x86_64 -cpu qemu64 "$p" verify -k ec256.pub crafted-sha384-wrong.img
	# all 48 bytes compared: the first 32 right, the last 16 not
	python3 craft.py pay.zst ec256.key crafted-sha384-tail.img sha384-tail-wrong
	no nosha/refuses-sha384-tail-wrong 'payload hash mismatch \(sha384, ' qemu-x86_64 -cpu qemu64 "$p" verify -k ec256.pub crafted-sha384-tail.img
	ok nosha/checks-sha384-only qemu-x86_64 -cpu qemu64 "$p" verify -k ec256.pub crafted-sha256-wrong.img
	if qemu-x86_64 -cpu qemu64 "$p" verify -k rsa2048.pub p384.img 2>&1 | grep -q 'bytes (sha384), rsa-sha256 by key'; then
		pass nosha/sha384-chosen
	else fail nosha/sha384-chosen "$(qemu-x86_64 -cpu qemu64 "$p" verify -k rsa2048.pub p384.img 2>&1)"; fi
	mkdir -p u-384 u-384-ref
	ok nosha/unpack-sha384 qemu-x86_64 -cpu qemu64 "$p" unpack -k ec256.pub --root u-384 crafted-sha256-wrong.img
	if cmp -s u-384/blob tree/blob && cmp -s u-384/etc/hello tree/hello; then pass nosha/unpack-sha384-tree
	else fail nosha/unpack-sha384-tree "$(ls -lR u-384 | tr '\n' ' ')"; fi
	no nosha/unpack-refuses-sha384-wrong 'payload hash mismatch \(sha384, ' \
		qemu-x86_64 -cpu qemu64 "$p" unpack -k ec256.pub --root u-384-ref crafted-sha384-wrong.img
	if [ -z "$(ls -A u-384-ref)" ]; then pass nosha/refused-sha384-tree-empty
	else fail nosha/refused-sha384-tree-empty "$(ls u-384-ref)"; fi
fi

# a refused image: nothing written by unpack -k
mkdir -p u-ref
no unpack/refused-writes-nothing 'payload hash mismatch' "$p" unpack -k ec256.pub --root u-ref f-payload.img
if [ -z "$(ls -A u-ref)" ]; then pass unpack/refused-tree-empty; else fail unpack/refused-tree-empty "$(ls u-ref)"; fi

# --- compiled-in trust: make KEYS= REVOKED= FLOORS=, and a firmware build ---
if make -s -C "$top" B=build/test/keyed KEYS="$w/ec256.crt $w/new.pub.der" REVOKED="$oldid" \
	FLOORS="main:7 recovery:2" > keyed.build 2>&1; then
	pk=$top/build/test/keyed/popinit
	"$pk" verify -l > keyed.list
	if grep -q "^key $(openssl dgst -sha256 -r ec256.pub.der | cut -c1-64) ec-256 ec256.crt$" keyed.list &&
	   grep -q "^revoked $oldid$" keyed.list && grep -q '^floor main 7$' keyed.list &&
	   grep -q '^floor recovery 2$' keyed.list && [ "$(grep -c '^key ' keyed.list)" -eq 2 ]; then
		pass build/keys-compiled-in
	else fail build/keys-compiled-in "$(tr '\n' ' ' < keyed.list)"; fi
	ok build/keyed-verifies "$pk" verify ec256.img
	"$p" sign -k ec256.key -n main -V 6 pay.zst v6.img
	no build/keyed-floor 'version 6 of "main" is below the floor 7' "$pk" verify v6.img
	ok build/keyed-dual-revoked-old "$pk" verify both.img
	no build/keyed-unpack-refuses 'not signed' "$pk" unpack -s --root u-ref pay.zst
else
	fail build/keys-compiled-in "$(tail -3 keyed.build | tr '\n' ' ')"
fi
if make -s -C "$top" B=build/test/fw TOOLS=no > fw.build 2>&1; then
	fw=$top/build/test/fw/popinit
	"$fw" sign -k ec256.key -n main -V 1 pay.zst x.img > fw.out 2>&1; rc=$?
	if [ $rc -eq 100 ] && grep -q 'unknown command: sign' fw.out && "$fw" verify -k ec256.pub ec256.img > /dev/null &&
	   [ "$(stat -c %s "$fw")" -le 307200 ]; then
		pass "build/firmware-no-tools ($(stat -c %s "$fw") bytes)"
	else fail build/firmware-no-tools "rc=$rc size=$(stat -c %s "$fw") $(cat fw.out)"; fi
else
	fail build/firmware-no-tools "$(tail -3 fw.build | tr '\n' ' ')"
fi
