#!/bin/bash
# run.sh [--timeout S] [--memory MB] [--bin SRC[=DEST]]... [--file SRC=DEST]... -- GUEST_CMD...
# Boots Debian's kernel (tests/vm/kernel.sh, cached under
# $IKEVPN_VM_CACHE or BUILD/vm-cache) in qemu with an initramfs of the given
# binaries and files (tests/vm/initramfs.sh), runs GUEST_CMD inside as root
# and relays the guest's console. Exit status: GUEST_CMD's. Never skips: a
# missing qemu, busybox-static or kernel package is an error with a clear
# message (scripts/install-deps.sh installs them with IKEVPN_DEPS=vm).
#
# Environment: IKEVPN_VM_CACHE (kernel cache dir, required when run outside
# ctest), IKEVPN_VM_KEEP=1 (keep the work dir with console.log and initrd).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
timeout=300 memory=256
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --timeout) timeout=$2; shift 2 ;;
    --memory) memory=$2; shift 2 ;;
    --) shift; break ;;
    *) args+=("$1"); shift ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: run.sh [options] -- GUEST_CMD..." >&2; exit 2; }
die() { echo "vm: $*" >&2; exit 1; }

qemu=$(command -v qemu-system-x86_64) ||
  die "qemu-system-x86_64 missing: IKEVPN_DEPS=vm scripts/install-deps.sh (package qemu-system-x86)"
bios=/usr/share/qemu/qboot.rom
[ -f "$bios" ] || die "$bios missing (package qemu-system-x86)"
command -v busybox >/dev/null || die "busybox missing: IKEVPN_DEPS=vm scripts/install-deps.sh (package busybox-static)"
[ -n "${IKEVPN_VM_CACHE:-}" ] || die "set IKEVPN_VM_CACHE to a directory for the kernel (ctest uses BUILD/vm-cache)"

# One kernel download/extraction at a time (ctest may run VM tests in parallel).
mkdir -p "$IKEVPN_VM_CACHE"
kdir=$(flock "$IKEVPN_VM_CACHE/.lock" "$here/kernel.sh" "$IKEVPN_VM_CACHE") || die "no kernel (see above)"

work=$(mktemp -d "${TMPDIR:-/tmp}/ikevpn-vm.XXXXXX")
qpid=""
cleanup() {
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null
  if [ "${IKEVPN_VM_KEEP:-0}" = 1 ]; then echo "vm: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# The guest command, quoted for the guest's bash.
{ echo '#!/usr/bin/bash'; printf '%q ' "$@"; echo; } >"$work/run"
chmod 755 "$work/run"
t0=$(date +%s.%N)
"$here/initramfs.sh" "$work/initrd.cpio" "$kdir" "${args[@]}" --file "$work/run=/test/run" ||
  die "building the initramfs failed"
t1=$(date +%s.%N)

# TCG on one vCPU: -accel kvm hangs on these hosts, -smp 2 and more memory
# are slower. PVH entry of the uncompressed vmlinux: no decompression.
: >"$work/console.log"
timeout --kill-after=5 $((timeout + 30)) "$qemu" \
  -accel tcg,thread=multi,tb-size=256 -cpu max -M pc -bios "$bios" \
  -m "$memory" -smp 1 -nodefaults -no-user-config -display none -vga none -nic none \
  -serial "file:$work/console.log" -monitor none -no-reboot \
  -kernel "$kdir/vmlinux" -initrd "$work/initrd.cpio" \
  -append "console=ttyS0 quiet panic=-1 ikevpn.timeout=$timeout" &
qpid=$!
wait "$qpid"
qrc=$?
qpid=""
tr -d '\r' <"$work/console.log"
t2=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v s="$(du -h "$work/initrd.cpio" | cut -f1)" \
  'BEGIN { printf "vm: initramfs %.1f s (%s), qemu %.1f s\n", b - a, s, c - b }'

rc=$(tr -d '\r' <"$work/console.log" | sed -n 's/^VM-EXIT \([0-9]*\)$/\1/p' | head -n1)
if [ -z "$rc" ]; then
  echo "vm: the guest did not finish (qemu exit status $qrc); last console lines:"
  tr -d '\r' <"$work/console.log" | tail -n 30
  exit 1
fi
exit "$rc"
