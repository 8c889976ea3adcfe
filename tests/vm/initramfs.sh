#!/bin/bash
# initramfs.sh OUT KERNEL_DIR [--bin SRC[=DEST]]... [--file SRC=DEST]... [--dir SRC=DEST]...
# Writes an uncompressed newc cpio (boots faster than a gzip'd one) holding:
#   busybox-static (/usr/local/busybox/busybox), the host tools the
#   guest scripts use (bash, iproute2's ip, iputils' ping, coreutils date, …),
#   each --bin (stripped; default DEST /usr/bin/NAME) with the libraries ldd
#   lists, each --file / --dir, the modules of KERNEL_DIR that the tests
#   need (with their dependencies, from modules.dep), and tests/vm/guest/init
#   as /init. The root mirrors Debian's merged /usr (/bin -> usr/bin, …).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1 kdir=$2
shift 2
die() { echo "initramfs: $*" >&2; exit 1; }

root=$(mktemp -d "${TMPDIR:-/tmp}/ikevpn-vm-root.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib,usr/lib64,usr/local/busybox,proc,sys,dev,run,tmp,etc,root,test,var}
ln -s usr/bin "$root/bin"; ln -s usr/sbin "$root/sbin"
ln -s usr/lib "$root/lib"; ln -s usr/lib64 "$root/lib64"
ln -s ../run "$root/var/run"

# copy_file SRC DEST. DEST's directory goes through the root's symlinks
# (lib -> usr/lib), so every path a binary or ld.so asks for resolves in the
# guest as on the host.
copy_file() {
  mkdir -p "$root$(dirname "$2")"
  cp -L "$1" "$root$2"
}
# Binaries are copied at once, stripped and given their libraries at the
# end (one ldd, one cp: forks are slow on a loaded machine).
bins=() bin_dests=()
copy_bin() { bins+=("$1"); bin_dests+=("$root$2"); copy_file "$1" "$2"; }

busybox=$(command -v busybox) || die "busybox missing (apt-get install busybox-static)"
ldd "$busybox" >/dev/null 2>&1 && die "$busybox is dynamically linked; install busybox-static"
cp "$busybox" "$root/usr/local/busybox/busybox"
# (its applet links are made by /init: "busybox --install -s")

# Host tools the guest scripts (and tests/integration/lib/netns.sh) use;
# busybox covers the rest. Its date lacks %N, its ping lacks -D.
tools=(bash ip ping date grep sed awk tail head wc mktemp seq sleep cat timeout sort)
paths=$(command -v "${tools[@]}") || die "one of ${tools[*]} is missing on the host"
cp -L $paths "$root/usr/bin/"
bins+=($paths)
echo 'root:x:0:0:root:/root:/bin/bash' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
: >"$root/etc/fstab"

for arg in "$@"; do
  case $arg in
    --bin) mode=bin; continue ;;
    --file) mode=file; continue ;;
    --dir) mode=dir; continue ;;
  esac
  src=${arg%%=*} dest=${arg#*=}
  [ "$dest" = "$arg" ] && dest=/usr/bin/$(basename "$src")
  [ -e "$src" ] || die "$src does not exist"
  case ${mode:-} in
    bin) copy_bin "$src" "$dest" ;;
    file) copy_file "$src" "$dest" ;;
    dir) mkdir -p "$root$dest"; cp -a "$src/." "$root$dest/" ;;
    *) die "argument $arg before --bin/--file/--dir" ;;
  esac
done

strip --strip-unneeded "${bin_dests[@]}" 2>/dev/null || true
libs=$(ldd "${bins[@]}" 2>/dev/null | grep -oE '/[^ :]+\.so[^ :]*' | sort -u)
[ -n "$libs" ] && cp -L --parents $libs "$root/"

# Modules: the requested ones and everything they depend on.
kver=$(cat "$kdir/release")
mdir=lib/modules/$kver
wanted=$(grep -vE '^\s*(#|$)' "$here/guest/modules")
# modules.dep by module name ("-" and "_" are the same in module names).
declare -A depline=() have=()
while IFS= read -r line; do
  name=${line%%:*}
  name=${name##*/}
  name=${name%%.ko*}
  depline[${name//-/_}]=$line
done <"$kdir/$mdir/modules.dep"
add_module() {
  local name=${1//-/_} line dep file
  line=${depline[$name]:-}
  if [ -z "$line" ]; then
    grep -qE "/${name//_/[-_]}\.ko" "$kdir/$mdir/modules.builtin" || die "module $1 not in $kver"
    return 0
  fi
  file=${line%%:*}
  [ -n "${have[$file]:-}" ] && return 0
  have[$file]=1
  mkdir -p "$root/usr/$mdir/$(dirname "$file")"
  cp "$kdir/$mdir/$file" "$root/usr/$mdir/$file"
  for dep in ${line#*:}; do add_module "$(basename "${dep%%.ko*}")"; done
}
for m in $wanted; do add_module "$m"; done
cp "$kdir/$mdir"/modules.{dep,builtin,order,alias,symbols} "$root/usr/$mdir/" 2>/dev/null || true
echo "$wanted" | tr '\n' ' ' >"$root/etc/vm-modules"

cp "$here/guest/init" "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | "$busybox" cpio -o -H newc 2>/dev/null) >"$out.tmp"
mv "$out.tmp" "$out"
