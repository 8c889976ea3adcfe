#!/bin/bash
# MOBIKE (RFC 4555): a road-warrior client changes its address while a ping
# runs through the tunnel at 10/s. The client notices (rtnetlink), sends
# UPDATE_SA_ADDRESSES from the new address, and the gateway moves the IKE SA
# and the CHILD_SA without a rekey: the same IKE SA (same SPIs), no second
# IKE_SA_INIT, traffic continues. Prints the lost pings and the time from
# the address change to the first answered ping.
#
#   client c: vC 192.0.2.10/24, then 192.0.2.20/24   gateway g: vG 192.0.2.1/24
#
# usage: mobike_test.sh IKEVPND IKEVPNCTL
set -u
IKEVPND=$1 IKEVPNCTL=$2
. "$(dirname "$0")/../lib/netns.sh"
NT_TIMEOUT=55 nt_init mobike dbus-daemon
C=$(nt_ns c) G=$(nt_ns g)
nt_veth "$C" vC 192.0.2.10/24 "$G" vG 192.0.2.1/24

conf() {  # NAME LOCAL REMOTE LID RID LNET RNET START
  nt_global log-level=info,ike=debug retransmit-tries=5
  nt_psk_section "${@:1:5}" "10.$6.0.0/24" "10.$7.0.0/24" "10.$6.0.1/24" start-action="$8" mobike=yes
}
# The client names no local address: it uses whatever routes to the gateway.
conf rw "" 192.0.2.1 client gw 1 2 start | nt_conf "$NT_DIR/c.conf"
conf rw 192.0.2.1 %any gw client 2 1 none | nt_conf "$NT_DIR/g.conf"

nt_bus || exit 1
nt_check "gateway starts" nt_daemon g "$G" "$NT_DIR/g.conf" --bus none --backend userspace
nt_check "client starts" nt_daemon c "$C" "$NT_DIR/c.conf" --bus "$NT_BUS" --backend userspace
nt_alive c && nt_alive g || nt_finish
nt_wait 15 "client: CHILD_SA established" nt_log_has c 'CHILD_SA rw\{[0-9]+\} established'
nt_wait 5 "client: route 10.2.0.0/24 dev ipsec0" nt_route_via "$C" 10.2.0.0/24 ipsec0
nt_wait 5 "gateway: route 10.1.0.0/24 dev ipsec0" nt_route_via "$G" 10.1.0.0/24 ipsec0
nt_check "ping through the tunnel" nt_exec "$C" ping -c 2 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1

ctl() { "$IKEVPNCTL" --bus "$NT_BUS" --json sas; }
spis() { ctl | "$NT_PY" -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(sorted(str(s.get("spi_i")) + "/" + str(s.get("spi_r")) for s in d["ike_sas"])))'; }
BEFORE=$(spis)
nt_check "client: one IKE_SA ($BEFORE)" test -n "$BEFORE" -a "$(wc -w <<<"$BEFORE")" = 1

echo "-- 10 pings/s; after 2 s the client's address 192.0.2.10 goes, 192.0.2.20 comes"
PINGS=80
nt_bg "$C" "$NT_DIR/ping.out" ping -D -O -c $PINGS -i 0.1 -W 1 -I 10.1.0.1 10.2.0.1
P=$NT_LAST_PID
sleep 2
CMARK=$(nt_log_mark c) GMARK=$(nt_log_mark g)
T_CHANGE=$(date +%s.%N)
nt_exec "$C" ip addr del 192.0.2.10/24 dev vC
sleep 0.3
T_ADD=$(date +%s.%N)
nt_exec "$C" ip addr add 192.0.2.20/24 dev vC
nt_wait 10 "client: sends UPDATE_SA_ADDRESSES from 192.0.2.20" nt_log_since c "$CMARK" 'rw\[[0-9]+\]: moving to 192\.0\.2\.20:4500'
nt_wait 10 "gateway: peer moved to 192.0.2.20:4500" nt_log_since g "$GMARK" 'rw\[[0-9]+\]: peer moved from 192\.0\.2\.10:4500 to 192\.0\.2\.20:4500'
nt_wait 5 "gateway: CHILD_SA endpoints updated (no rekey)" nt_log_since g "$GMARK" 'CHILD_SA rw\{[0-9]+\} now 192\.0\.2\.1 <-> 192\.0\.2\.20'
nt_wait 10 "client: moved (response with matching COOKIE2)" nt_log_since c "$CMARK" 'rw\[[0-9]+\]: moved to 192\.0\.2\.20:4500'
wait "$P"

SUMMARY=$(grep 'packets transmitted' "$NT_DIR/ping.out")
SENT=$(grep -oE '^[0-9]+' <<<"$SUMMARY") RECV=$(grep -oE '[0-9]+ received' <<<"$SUMMARY" | grep -oE '^[0-9]+')
LOST=$(( ${SENT:-0} - ${RECV:-0} ))
# Recovery: the longest silence between two answers (the outage), and
# when the first answer after it came, from the removal of the old address
# and from the arrival of the new one.
read -r OUTAGE_MS FROM_DEL_MS FROM_ADD_MS < <("$NT_PY" - "$NT_DIR/ping.out" "$T_CHANGE" "$T_ADD" <<'PY'
import re, sys
times = [float(m.group(1)) for m in (re.match(r"\[(\d+\.\d+)\].*bytes from", l) for l in open(sys.argv[1])) if m]
t_del, t_add = float(sys.argv[2]), float(sys.argv[3])
gaps = [(b - a, b) for a, b in zip(times, times[1:]) if b > t_del]
if not gaps:
    print(-1, -1, -1)
else:
    gap, back = max(gaps)
    print(int(gap * 1000), int((back - t_del) * 1000), int((back - t_add) * 1000))
PY
)
echo "     $SUMMARY"
echo "     RESULT mobike: $LOST of $SENT pings lost; outage ${OUTAGE_MS} ms; traffic back ${FROM_DEL_MS} ms after the old address went, ${FROM_ADD_MS} ms after the new one came"
nt_check "traffic continues after the move (answers after the change)" test "$FROM_ADD_MS" -gt 0
nt_check "most pings answered ($RECV of $SENT, generous bound: >= 50)" test "${RECV:-0}" -ge 50
nt_check "ping through the tunnel after the move" nt_exec "$C" ping -c 2 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1

echo "-- the same IKE_SA, no new one"
AFTER=$(spis)
nt_check "client: the same IKE_SA (SPIs $AFTER)" test "$AFTER" = "$BEFORE"
nt_check "client: one IKE_SA_INIT/establishment only" test "$(nt_log_count c 'IKE_SA rw\[[0-9]+\] established')" = 1
nt_check "gateway: one establishment only" test "$(nt_log_count g 'IKE_SA rw\[[0-9]+\] established')" = 1
nt_check "no CHILD_SA rekeyed or re-established" test "$(nt_log_count g 'CHILD_SA rw\{[0-9]+\} (established|rekeyed)')" = 1
nt_check "both daemons alive" eval 'nt_alive c && nt_alive g'
nt_finish
