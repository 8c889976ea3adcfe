#!/usr/bin/env bash
# The main job: a route-based IPsec tunnel between two network namespaces.
#
#   1. installs what is missing and builds ikevpnd and ikevpnctl,
#   2. makes two namespaces ("left" 192.0.2.1, "right" 192.0.2.2) joined by
#      a veth pair, each with its own ikevpnd and its own D-Bus,
#   3. brings the tunnel up with `ikevpnctl up --wait`,
#   4. pings through ipsec0 (IPv4 and IPv6) and shows the status,
#   5. tears everything down.
# Run as root. Set KEEP=1 to leave it running (and print how to clean up).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target ikevpnd ikevpnctl >/dev/null
ikevpnd=$top/build/daemon/app/ikevpnd
ikevpnctl=$top/build/ctl/ikevpnctl

work=$(mktemp -d /tmp/ikevpn-demo.XXXXXX)
L=ikvdemo-left-$$ R=ikvdemo-right-$$
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  ip netns del "$L" 2>/dev/null || true
  ip netns del "$R" 2>/dev/null || true
  rm -rf "$work"
}
[ "${KEEP:-0}" = 1 ] || trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "two namespaces joined by a veth pair"
ip netns add "$L"
ip netns add "$R"
ip link add ikvdemo-l type veth peer name ikvdemo-r
ip link set ikvdemo-l netns "$L"
ip link set ikvdemo-r netns "$R"
ip -n "$L" addr add 192.0.2.1/24 dev ikvdemo-l
ip -n "$R" addr add 192.0.2.2/24 dev ikvdemo-r
for ns in "$L" "$R"; do
  ip -n "$ns" link set lo up
  ip -n "$ns" link set "ikvdemo-${ns:8:1}" up 2>/dev/null || true
done
ip -n "$L" link set ikvdemo-l up
ip -n "$R" link set ikvdemo-r up
echo "left 192.0.2.1  <->  right 192.0.2.2"

conf() {  # side local remote lid rid lnet rnet lnet6 rnet6 addr addr6
  cat <<CONF
[global]
log-level = info

[site]
local = $2
remote = $3
local-id = $4
remote-id = $5
auth = psk
psk = "demo-secret-0123456789"
local-ts = $6, $8
remote-ts = $7, $9
interface = ipsec0
interface-address = ${10}, ${11}
CONF
}
conf left 192.0.2.1 192.0.2.2 @left @right 10.1.0.0/24 10.2.0.0/24 fd00:1::/64 fd00:2::/64 10.1.0.1/24 fd00:1::1/64 >"$work/left.conf"
conf right 192.0.2.2 192.0.2.1 @right @left 10.2.0.0/24 10.1.0.0/24 fd00:2::/64 fd00:1::/64 10.2.0.1/24 fd00:2::1/64 >"$work/right.conf"
chmod 600 "$work"/*.conf

step "two ikevpnd (userspace ESP backend where the kernel lacks ESP), each on its own D-Bus"
for side in left right; do
  ns=$L; [ $side = right ] && ns=$R
  dbus-daemon --session --address="unix:path=$work/$side.bus" --nofork --nopidfile >/dev/null 2>&1 &
  pids+=($!)
  sleep 0.2
  ip netns exec "$ns" "$ikevpnd" --foreground --config "$work/$side.conf" --state-dir "$work/$side.state" \
    --bus "unix:path=$work/$side.bus" >"$work/$side.log" 2>&1 &
  pids+=($!)
done
ctl() { "$ikevpnctl" --bus "unix:path=$work/$1.bus" "${@:2}"; }
for side in left right; do
  for _ in $(seq 50); do ctl $side list >/dev/null 2>&1 && break; sleep 0.1; done
done
ctl left list

step "ikevpnctl up site --wait"
ctl left --timeout 10 up site --wait

step "ping through ipsec0"
ip netns exec "$L" ping -c 3 -i 0.2 -I 10.1.0.1 10.2.0.1
ip netns exec "$L" ping -6 -c 3 -i 0.2 -I fd00:1::1 fd00:2::1

step "status"
ctl left status site
ctl right sas
ip -n "$L" -br addr show ipsec0
ip -n "$L" route show dev ipsec0
echo "on the wire (veth):"
ip netns exec "$R" timeout 2 tcpdump -c 2 -ni ikvdemo-r udp 2>/dev/null &
sleep 0.3
ip netns exec "$L" ping -c 1 -I 10.1.0.1 10.2.0.1 >/dev/null
wait $! 2>/dev/null || true

step "ikevpnctl down site"
ctl left down site
sleep 0.5
ip -n "$L" -br link show ipsec0
echo "left log:"; tail -n 4 "$work/left.log"
if [ "${KEEP:-0}" = 1 ]; then
  echo "left running: namespaces $L $R, files in $work"
else
  step "tearing down"
fi
