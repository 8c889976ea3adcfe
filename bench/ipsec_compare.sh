#!/bin/bash
# ikevpn's userspace ESP against strongSwan 5.9.8 charon with kernel-libipsec,
# in the same run on the same topology: two namespace pairs joined by a veth
# each, one tunnel per pair, AES-256-GCM-16 ESP-in-UDP on 4500:
#
#   ikevpn:     itd-bench-PID-ia  ikevpnd --backend userspace, ipsec0 10.1.0.1
#               itd-bench-PID-ib  ikevpnd --backend userspace, ipsec0 10.2.0.1
#   strongSwan: itd-bench-PID-sa  charon + kernel-libipsec, 10.1.0.1 on lo
#               itd-bench-PID-sb  charon + kernel-libipsec, 10.2.0.1 on lo
#
# Both tunnels stay up; iperf3 runs alternate between them (TCP 1 stream,
# TCP 4 streams; ROUNDS rounds), then UDP at 100, 300 and 1000 Mbit/s
# offered through each. Prints every run, the medians, the ratio, the CPU of
# the two daemons per Gbit/s (utime+stime from /proc/PID/stat), daemon RSS
# after the 1 Gbit/s UDP run, and the load average.
#
# usage: sudo bench/ipsec_compare.sh BUILD_DIR [SECONDS] [ROUNDS]
set -u
build=${1:?usage: ipsec_compare.sh BUILD_DIR [SECONDS] [ROUNDS]}
secs=${2:-10}
rounds=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
IKEVPND=$(find "$build" -name ikevpnd -type f -perm -u+x | head -1)
[ -n "$IKEVPND" ] || { echo "ikevpnd not built in $build"; exit 1; }
IKEVPND=$(cd "$(dirname "$IKEVPND")" && pwd)/ikevpnd
CHARON=${CHARON:-/usr/lib/ipsec/charon}
[ -x "$CHARON" ] || { echo "needs strongSwan's charon (apt-get install strongswan-charon libcharon-extra-plugins strongswan-swanctl)"; exit 1; }
. "$here/../tests/integration/lib/netns.sh"
NT_TIMEOUT=$(( rounds * 4 * (secs + 5) + 6 * (secs / 2 + 5) + 120 )) nt_init bench iperf3 swanctl unshare
PSK=bench-0123456789abcdef-psk
RESULTS=$NT_DIR/results.txt
: >"$RESULTS"

IA=$(nt_ns ia) IB=$(nt_ns ib) SA=$(nt_ns sa) SB=$(nt_ns sb)
nt_veth "$IA" vIa 192.0.2.1/24 "$IB" vIb 192.0.2.2/24
nt_veth "$SA" vSa 192.0.2.1/24 "$SB" vSb 192.0.2.2/24

# --- ikevpn -------------------------------------------------------------------
ikevpn_conf() {  # LOCAL REMOTE LID RID LNET RNET START
  nt_section global log-level=info
  nt_psk_section bench "${@:1:4}" "10.$5.0.0/24" "10.$6.0.0/24" "10.$5.0.1/24" psk="\"$PSK\"" \
    ike=aes256gcm16-prfsha256-x25519 esp=aes256gcm16 start-action="$7"
}
ikevpn_conf 192.0.2.2 192.0.2.1 b a 2 1 none | nt_conf "$NT_DIR/ib.conf"
ikevpn_conf 192.0.2.1 192.0.2.2 a b 1 2 start | nt_conf "$NT_DIR/ia.conf"
nt_daemon ib "$IB" "$NT_DIR/ib.conf" --bus none --backend userspace || exit 1
nt_daemon ia "$IA" "$NT_DIR/ia.conf" --bus none --backend userspace || exit 1

# --- strongSwan ---------------------------------------------------------------
declare -A CHARON_PID=()
charon_start() {  # LABEL NS LOCAL REMOTE LID RID LNET RNET START
  local label=$1 ns=$2 d=$NT_DIR/$1
  mkdir -p "$d/run"
  ip -n "$ns" addr add "10.$7.0.1/32" dev lo
  cat >"$d/strongswan.conf" <<EOC
charon {
  load_modular = no
  load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 aes sha1 sha2 hmac gcm kdf kernel-libipsec kernel-netlink socket-default vici
  install_virtual_ip = no
  plugins {
    vici {
      socket = unix://$d/charon.vici
    }
  }
  filelog {
    bench {
      path = $d/charon.log
      default = 1
    }
  }
}
EOC
  cat >"$d/swanctl.conf" <<EOC
connections {
  bench {
    version = 2
    local_addrs = $3
    remote_addrs = $4
    proposals = aes256gcm16-prfsha256-x25519
    dpd_delay = 0
    local {
      auth = psk
      id = @$5
    }
    remote {
      auth = psk
      id = @$6
    }
    children {
      net {
        local_ts = 10.$7.0.0/24
        remote_ts = 10.$8.0.0/24
        esp_proposals = aes256gcm16
        mode = tunnel
        start_action = $9
      }
    }
  }
}
secrets {
  ike-bench {
    id-a = @$5
    id-b = @$6
    secret = "$PSK"
  }
}
EOC
  ip netns exec "$ns" unshare -m --propagation private sh -c \
    "mount --bind $d/run /run && exec env STRONGSWAN_CONF=$d/strongswan.conf $CHARON" \
    >"$d/stdout.log" 2>&1 &
  CHARON_PID[$label]=$!
  NT_BG_PIDS+=("$!")
  for _ in $(seq 100); do [ -S "$d/charon.vici" ] && break; sleep 0.1; done
  swanctl --load-all --uri "unix://$d/charon.vici" --file "$d/swanctl.conf" >"$d/swanctl.log" 2>&1
}
charon_start sb "$SB" 192.0.2.2 192.0.2.1 b a 2 1 none || exit 1
charon_start sa "$SA" 192.0.2.1 192.0.2.2 a b 1 2 start || exit 1

nt_wait 20 "ikevpn tunnel up (ping)" nt_exec "$IA" ping -c 1 -W 1 -I 10.1.0.1 10.2.0.1
nt_wait 20 "strongSwan tunnel up (ping)" nt_exec "$SA" ping -c 1 -W 1 -I 10.1.0.1 10.2.0.1
[ "$NT_FAIL" = 0 ] || { nt_summary; exit 1; }

nt_bg "$IB" "$NT_DIR/iperf-ib.log" iperf3 -s -B 10.2.0.1
nt_bg "$SB" "$NT_DIR/iperf-sb.log" iperf3 -s -B 10.2.0.1
sleep 1

hz=$(getconf CLK_TCK)
ticks() {  # PIDS...: utime + stime
  local total=0 p f
  for p in "$@"; do
    read -ra f <"/proc/$p/stat" || continue
    total=$((total + f[13] + f[14]))
  done
  echo "$total"
}
pids_of() {
  case $1 in
    ikevpn) echo "${NT_PID[ia]} ${NT_PID[ib]}" ;;
    strongswan) echo "${CHARON_PID[sa]} ${CHARON_PID[sb]}" ;;
  esac
}
ns_of() { case $1 in ikevpn) echo "$IA" ;; strongswan) echo "$SA" ;; esac; }

run() {  # STACK TEST SECONDS iperf3-args...
  local stack=$1 test=$2 t=$3 t0 t1
  shift 3
  # shellcheck disable=SC2046
  t0=$(ticks $(pids_of "$stack"))
  ip netns exec "$(ns_of "$stack")" iperf3 -c 10.2.0.1 -B 10.1.0.1 -t "$t" -J "$@" >"$NT_DIR/iperf.json" 2>&1
  # shellcheck disable=SC2046
  t1=$(ticks $(pids_of "$stack"))
  "$NT_PY" - "$stack" "$test" "$NT_DIR/iperf.json" "$((t1 - t0))" "$hz" "$t" <<'PY' | tee -a "$RESULTS"
import json, sys
stack, test, path, ticks, hz, secs = sys.argv[1:7]
try:
    r = json.load(open(path))["end"]
except Exception as e:
    print(f"{stack} {test} error {e}")
    sys.exit(0)
cores = int(ticks) / int(hz) / float(secs)
s = r.get("sum", {})
if "lost_percent" in s:
    mbit = r.get("sum_received", s)["bits_per_second"] / 1e6
    extra = s["lost_percent"]
else:
    mbit = r["sum_received"]["bits_per_second"] / 1e6
    extra = r["sum_sent"].get("retransmits", 0)
print(f"{stack} {test} {mbit:.0f} {extra:.2f} {cores:.3f}")
PY
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS"
for r in $(seq "$rounds"); do
  for stack in ikevpn strongswan; do
    run "$stack" tcp1 "$secs"
    run "$stack" tcp4 "$secs" -P 4
  done
done
for rate in 100M 300M 1000M; do
  for stack in ikevpn strongswan; do
    run "$stack" "udp$rate" "$((secs / 2 > 3 ? secs / 2 : 3))" -u -b "$rate" -l 1300
  done
done
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
echo "rss_kb ikevpn $(rss "${NT_PID[ia]}") $(rss "${NT_PID[ib]}") strongswan $(rss "${CHARON_PID[sa]}") $(rss "${CHARON_PID[sb]}")" | tee -a "$RESULTS"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS"

"$NT_PY" - "$RESULTS" <<'PY'
import statistics, sys, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 5 and f[0] in ("ikevpn", "strongswan"):
        runs[(f[0], f[1])].append((float(f[2]), float(f[3]), float(f[4])))
def med(stack, test, i):
    v = [x[i] for x in runs.get((stack, test), [])]
    return statistics.median(v) if v else float("nan")
print()
print("| test | ikevpn Mbit/s | strongSwan Mbit/s | ratio | ikevpn retr./loss % | strongSwan retr./loss % | ikevpn cores per Gbit/s | strongSwan cores per Gbit/s |")
print("|---|---|---|---|---|---|---|---|")
for test in ["tcp1", "tcp4", "udp100M", "udp300M", "udp1000M"]:
    i, s = med("ikevpn", test, 0), med("strongswan", test, 0)
    ci, cs = med("ikevpn", test, 2), med("strongswan", test, 2)
    n = len(runs.get(("ikevpn", test), []))
    print(f"| {test} (median of {n}) | {i:.0f} | {s:.0f} | {i / s if s else float('nan'):.2f}x | "
          f"{med('ikevpn', test, 1):g} | {med('strongswan', test, 1):g} | "
          f"{ci / (i / 1000) if i else float('nan'):.2f} | {cs / (s / 1000) if s else float('nan'):.2f} |")
PY
nt_summary
