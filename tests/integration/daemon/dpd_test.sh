#!/bin/bash
# Dead peer detection: two ikevpnd with dpd-delay = 2s and a short
# retransmission schedule (500 ms, base 1.8, 2 tries: given up 3.02 s after
# the first probe). b is killed with SIGKILL (no Delete); a must notice
# within DPD delay + retransmissions (+ NT_SLACK_MS for a loaded machine),
# take ipsec0 down and remove the routes through it, while its leak guard
# (a blackhole route for the remote selectors) stays and keeps the traffic
# from leaving in clear.
# Then with dpd-action = restart: b is killed again, a notices, keeps
# re-initiating with back-off, b is started again, and the tunnel comes
# back by itself (ping passes again).
#
# usage: dpd_test.sh IKEVPND IKEVPNCTL
set -u
IKEVPND=$1 IKEVPNCTL=$2
. "$(dirname "$0")/../lib/netns.sh"
NT_TIMEOUT=85 nt_init dpd

DPD_MS=2000
RETRANSMIT_MS=3020   # 500 + 900 + 1620
LIMIT_MS=$((DPD_MS + RETRANSMIT_MS + NT_SLACK_MS))

A=$(nt_ns a) B=$(nt_ns b)
nt_veth "$A" vA 192.0.2.1/24 "$B" vB 192.0.2.2/24
# A default route out of the veth: without the leak guard, traffic for the
# remote selectors would leave there in clear while the tunnel is down.
ip -n "$A" route add default via 192.0.2.2
ip -n "$A" -6 addr add fd00:ffff::1/64 dev vA nodad
ip -n "$A" -6 route add default via fd00:ffff::2 dev vA

conf() {  # LOCAL REMOTE LID RID LNET RNET START [DPD_ACTION]
  nt_psk_conf "$1" "$2" "$3" "$4" "10.$5.0.0/24, fd00:$5::/64" "10.$6.0.0/24, fd00:$6::/64" \
    "10.$5.0.1/24, fd00:$5::1/64" start-action="$7" dpd-delay=2s dpd-action="${8:-clear}" leak-guard=yes \
    global.log-level=info,ike=debug global.retransmit-timeout=500ms global.retransmit-tries=2 \
    global.retransmit-base=1.8
}
conf 192.0.2.1 192.0.2.2 a b 1 2 start | nt_conf "$NT_DIR/a.conf"
conf 192.0.2.2 192.0.2.1 b a 2 1 none | nt_conf "$NT_DIR/b.conf"

nt_check "daemon b starts" nt_daemon b "$B" "$NT_DIR/b.conf" --bus none
nt_check "daemon a starts" nt_daemon a "$A" "$NT_DIR/a.conf" --bus none
nt_alive a && nt_alive b || nt_finish

nt_wait 15 "a: CHILD_SA established" nt_log_has a 'CHILD_SA tun\{[0-9]+\} established'
nt_wait 5 "a: ipsec0 up" nt_link_up "$A" ipsec0
nt_wait 5 "a: route 10.2.0.0/24 dev ipsec0" nt_route_via "$A" 10.2.0.0/24 ipsec0
nt_check "a: leak guard for 10.2.0.0/24 installed" nt_blackhole "$A" 10.2.0.0/24
nt_check "a: leak guard for fd00:2::/64 installed" nt_blackhole "$A" fd00:2::/64
nt_check "ping a->b through the tunnel" nt_exec "$A" ping -c 2 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1

echo "-- both alive: DPD probes are answered, the tunnel stays up"
MARK=$(nt_log_mark a)
nt_wait 8 "a: a liveness check was sent" nt_log_since a "$MARK" 'checking liveness'
sleep 1.5
nt_check "a: tunnel still up after the probes" nt_link_up "$A" ipsec0
nt_check_not "a: no peer declared dead" nt_log_has a 'peer is dead'

echo "-- kill -9 b"
MARK=$(nt_log_mark a)
T_KILL=$(nt_ms_of_day)
nt_stop b KILL 5
nt_wait 12 "a: ipsec0 down" eval '! nt_link_up "$A" ipsec0'
T_DOWN=$(nt_log_ms a 'ipsec0 down' "$MARK")
if [ -n "$T_DOWN" ]; then
  DETECT=$(nt_ms_between "$T_KILL" "$T_DOWN")
  echo "     DPD detection: ipsec0 down ${DETECT} ms after kill -9 (limit ${LIMIT_MS} ms = dpd ${DPD_MS} + retransmits ${RETRANSMIT_MS} + slack ${NT_SLACK_MS})"
  grep -E 'peer is dead|down:' "$NT_DIR/a.log" | tail -n +1 | tail -n 3 | sed 's/^/     | /'
  nt_check "detected within ${LIMIT_MS} ms (${DETECT} ms)" test "$DETECT" -le "$LIMIT_MS"
else
  nt_fail "a: no 'ipsec0 down' in the log"
fi
nt_check "a: log says the peer did not answer the liveness check" \
  nt_log_since a "$MARK" 'no response to liveness check after 2 retransmits'
nt_wait 10 "a: route 10.2.0.0/24 via ipsec0 gone" eval '! nt_route_via "$A" 10.2.0.0/24 ipsec0'
nt_wait 10 "a: route fd00:2::/64 via ipsec0 gone" eval '! nt_route_via "$A" fd00:2::/64 ipsec0'
nt_check "a: leak guard 10.2.0.0/24 remains" nt_blackhole "$A" 10.2.0.0/24
nt_check "a: leak guard fd00:2::/64 remains" nt_blackhole "$A" fd00:2::/64
nt_check "a: 10.2.0.1 resolves to the blackhole, not the default route" \
  eval 'ip -n "$A" route get 10.2.0.1 2>&1 | grep -qvE "via 192.0.2.2"'
nt_check "a: fd00:2::1 does not leave by the default route" \
  eval 'ip -n "$A" -6 route get fd00:2::1 2>&1 | grep -qvE "via fd00:ffff::2"'
nt_check "a: still running" nt_alive a

nt_stop a TERM 10
nt_check "a: leak guard removed at shutdown" eval '! nt_blackhole "$A" 10.2.0.0/24'

echo "-- dpd-action = restart: the tunnel comes back when the peer does"
conf 192.0.2.1 192.0.2.2 a b 1 2 start restart | nt_conf "$NT_DIR/a.conf"
nt_check "daemon b starts" nt_daemon b "$B" "$NT_DIR/b.conf" --bus none
MARK=$(nt_log_mark a)
nt_check "daemon a starts (dpd-action = restart)" nt_daemon a "$A" "$NT_DIR/a.conf" --bus none
nt_wait 15 "a: CHILD_SA established" nt_log_since a "$MARK" 'CHILD_SA tun\{[0-9]+\} established'
nt_wait 5 "a: ipsec0 up" nt_link_up "$A" ipsec0
nt_check "ping a->b through the tunnel" nt_exec "$A" ping -c 2 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1
MARK=$(nt_log_mark a)
nt_stop b KILL 5
nt_wait 12 "a: peer declared dead" nt_log_since a "$MARK" 'no response to liveness check'
nt_wait 10 "a: restarting the connection" nt_log_since a "$MARK" 'connection tun: restarting \(attempt 1\) to 192.0.2.2'
nt_wait 5 "a: ipsec0 down while the peer is away" eval '! nt_link_up "$A" ipsec0'
# b stays away for more than one attempt: a backs off and tries again.
nt_wait 12 "a: a failed attempt is retried after a back-off" \
  nt_log_since a "$MARK" 'restart failed .*next attempt in [0-9]+ ms'
T_BACK=$(nt_ms_of_day)
nt_check "daemon b starts again" nt_daemon b "$B" "$NT_DIR/b.conf" --bus none
nt_wait 20 "a: CHILD_SA established again" nt_log_since a "$MARK" 'CHILD_SA tun\{[0-9]+\} established'
T_UP=$(nt_log_ms a 'CHILD_SA tun\{[0-9]+\} established' "$MARK")
[ -n "$T_UP" ] && echo "     tunnel back $(nt_ms_between "$T_BACK" "$T_UP") ms after b was started again"
nt_wait 5 "a: ipsec0 up again" nt_link_up "$A" ipsec0
nt_wait 5 "a: route 10.2.0.0/24 via ipsec0 again" nt_route_via "$A" 10.2.0.0/24 ipsec0
nt_check "ping a->b passes again" nt_exec "$A" ping -c 3 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1
N1=$(nt_log_count a 'restarting \(attempt')
sleep 3
nt_check "a: no restart attempts once up" test "$(nt_log_count a 'restarting \(attempt')" -eq "$N1"
nt_finish
