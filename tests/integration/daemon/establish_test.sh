#!/bin/bash
# Two ikevpnd in two namespaces, PSK site-to-site, dual-stack selectors:
# the CHILD_SA comes up on both ends, IPv4 and IPv6 pings pass through
# ipsec0 in both directions, ikevpnctl on a private bus shows the SAs, and
# SIGTERM on one end deletes the SAs on both (the other end's ipsec0 goes
# down and its routes leave; the terminated daemon removes its ipsec0).
#
# usage: establish_test.sh IKEVPND IKEVPNCTL
set -u
IKEVPND=$1 IKEVPNCTL=$2
. "$(dirname "$0")/../lib/netns.sh"
NT_TIMEOUT=55 nt_init establish dbus-daemon

A=$(nt_ns a) B=$(nt_ns b)
nt_veth "$A" vA 192.0.2.1/24 "$B" vB 192.0.2.2/24

conf() {  # LOCAL REMOTE LID RID LNET RNET START
  nt_psk_conf "$1" "$2" "$3" "$4" "10.$5.0.0/24, fd00:$5::/64" "10.$6.0.0/24, fd00:$6::/64" \
    "10.$5.0.1/24, fd00:$5::1/64" start-action="$7"
}
conf 192.0.2.1 192.0.2.2 a b 1 2 start | nt_conf "$NT_DIR/a.conf"
conf 192.0.2.2 192.0.2.1 b a 2 1 none | nt_conf "$NT_DIR/b.conf"

nt_bus || exit 1
nt_check "daemon b starts" nt_daemon b "$B" "$NT_DIR/b.conf" --bus none
nt_check "daemon a starts (control on a private bus)" nt_daemon a "$A" "$NT_DIR/a.conf" --bus "$NT_BUS"
nt_alive a && nt_alive b || nt_finish

echo "-- establishment"
nt_wait 15 "a: CHILD_SA established" nt_log_has a 'CHILD_SA tun\{[0-9]+\} established'
nt_wait 5 "b: CHILD_SA established" nt_log_has b 'CHILD_SA tun\{[0-9]+\} established'
for x in a:"$A":1:2 b:"$B":2:1; do
  IFS=: read -r l ns mine theirs <<<"$x"
  nt_wait 5 "$l: ipsec0 up" nt_link_up "$ns" ipsec0
  nt_wait 5 "$l: route 10.$theirs.0.0/24 dev ipsec0" nt_route_via "$ns" 10.$theirs.0.0/24 ipsec0
  nt_wait 5 "$l: route fd00:$theirs::/64 dev ipsec0" nt_route_via "$ns" fd00:$theirs::/64 ipsec0
done

echo "-- traffic through ipsec0"
nt_check "IPv4 a->b" nt_exec "$A" ping -c 3 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1
nt_check "IPv4 b->a" nt_exec "$B" ping -c 3 -i 0.2 -W 2 -I 10.2.0.1 10.1.0.1
nt_check "IPv6 a->b" nt_exec "$A" ping -6 -c 3 -i 0.2 -W 2 -I fd00:1::1 fd00:2::1
nt_check "IPv6 b->a" nt_exec "$B" ping -6 -c 3 -i 0.2 -W 2 -I fd00:2::1 fd00:1::1
# The inner packets travel as ESP: the TUN counters moved on both ends.
rx_packets() { ip -n "$1" -s -j link show dev ipsec0 | "$NT_PY" -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'; }
nt_check "a: ipsec0 received the replies ($(rx_packets "$A") packets)" test "$(rx_packets "$A")" -ge 6
nt_check "b: ipsec0 received the requests ($(rx_packets "$B") packets)" test "$(rx_packets "$B")" -ge 6

echo "-- ikevpnctl on $NT_BUS"
ctl() { "$IKEVPNCTL" --bus "$NT_BUS" "$@"; }
json() {  # TEXT PYTHON_EXPR_ON_d
  "$NT_PY" -c "import json,sys; d=json.load(sys.stdin); assert $2, d" <<<"$1"
}
OUT=$(ctl --json status tun 2>&1); echo "$OUT" >"$NT_DIR/status.json"
nt_check "status --json: connection up, one ESTABLISHED IKE_SA" json "$OUT" \
  'd["connection"]["state"] == "up" and len(d["ike_sas"]) == 1 and d["ike_sas"][0]["state"] == "ESTABLISHED"'
nt_check "status --json: CHILD_SA on ipsec0 with both selectors" json "$OUT" \
  'len(d["child_sas"]) == 1 and "fd00:2::/64" in str(d["child_sas"][0]) and "10.2.0.0/24" in str(d["child_sas"][0])'
OUT=$(ctl --json sas 2>&1)
nt_check "sas --json: one IKE_SA, one INSTALLED CHILD_SA" json "$OUT" \
  'len(d["ike_sas"]) == 1 and len(d["child_sas"]) == 1 and d["child_sas"][0]["state"] == "INSTALLED"'
OUT=$(ctl status tun 2>&1)
nt_check "status (text) says up" grep -q '^tun: up' <<<"$OUT"

echo "-- SIGTERM on b"
MARK=$(nt_log_mark a)
nt_stop b TERM 10
RC=$?
nt_check "b exits with status 0 after SIGTERM (rc $RC)" test "$RC" = 0
nt_check "b logged the IKE_SA delete" nt_log_has b 'deleting IKE_SA tun'
nt_check "b removed its ipsec0" eval '! nt_link_exists "$B" ipsec0'
nt_wait 5 "a: IKE_SA deleted by the peer" nt_log_since a "$MARK" 'deleted by the peer'
nt_wait 5 "a: ipsec0 down" eval '! nt_link_up "$A" ipsec0'
T_SIG=$(nt_log_ms b 'signal Terminated') T_DOWN=$(nt_log_ms a 'ipsec0 down' "$MARK")
[ -n "$T_SIG" ] && [ -n "$T_DOWN" ] && echo "     a: ipsec0 down $(nt_ms_between "$T_SIG" "$T_DOWN") ms after b got SIGTERM (from the logs)"
nt_wait 5 "a: route to 10.2.0.0/24 gone" eval '! nt_route_via "$A" 10.2.0.0/24 ipsec0'
nt_wait 5 "a: route to fd00:2::/64 gone" eval '! nt_route_via "$A" fd00:2::/64 ipsec0'
OUT=$(ctl --json sas 2>&1)
nt_check "a: sas --json shows no SAs" json "$OUT" 'd["ike_sas"] == [] and d["child_sas"] == []'
nt_check "a: still running" nt_alive a

echo "-- SIGTERM on a"
nt_stop a TERM 10
RC=$?
nt_check "a exits with status 0 (rc $RC)" test "$RC" = 0
nt_check "a removed its ipsec0" eval '! nt_link_exists "$A" ipsec0'

nt_finish
