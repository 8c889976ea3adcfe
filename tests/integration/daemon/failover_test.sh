#!/bin/bash
# Failover between two tunnels to the same remote subnet. Client c has two
# connections: ipsec0 (metric 100) to gateway g1 and ipsec1 (metric 200) to
# gateway g2; both gateways announce 10.9.0.0/24 and hold 10.9.0.1 on lo.
# c pings 10.9.0.1 every 100 ms; g1 is killed with SIGKILL; c's DPD takes
# ipsec0 down, its route leaves and the pings continue through ipsec1. The
# outage must not exceed DPD delay + retransmissions (+ NT_SLACK_MS).
#
# usage: failover_test.sh IKEVPND IKEVPNCTL
set -u
IKEVPND=$1 IKEVPNCTL=$2
. "$(dirname "$0")/../lib/netns.sh"
NT_TIMEOUT=55 nt_init failover

DPD_MS=1000
RETRANSMIT_MS=3020   # 500 + 900 + 1620
LIMIT_MS=$((DPD_MS + RETRANSMIT_MS + NT_SLACK_MS))

C=$(nt_ns c) G1=$(nt_ns g1) G2=$(nt_ns g2)
nt_veth "$C" v1 192.0.2.1/24 "$G1" v0 192.0.2.2/24
nt_veth "$C" v2 198.51.100.1/24 "$G2" v0 198.51.100.2/24
# The client's inner address and the gateways' common service address.
ip -n "$C" addr add 10.1.0.1/32 dev lo
ip -n "$G1" addr add 10.9.0.1/32 dev lo
ip -n "$G2" addr add 10.9.0.1/32 dev lo

globals() { nt_global retransmit-timeout=500ms retransmit-tries=2 retransmit-base=1.8; }
conn() {  # NAME LOCAL REMOTE LID RID LTS RTS IFACE METRIC START
  nt_psk_section "${@:1:7}" "" interface="$8" metric="$9" start-action="${10}" dpd-delay=1s dpd-action=clear
}
{
  globals
  conn g1 192.0.2.1 192.0.2.2 c g1 10.1.0.0/24 10.9.0.0/24 ipsec0 100 start
  conn g2 198.51.100.1 198.51.100.2 c g2 10.1.0.0/24 10.9.0.0/24 ipsec1 200 start
} | nt_conf "$NT_DIR/c.conf"
{ globals; conn c 192.0.2.2 192.0.2.1 g1 c 10.9.0.0/24 10.1.0.0/24 ipsec0 0 none; } | nt_conf "$NT_DIR/g1.conf"
{ globals; conn c 198.51.100.2 198.51.100.1 g2 c 10.9.0.0/24 10.1.0.0/24 ipsec0 0 none; } | nt_conf "$NT_DIR/g2.conf"

nt_check "daemon g1 starts" nt_daemon g1 "$G1" "$NT_DIR/g1.conf" --bus none
nt_check "daemon g2 starts" nt_daemon g2 "$G2" "$NT_DIR/g2.conf" --bus none
nt_check "daemon c starts" nt_daemon c "$C" "$NT_DIR/c.conf" --bus none
nt_alive c && nt_alive g1 && nt_alive g2 || nt_finish

nt_wait 15 "c: both CHILD_SAs established" eval '[ "$(nt_log_count c "CHILD_SA g[12]\{[0-9]+\} established")" -ge 2 ]'
nt_wait 5 "c: ipsec0 up" nt_link_up "$C" ipsec0
nt_wait 5 "c: ipsec1 up" nt_link_up "$C" ipsec1
nt_wait 5 "c: route 10.9.0.0/24 dev ipsec0 metric 100" eval 'ip -n "$C" route show 10.9.0.0/24 | grep -q "dev ipsec0.*metric 100"'
nt_wait 5 "c: route 10.9.0.0/24 dev ipsec1 metric 200" eval 'ip -n "$C" route show 10.9.0.0/24 | grep -q "dev ipsec1.*metric 200"'
nt_check "c: 10.9.0.1 goes through ipsec0" eval 'ip -n "$C" route get 10.9.0.1 from 10.1.0.1 | grep -q "dev ipsec0"'
nt_check "ping through ipsec0" nt_exec "$C" ping -c 2 -i 0.2 -W 2 -I 10.1.0.1 10.9.0.1

echo "-- continuous ping, then kill -9 g1"
nt_bg "$C" "$NT_DIR/ping.out" ping -D -i 0.1 -W 1 -I 10.1.0.1 10.9.0.1
PING=$NT_LAST_PID
nt_wait 5 "pings answered" eval '[ "$(grep -c "bytes from" "$NT_DIR/ping.out")" -ge 5 ]'
MARK=$(nt_log_mark c)
T_KILL=$(date +%s.%N)
nt_stop g1 KILL 5
nt_wait 10 "c: ipsec0 down" eval '! nt_link_up "$C" ipsec0'
nt_wait 10 "c: route via ipsec0 gone" eval '! nt_route_via "$C" 10.9.0.0/24 ipsec0'
nt_check "c: 10.9.0.1 now goes through ipsec1" eval 'ip -n "$C" route get 10.9.0.1 from 10.1.0.1 | grep -q "dev ipsec1"'
N0=$(grep -c "bytes from" "$NT_DIR/ping.out")
nt_wait 5 "pings answered again" eval '[ "$(grep -c "bytes from" "$NT_DIR/ping.out")" -ge $((N0 + 10)) ]'
kill -INT "$PING" 2>/dev/null; wait "$PING" 2>/dev/null
nt_check "c: ipsec1 stayed up" nt_link_up "$C" ipsec1
nt_check "c: g1's SAs deleted because the peer did not respond" nt_log_since c "$MARK" 'IKE_SA g1\[[0-9]+\] down: peer did not respond'

# The outage: from the kill to the first reply after it that ends the
# longest gap between replies (ping -D prints the receive time).
read -r GAP_MS RECOVER_MS < <(grep -o '^\[[0-9.]*\].*bytes from' "$NT_DIR/ping.out" | tr -d '[]' | awk -v k="$T_KILL" '
  { t = $1 + 0; if (prev != "" && t - prev > gap) { gap = t - prev; rec = t } prev = t }
  END { printf "%d %d\n", gap * 1000, (rec - k) * 1000 }')
SENT=$(grep -oE '[0-9]+ packets transmitted' "$NT_DIR/ping.out" | grep -oE '^[0-9]+')
RECV=$(grep -c "bytes from" "$NT_DIR/ping.out")
echo "     failover: pings answered again ${RECOVER_MS} ms after kill -9 (longest gap ${GAP_MS} ms;" \
     "$((${SENT:-0} - RECV)) of ${SENT:-?} pings lost; limit ${LIMIT_MS} ms = dpd ${DPD_MS} + retransmits ${RETRANSMIT_MS} + slack ${NT_SLACK_MS})"
nt_check "failover within ${LIMIT_MS} ms (${RECOVER_MS} ms)" test "${RECOVER_MS:-999999}" -le "$LIMIT_MS"
nt_check "g2 carried traffic" eval '[ "$(ip -n "$G2" -s -j link show dev ipsec0 | "$NT_PY" -c "import json,sys; print(json.load(sys.stdin)[0][\"stats64\"][\"rx\"][\"packets\"])")" -ge 10 ]'
nt_finish
