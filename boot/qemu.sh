#!/bin/sh
# qemu.sh: boot a kernel and an initrd under QEMU (TCG: /dev/kvm is not
# trusted here) with the console on a log file; ends when the guest powers
# off or panics (panic=-1, -no-reboot), or after TIMEOUT seconds.
#
#   sh boot/qemu.sh KERNEL INITRD LOG "CMDLINE" [TIMEOUT [QEMU ARGS...]]
#
# Exit status: QEMU's, or 124 on timeout.  The CPU has no SHA-256
# instructions (QEMU 7.2's TCG has none; -sha-ni keeps it so on a later
# QEMU), so a signed image's hash is BearSSL's code, SHA-384 where the
# manifest has it (tests/boot/run.sh signed-builtin).
set -eu
kernel=$1 initrd=$2 log=$3 append=$4
timeout=${5:-120}
[ $# -ge 5 ] && shift 5 || shift $#
exec timeout --foreground -k 5 "$timeout" qemu-system-x86_64 -accel tcg -cpu max,-sha-ni -m 1024 -smp 1 \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 $append" \
	-display none -monitor none -serial "file:$log" -no-reboot "$@"
