#!/bin/bash
# Userspace ESP throughput between two namespaces (both ends on this
# machine): iperf3 TCP for 10 s and UDP at 100/300/1000 Mbit/s offered,
# through ipsec0 of two esp_tunnel_peer processes.
# Reports Mbit/s, TCP retransmits, UDP loss, and CPU of both peers per
# Gbit/s of goodput (cores busy / Gbit/s, from /proc/PID/stat).
#
# usage: bench/esp_throughput.sh BUILD_DIR [ALG] [SECONDS]
set -u
build=${1:?usage: esp_throughput.sh BUILD_DIR [ALG] [SECONDS]}
alg=${2:-aes256gcm16}
secs=${3:-10}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/esp_netns.sh"
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 1; }
command -v iperf3 >/dev/null || apt-get install -y iperf3 >/dev/null
server=
trap 'kill $server 2>/dev/null; esp_netns_down; rm -rf "$ESPT_DIR"' EXIT
peer=$(find "$build" -name esp_tunnel_peer -type f -perm -u+x | head -1)
[ -n "$peer" ] || { echo "esp_tunnel_peer not built in $build"; exit 1; }

esp_netns_up "$peer" "$alg" || exit 1
ip netns exec "$ESPT_B" iperf3 -s -B 10.251.0.66 >/dev/null 2>&1 &
server=$!
sleep 0.5
hz=$(getconf CLK_TCK)

peer_ticks() {  # utime + stime of both peers
  local total=0
  for ns in "$ESPT_A" "$ESPT_B"; do
    local f
    read -ra f <"/proc/$(cat "$ESPT_DIR/$ns.pid")/stat"
    total=$((total + f[13] + f[14]))
  done
  echo "$total"
}

run() {  # label, iperf3 client args...
  local label=$1; shift
  local t0 t1
  t0=$(peer_ticks)
  ip netns exec "$ESPT_A" iperf3 -c 10.251.0.66 -t "$secs" -J "$@" >"$ESPT_DIR/iperf.json"
  t1=$(peer_ticks)
  python3 - "$label" "$ESPT_DIR/iperf.json" "$((t1 - t0))" "$hz" "$secs" <<'PY'
import json, sys
label, path, ticks, hz, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
r = json.load(open(path))["end"]
cores = ticks / hz / secs
s = r.get("sum", {})
if "lost_percent" in s:  # UDP: what the server received
    mbit = r.get("sum_received", s)["bits_per_second"] / 1e6
    extra = "loss %.2f %%" % s["lost_percent"]
else:                    # TCP
    mbit = r["sum_received"]["bits_per_second"] / 1e6
    extra = "retransmits %d" % r["sum_sent"].get("retransmits", 0)
per_gbit = cores / (mbit / 1000) if mbit > 0 else float("nan")
print("| %-14s | %8.0f | %-18s | %5.2f | %5.2f |" % (label, mbit, extra, cores, per_gbit))
PY
}

echo "alg $alg, $secs s per run, $(nproc) cores"
echo "| test           | Mbit/s   | retransmits / loss | peer cores | cores per Gbit/s |"
echo "|----------------|----------|--------------------|-------|-------|"
run "TCP" 
run "TCP (4 streams)" -P 4
for rate in 100M 300M 1000M; do
  run "UDP $rate" -u -b "$rate" -l 1300
done
for ns in "$ESPT_A" "$ESPT_B"; do
  kill -TERM "$(cat "$ESPT_DIR/$ns.pid")"
done
sleep 1
grep -h -E 'tx_packets|drop' "$ESPT_DIR"/*.log
