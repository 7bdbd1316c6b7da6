# flip.sh: sourced by the tests that tamper with images.
# flip FILE OFFSET [MASK]: the byte at OFFSET of FILE xor MASK (0xff unless
# given), in place: a change whatever the byte was (writing a constant there
# is no change once in 256 builds, and a tampered image that is the signed
# one verifies)
flip() {
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	[ -n "$b" ] || { echo "flip: $1 has no byte at $2" >&2; return 1; }
	printf "$(printf '\\%03o' $((b ^ ${3:-255})))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
