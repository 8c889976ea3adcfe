#!/bin/bash
# DESTDIR=tmp cmake --install BUILD --prefix /usr, then: the binaries, the
# unit, the D-Bus policy, interfaces and docs, the sysusers file, every man
# page of man/, the NetworkManager plugin (binary, .name file, policy) and
# the example configuration are there, the policy names the
# control group, and systemd-analyze verify accepts the unit.
# usage: install_tree_test.sh CMAKE BUILD_DIR SOURCE_DIR
set -u
cmake=$1 build=$2 src=$3
dest=$(mktemp -d /tmp/ikevpn-install.XXXXXX)
trap 'rm -rf "$dest"' EXIT
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

if ! DESTDIR=$dest "$cmake" --install "$build" --prefix /usr >"$dest.log" 2>&1; then
  cat "$dest.log"; rm -f "$dest.log"
  echo "FAIL cmake --install"; exit 1
fi
rm -f "$dest.log"

expected=(
  usr/sbin/ikevpnd
  usr/bin/ikevpnctl
  usr/lib/systemd/system/ikevpnd.service
  usr/share/dbus-1/system.d/net.ikevpn.Daemon1.conf
  usr/share/dbus-1/interfaces/net.ikevpn.Daemon1.xml
  usr/share/dbus-1/interfaces/net.ikevpn.Connection1.xml
  usr/share/dbus-1/interfaces/net.ikevpn.IkeSa1.xml
  usr/share/dbus-1/interfaces/net.ikevpn.ChildSa1.xml
  usr/share/doc/ikevpn/dbus/net.ikevpn.Daemon1-read.conf.example
  usr/share/doc/ikevpn/dbus/SPEC.md
  usr/share/doc/ikevpn/ikevpn.conf.example
  usr/lib/sysusers.d/ikevpn-dbus.conf
  usr/libexec/nm-ikevpn-service
  usr/lib/NetworkManager/VPN/nm-ikevpn-service.name
  usr/share/dbus-1/system.d/nm-ikevpn-service.conf
)
# Every man page in the source tree is installed in its section.
for page in "$src"/man/*.[1-8]; do
  name=$(basename "$page")
  expected+=("usr/share/man/man${name##*.}/$name")
done
for f in "${expected[@]}"; do
  if [ -f "$dest/$f" ]; then ok "$f"; else bad "$f missing"; fi
done
grep -qx 'program=/usr/libexec/nm-ikevpn-service' "$dest/usr/lib/NetworkManager/VPN/nm-ikevpn-service.name" &&
  ok ".name file points at /usr/libexec/nm-ikevpn-service" || bad ".name file program="
for f in usr/sbin/ikevpnd usr/bin/ikevpnctl usr/libexec/nm-ikevpn-service; do
  [ -x "$dest/$f" ] || bad "$f not executable"
done
echo "installed files:"
(cd "$dest" && find . -type f | sort | sed 's/^/     /')

unit=$dest/usr/lib/systemd/system/ikevpnd.service
grep -q '^ExecStart=/usr/sbin/ikevpnd -f' "$unit" && ok "unit starts /usr/sbin/ikevpnd -f" || bad "unit ExecStart"
grep -q '^Type=notify' "$unit" && ok "unit is Type=notify" || bad "unit type"
grep -q '<policy group="' "$dest/usr/share/dbus-1/system.d/net.ikevpn.Daemon1.conf" &&
  ok "policy has a control group rule" || bad "policy without group rule"
grep -q '^g ' "$dest/usr/lib/sysusers.d/ikevpn-dbus.conf" && ok "sysusers creates the group" || bad "sysusers"

if command -v systemd-analyze >/dev/null; then
  # Point the unit at the installed binary so that verify can check it.
  mkdir -p "$dest/verify"
  sed "s#/usr/sbin/ikevpnd#$dest/usr/sbin/ikevpnd#g" "$unit" >"$dest/verify/ikevpnd.service"
  if out=$(MANPATH=$dest/usr/share/man systemd-analyze verify "$dest/verify/ikevpnd.service" 2>&1) && [ -z "$out" ]; then
    ok "systemd-analyze verify ikevpnd.service"
  else
    bad "systemd-analyze verify ikevpnd.service:"; echo "$out"
  fi
else
  echo "note: systemd-analyze missing, unit not verified"
fi
exit $fail
