#!/bin/bash
# Bad input (issue 3): a responder under an IKE_SA_INIT flood (random SPIs,
# a few thousand per second for 10 s, from another namespace) with low
# half-open-limit/cookie-threshold must answer with COOKIE notifies, keep
# its memory bounded and still let a legitimate peer connect (which has to
# return the COOKIE); afterwards malformed datagrams (truncated, lying
# lengths, random bytes, …) on the IKE and NAT-T ports must not kill it.
#
#   a (192.0.2.1) ---- b (192.0.2.2, 203.0.113.1) ---- f (203.0.113.2, flooder)
#
# usage: flood_test.sh IKEVPND IKEVPNCTL
set -u
IKEVPND=$1 IKEVPNCTL=$2
HERE=$(dirname "$0")
. "$HERE/../lib/netns.sh"
NT_TIMEOUT=75 nt_init flood
FLOOD="$NT_PY $HERE/ike_flood.py"
RATE=3000 SECONDS_=10 MAX_GROWTH_KB=$((30 * 1024))

A=$(nt_ns a) B=$(nt_ns b) F=$(nt_ns f)
nt_veth "$A" vA 192.0.2.1/24 "$B" vB 192.0.2.2/24
nt_veth "$F" vF 203.0.113.2/24 "$B" vF 203.0.113.1/24

nt_psk_conf 192.0.2.1 192.0.2.2 a b 10.1.0.0/24 10.2.0.0/24 10.1.0.1/24 start-action=start \
  global.log-level=info,ike=debug global.retransmit-tries=4 | nt_conf "$NT_DIR/a.conf"
# b also serves road warriors (remote = %any): the flood's requests match a
# connection and create half-open IKE_SAs until the cookie threshold.
{ nt_section global log-level=info half-open-limit=20 cookie-threshold=5
  nt_psk_section tun 192.0.2.2 192.0.2.1 b a 10.2.0.0/24 10.1.0.0/24 10.2.0.1/24 start-action=none
  nt_psk_section rw %any %any b "" 10.2.0.0/24 10.50.0.0/24 "" psk='"another-psk-0123456789"' \
    interface=ipsec5 dpd-delay=
} | nt_conf "$NT_DIR/b.conf"

nt_check "daemon b starts" nt_daemon b "$B" "$NT_DIR/b.conf" --bus none
nt_alive b || nt_finish
BPID=${NT_PID[b]}
sleep 0.5
RSS0=$(nt_rss_kb "$BPID")
LOG0=$(stat -c %s "$NT_DIR/b.log")
echo "     b: VmRSS ${RSS0} kB before the flood"

echo "-- IKE_SA_INIT flood: $RATE/s for ${SECONDS_} s from f, a connects meanwhile"
nt_bg "$F" "$NT_DIR/flood.out" $FLOOD init 203.0.113.1 --rate $RATE --duration $SECONDS_
FLOOD_PID=$NT_LAST_PID
sleep 2
PEAK=$RSS0
nt_check "daemon a starts (during the flood)" nt_daemon a "$A" "$NT_DIR/a.conf" --bus none
nt_wait 15 "a: CHILD_SA established during the flood" nt_log_has a 'CHILD_SA tun\{[0-9]+\} established'
nt_check "a: b demanded a COOKIE and a returned it" nt_log_has a 'responder demands a COOKIE'
nt_check "ping a->b during the flood" nt_exec "$A" ping -c 3 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1
nt_check "ping b->a during the flood" nt_exec "$B" ping -c 3 -i 0.2 -W 2 -I 10.2.0.1 10.1.0.1
nt_check "flood still running at the pings' end" kill -0 "$FLOOD_PID"
while kill -0 "$FLOOD_PID" 2>/dev/null; do
  r=$(nt_rss_kb "$BPID"); [ -n "$r" ] && [ "$r" -gt "$PEAK" ] && PEAK=$r
  sleep 0.2
done
wait "$FLOOD_PID" 2>/dev/null
STATS=$(tail -n1 "$NT_DIR/flood.out")
echo "     flood: $STATS"
fget() { "$NT_PY" -c "import json,sys; print(json.loads(sys.argv[1]).get('$1', 0))" "$STATS" 2>/dev/null || echo 0; }
SENT=$(fget sent) COOKIES=$(fget cookies) SAS=$(fget sa_responses) FRATE=$(fget rate)
nt_check "flood rate at least $((RATE * 2 / 3))/s ($FRATE/s, $SENT requests)" test "${FRATE:-0}" -ge $((RATE * 2 / 3))
nt_check "COOKIE notifies sent ($COOKIES of $SENT requests)" test "${COOKIES:-0}" -ge $((SENT / 2))
nt_check "state created for at most half-open-limit requests ($SAS SA responses)" test "${SAS:-999}" -le 20
nt_check "b survived the flood" nt_alive b
RSS1=$(nt_rss_kb "$BPID")
HWM=$(awk '/^VmHWM:/ {print $2}' "/proc/$BPID/status" 2>/dev/null)
echo "     b: VmRSS ${RSS0} kB before, ${RSS1} kB after, peak sampled ${PEAK} kB, VmHWM ${HWM} kB"
nt_check "b: RSS growth below $((MAX_GROWTH_KB / 1024)) MB ($(( (${RSS1:-0} - RSS0) / 1024 )) MB)" \
  test $(( ${RSS1:-999999999} - RSS0 )) -lt $MAX_GROWTH_KB
nt_check "b: peak RSS growth below $((MAX_GROWTH_KB / 1024)) MB" test $(( ${HWM:-999999999} - RSS0 )) -lt $MAX_GROWTH_KB
LOGGROWTH=$(( $(stat -c %s "$NT_DIR/b.log") - LOG0 ))
echo "     b: log grew by $LOGGROWTH bytes during the flood"
nt_check "b: the flood does not flood the log (< 100 kB at info)" test "$LOGGROWTH" -lt 100000
nt_check "ping a->b after the flood" nt_exec "$A" ping -c 2 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1

echo "-- flood from an address no connection accepts (b -> a, 2 s)"
ip -n "$B" addr add 192.0.2.99/24 dev vB nodad
LOGA=$(stat -c %s "$NT_DIR/a.log")
OUT=$(nt_exec "$B" $FLOOD init 192.0.2.1 --source 192.0.2.99 --rate $RATE --duration 2 2>&1)
echo "     flood: $OUT"
LOGGROWTH=$(( $(stat -c %s "$NT_DIR/a.log") - LOGA ))
echo "     a: log grew by $LOGGROWTH bytes"
nt_check "a: requests without a connection are not answered" grep -q '"replies": 0' <<<"$OUT"
INFO_LINES=$(grep -c '\] info: .*IKE_SA_INIT from 192.0.2.99' "$NT_DIR/a.log")
nt_check "a: and do not flood its log at level info ($INFO_LINES info lines; a logs ike=debug)" test "$INFO_LINES" -lt 20
nt_check "a alive" nt_alive a

echo "-- malformed datagrams (from f, and from a's address that has a connection)"
for src in f:"$F":203.0.113.1 a:"$A":192.0.2.2; do
  IFS=: read -r l ns target <<<"$src"
  OUT=$(nt_exec "$ns" $FLOOD malformed "$target" --count 3 2>&1 || true)
  echo "     from $l: $OUT"
  nt_check "malformed datagrams from $l sent" grep -q '"ike": [1-9]' <<<"$OUT"
  sleep 0.3
  nt_check "b alive after malformed datagrams from $l" nt_alive b
  nt_check "a alive" nt_alive a
done
nt_check "ping a->b still passes" nt_exec "$A" ping -c 2 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1
nt_check "a: still one IKE_SA (no SA torn down by garbage)" eval '[ "$(nt_log_count a "IKE_SA tun\[[0-9]+\] down")" = 0 ]'
RSS2=$(nt_rss_kb "$BPID")
echo "     b: VmRSS ${RSS2} kB at the end"

nt_stop b TERM 10
RC=$?
nt_check "b shuts down cleanly (rc $RC)" test "$RC" = 0
nt_finish
