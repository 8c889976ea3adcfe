#!/bin/bash
# Rekeying under short lifetimes with traffic: zero lost pings at 10 pings/s
# for 60 s. Two tunnels between a and b so that each side deterministically
# initiates rekeys (lifetimes are not negotiated; the side with the larger
# margin rekeys first every time):
#   tun1 (ipsec0, 10.1/10.2): a rekeys the CHILD_SA after 12 s, the IKE_SA after 27 s
#   tun2 (ipsec1, 10.3/10.4): b does
# (the other side's timers, 18 s and 35 s, never fire first). CHILD_SA hard
# lifetime 20 s, IKE_SA 40 s.
#
# usage: rekey_test.sh IKEVPND IKEVPNCTL
set -u
IKEVPND=$1 IKEVPNCTL=$2
. "$(dirname "$0")/../lib/netns.sh"
NT_TIMEOUT=88 nt_init rekey dbus-daemon
PINGS=600   # 60 s at 10/s

A=$(nt_ns a) B=$(nt_ns b)
# tun2 runs between a second pair of addresses: the responder picks the
# connection by the peer's address (it does not switch connections by
# identity in IKE_AUTH, so two connections between one address pair with
# different identities do not work yet).
nt_veth "$A" vA 192.0.2.1/24,198.51.100.1/24 "$B" vB 192.0.2.2/24,198.51.100.2/24

conn() {  # NAME LOCAL REMOTE LID RID LNET RNET IFACE START CHILD_MARGIN IKE_MARGIN
  nt_psk_section "${@:1:5}" "10.$6.0.0/24" "10.$7.0.0/24" "10.$6.0.1/24" interface="$8" start-action="$9" \
    child-lifetime=20s child-rekey-margin="${10}" child-rekey-jitter=0 \
    ike-lifetime=40s ike-rekey-margin="${11}" ike-rekey-jitter=0
}
globals() { nt_global log-level=info,ike=debug; }
{ globals
  conn tun1 192.0.2.1 192.0.2.2 a1 b1 1 2 ipsec0 start 8s 13s
  conn tun2 198.51.100.1 198.51.100.2 a2 b2 3 4 ipsec1 start 2s 5s
} | nt_conf "$NT_DIR/a.conf"
{ globals
  conn tun1 192.0.2.2 192.0.2.1 b1 a1 2 1 ipsec0 none 2s 5s
  conn tun2 198.51.100.2 198.51.100.1 b2 a2 4 3 ipsec1 none 8s 13s
} | nt_conf "$NT_DIR/b.conf"

grep -l REKEY_SA "$(dirname "$0")/../../../daemon/ike/exchange/"*.cc >/dev/null 2>&1 ||
  echo "     note: no REKEY_SA in daemon/ike/exchange/*.cc — rekeying may not be implemented yet"

nt_check "daemon b starts" nt_daemon b "$B" "$NT_DIR/b.conf" --bus none
nt_bus || exit 1
nt_check "daemon a starts" nt_daemon a "$A" "$NT_DIR/a.conf" --bus "$NT_BUS"
nt_alive a && nt_alive b || nt_finish
nt_wait 15 "a: both CHILD_SAs established" eval '[ "$(nt_log_count a "CHILD_SA tun[12]\{[0-9]+\} established")" -ge 2 ]'
nt_wait 5 "a: ipsec0 and ipsec1 up" eval 'nt_link_up "$A" ipsec0 && nt_link_up "$A" ipsec1'
nt_wait 5 "a: routes through both" eval 'nt_route_via "$A" 10.2.0.0/24 ipsec0 && nt_route_via "$A" 10.4.0.0/24 ipsec1'
nt_wait 5 "b: routes through both" eval 'nt_route_via "$B" 10.1.0.0/24 ipsec0 && nt_route_via "$B" 10.3.0.0/24 ipsec1'

echo "-- $PINGS pings at 10/s through each tunnel while the SAs are rekeyed"
nt_bg "$A" "$NT_DIR/ping1.out" ping -D -O -c $PINGS -i 0.1 -W 2 -I 10.1.0.1 10.2.0.1
P1=$NT_LAST_PID
nt_bg "$A" "$NT_DIR/ping2.out" ping -D -O -c $PINGS -i 0.1 -W 2 -I 10.3.0.1 10.4.0.1
P2=$NT_LAST_PID
wait "$P1" "$P2"
for t in 1 2; do
  SUMMARY=$(grep 'packets transmitted' "$NT_DIR/ping$t.out")
  SENT=$(grep -oE '^[0-9]+' <<<"$SUMMARY") RECV=$(grep -oE '[0-9]+ received' <<<"$SUMMARY" | grep -oE '^[0-9]+')
  LOST=$(( ${SENT:-0} - ${RECV:-0} ))
  echo "     tun$t: $SUMMARY"
  nt_check "tun$t: $PINGS pings sent, none lost ($LOST lost)" test "${SENT:-0}" = $PINGS -a "$LOST" = 0
  grep 'no answer yet' "$NT_DIR/ping$t.out" | sed 's/^/     | /' | head -n 5
done

echo "-- who rekeyed what"
count() { nt_log_count "$1" "$2"; }
for x in a:tun1 b:tun2; do
  IFS=: read -r side t <<<"$x"
  other=a; [ "$side" = a ] && other=b
  CR=$(count "$side" "IKE_SA $t\[[0-9]+\]: sending CHILD_SA rekey request")
  IR=$(count "$side" "IKE_SA $t\[[0-9]+\]: sending IKE_SA rekey request")
  CRD=$(count "$side" "CHILD_SA $t\{[0-9]+\} rekeyed")
  IRD=$(count "$side" "IKE_SA $t\[[0-9]+\] rekeyed to")
  echo "     $side initiated $CR CHILD_SA and $IR IKE_SA rekeys of $t; logged $CRD CHILD_SA and $IRD IKE_SA 'rekeyed'"
  nt_check "$side initiated CHILD_SA rekeys of $t (>= 3: $CR)" test "$CR" -ge 3
  nt_check "$side: CHILD_SA $t rekeyed (>= 3: $CRD)" test "$CRD" -ge 3
  nt_check "$side initiated IKE_SA rekeys of $t (>= 1: $IR)" test "$IR" -ge 1
  nt_check "$side: IKE_SA $t rekeyed (>= 1: $IRD)" test "$IRD" -ge 1
  nt_check "$other: CHILD_SA $t rekeyed as responder" eval '[ "$(count $other "CHILD_SA $t\{[0-9]+\} rekeyed")" -ge 3 ]'
  nt_check "$other: IKE_SA $t rekeyed as responder" eval '[ "$(count $other "IKE_SA $t\[[0-9]+\] rekeyed to")" -ge 1 ]'
done
for l in a b; do
  # An IKE_SA replaced by a rekey goes "down: rekeyed" (initiator) or
  # "down: deleted by the peer" (responder); any other reason is a failure.
  nt_check "$l: no SA reached its hard lifetime, no rekey failed" eval '! nt_log_has $l "hard lifetime reached|rekey failed"'
  nt_check "$l: no IKE_SA went down except replaced ones" eval '! grep -E "IKE_SA tun[12]\[[0-9]+\] down: " "$NT_DIR/$l.log" | grep -vE "down: (rekeyed|deleted by the peer)$"'
  nt_check "$l: no CHILD_SA went down" eval '! nt_log_has $l "CHILD_SA tun[12]\{[0-9]+\} down"'
  nt_check "$l: ipsec0 and ipsec1 never went down" eval '[ "$(nt_log_count $l "ipsec[01] down")" = 0 ]'
done
nt_check "both tunnels up, both daemons alive at the end" eval '
  nt_link_up "$A" ipsec0 && nt_link_up "$A" ipsec1 && nt_alive a && nt_alive b'
OUT=$("$IKEVPNCTL" --bus "$NT_BUS" --json sas 2>&1)
nt_check "a: exactly one IKE_SA and one CHILD_SA per tunnel left (old ones deleted)" "$NT_PY" -c '
import json, sys
d = json.loads(sys.argv[1])
ike = sorted(s["connection"] for s in d["ike_sas"])
child = sorted(s["connection"] for s in d["child_sas"])
assert ike == ["tun1", "tun2"] and child == ["tun1", "tun2"], d' "$OUT"
nt_finish
