#!/bin/bash
# kernel.sh CACHE_DIR: makes sure CACHE_DIR holds Debian's kernel for the VM
# tests, prints the directory of the extracted kernel:
#   DIR/vmlinux              uncompressed ELF (booted through its PVH entry)
#   DIR/lib/modules/KVER/    the net, crypto and lib modules, with modules.dep
#   DIR/release              KVER
# The package is fetched with `apt-get download` (never installed on the
# host: linux-image-* would write /boot and pull initramfs-tools); the
# version is what linux-image-amd64 depends on. Done once per version; later
# calls only print the directory. Fails with a clear message when the package
# cannot be obtained.
set -euo pipefail
cache=$1
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

die() { echo "vm kernel: $*" >&2; exit 1; }

pkg=${IKEVPN_VM_KERNEL_PKG:-}
if [ -z "$pkg" ]; then
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
fi
if [ -z "$pkg" ]; then
  # Offline: reuse whatever was extracted before.
  dir=$(ls -d "$cache"/linux-image-*/ 2>/dev/null | tail -n1)
  [ -n "$dir" ] && [ -f "$dir/done" ] && { echo "${dir%/}"; exit 0; }
  die "cannot resolve the kernel package: 'apt-cache depends linux-image-amd64' names none (apt-get update? Debian archive in sources.list?)"
fi
dir="$cache/$pkg"
if [ -f "$dir/done" ]; then echo "$dir"; exit 0; fi

rm -rf "$dir" "$cache/download"
mkdir -p "$dir" "$cache/download"
echo "vm kernel: downloading $pkg" >&2
(cd "$cache/download" && apt-get download "$pkg" >&2 2>"$cache/download/apt.log") ||
  { cat "$cache/download/apt.log" >&2; die "apt-get download $pkg failed"; }
deb=$(ls "$cache"/download/*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || die "apt-get download $pkg produced no .deb"

echo "vm kernel: extracting $(basename "$deb")" >&2
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" --wildcards \
  './boot/vmlinuz-*' \
  './lib/modules/*/kernel/net/*' './lib/modules/*/kernel/crypto/*' \
  './lib/modules/*/kernel/arch/x86/crypto/*' './lib/modules/*/kernel/lib/*' \
  './lib/modules/*/kernel/drivers/net/veth.ko' './lib/modules/*/kernel/drivers/net/tun.ko' \
  './lib/modules/*/kernel/drivers/net/dummy.ko' \
  './lib/modules/*/modules.order' './lib/modules/*/modules.builtin' ||
  die "extracting $deb failed"
kver=$(ls "$dir/lib/modules")
vmlinuz="$dir/boot/vmlinuz-$kver"
[ -f "$vmlinuz" ] || die "$deb has no boot/vmlinuz-$kver"

# bzImage = setup code + decompressor + an XZ stream holding the ELF vmlinux.
off=$(LC_ALL=C grep -obUa $'\xfd7zXZ' "$vmlinuz" | head -n1 | cut -d: -f1)
[ -n "$off" ] || die "no XZ stream in $vmlinuz (kernel not XZ-compressed?)"
tail -c +$((off + 1)) "$vmlinuz" | xz -dc --single-stream >"$dir/vmlinux" 2>/dev/null || true
head -c 4 "$dir/vmlinux" | grep -q 'ELF' || die "could not extract vmlinux from $vmlinuz"
rm -rf "$dir/boot"

busybox depmod -b "$dir" "$kver" || die "busybox depmod failed"
echo "$kver" >"$dir/release"
rm -rf "$cache/download"
touch "$dir/done"
echo "$dir"
