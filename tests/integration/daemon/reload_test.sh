#!/bin/bash
# Configuration reload on a running tunnel: a configuration with errors
# (SIGHUP or ikevpnctl reload) is rejected with file:line messages and the
# tunnel keeps running; an unchanged configuration leaves the SAs alone; a
# valid changed one is applied (new metric, new connection), and one that
# removes the tunnel's connection deletes its SAs (and raises the log
# level, which the reload applies). A changed or removed
# connection's CHILD_SA is uninstalled before its interface is released or
# recreated. Also ikevpnd --check-config on a bad and on a good file.
#
# usage: reload_test.sh IKEVPND IKEVPNCTL
set -u
IKEVPND=$1 IKEVPNCTL=$2
. "$(dirname "$0")/../lib/netns.sh"
NT_TIMEOUT=55 nt_init reload dbus-daemon

A=$(nt_ns a) B=$(nt_ns b)
nt_veth "$A" vA 192.0.2.1/24 "$B" vB 192.0.2.2/24

conf() {  # LOCAL REMOTE LID RID LNET RNET START METRIC [KEY=VALUE...]
  nt_psk_conf "$1" "$2" "$3" "$4" "10.$5.0.0/24" "10.$6.0.0/24" "10.$5.0.1/24" \
    start-action="$7" metric="$8" "${@:9}"
}
conf 192.0.2.1 192.0.2.2 a b 1 2 start 10 | nt_conf "$NT_DIR/a-good.conf"
conf 192.0.2.2 192.0.2.1 b a 2 1 none 10 | nt_conf "$NT_DIR/b.conf"
# Two errors: an unknown key and a bad value.
conf 192.0.2.1 192.0.2.2 a b 1 2 start 10 frobnicate=yes dpd-delay=soon | nt_conf "$NT_DIR/a-bad.conf"
BAD_LINE1=$(grep -n '^frobnicate' "$NT_DIR/a-bad.conf" | cut -d: -f1)
BAD_LINE2=$(grep -n '^dpd-delay = soon' "$NT_DIR/a-bad.conf" | cut -d: -f1)
# Changed: metric 50 and a new connection on ipsec7.
{ conf 192.0.2.1 192.0.2.2 a b 1 2 start 50
  nt_psk_section spare 192.0.2.1 192.0.2.9 "" "" 10.1.0.0/24 10.7.0.0/24 "" interface=ipsec7 dpd-delay=
} | nt_conf "$NT_DIR/a-changed.conf"
# Removed: only the spare connection is left.
{ nt_section global log-level=info,ike=debug; sed -n '/^\[spare\]/,$p' "$NT_DIR/a-changed.conf"; } |
  nt_conf "$NT_DIR/a-removed.conf"
cp -p "$NT_DIR/a-good.conf" "$NT_DIR/a.conf"
# first_line LABEL MARK REGEX: line number of the first match after MARK (empty: none).
first_line() { tail -n +$(($2 + 1)) "$NT_DIR/$1.log" | grep -nE -m1 -- "$3" | cut -d: -f1; }
# before LABEL MARK RE1 RE2: both match after MARK, RE1 first.
before() {
  local l1 l2
  l1=$(first_line "$1" "$2" "$3") l2=$(first_line "$1" "$2" "$4")
  [ -n "$l1" ] && [ -n "$l2" ] && [ "$l1" -lt "$l2" ]
}

echo "-- ikevpnd --check-config"
OUT=$("$IKEVPND" --check-config -c "$NT_DIR/a-bad.conf" 2>&1); RC=$?
echo "$OUT" | sed 's/^/     | /'
nt_check "bad file: exit status non-zero ($RC)" test "$RC" != 0
nt_check "bad file: reports $(basename "$NT_DIR")/a-bad.conf:$BAD_LINE1 (unknown key)" \
  grep -q "a-bad.conf:$BAD_LINE1: .*frobnicate" <<<"$OUT"
nt_check "bad file: reports a-bad.conf:$BAD_LINE2 (bad duration)" grep -q "a-bad.conf:$BAD_LINE2: " <<<"$OUT"
OUT=$("$IKEVPND" --check-config -c "$NT_DIR/a-good.conf" 2>&1); RC=$?
nt_check "good file: exit status 0 ($RC)" test "$RC" = 0
OUT=$("$IKEVPND" --check-config -c "$NT_DIR/a-changed.conf" 2>&1); RC=$?
nt_check "changed file: exit status 0 ($RC)" test "$RC" = 0

echo "-- tunnel up"
nt_bus || exit 1
ctl() { "$IKEVPNCTL" --bus "$NT_BUS" "$@"; }
nt_check "daemon b starts" nt_daemon b "$B" "$NT_DIR/b.conf" --bus none
nt_check "daemon a starts" nt_daemon a "$A" "$NT_DIR/a.conf" --bus "$NT_BUS"
nt_alive a && nt_alive b || nt_finish
nt_wait 15 "a: CHILD_SA established" nt_log_has a 'CHILD_SA tun\{[0-9]+\} established'
nt_wait 5 "a: route 10.2.0.0/24 dev ipsec0 metric 10" eval 'ip -n "$A" route show 10.2.0.0/24 | grep -q "dev ipsec0.*metric 10 *$"'
nt_check "ping a->b" nt_exec "$A" ping -c 2 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1
established() { nt_log_count a 'CHILD_SA tun\{[0-9]+\} established'; }

echo "-- SIGHUP with errors in the file"
cp -p "$NT_DIR/a-bad.conf" "$NT_DIR/a.conf"
MARK=$(nt_log_mark a)
kill -HUP "${NT_PID[a]}"
nt_wait 5 "a: reload rejected" nt_log_since a "$MARK" 'reload rejected, keeping the running configuration'
nt_check "a: log names a.conf:$BAD_LINE1" nt_log_since a "$MARK" "a.conf:$BAD_LINE1: .*frobnicate"
nt_check "a: log names a.conf:$BAD_LINE2" nt_log_since a "$MARK" "a.conf:$BAD_LINE2: "
nt_check "a: ipsec0 still up" nt_link_up "$A" ipsec0
nt_check "ping a->b still passes" nt_exec "$A" ping -c 2 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1
nt_check "a: no new CHILD_SA, no SA deleted" eval '[ "$(established)" = 1 ] && ! nt_log_since a "$MARK" "down:"'

echo "-- ikevpnctl reload with errors"
OUT=$(ctl reload 2>&1); RC=$?
nt_check "ikevpnctl reload exits 1 ($RC)" test "$RC" = 1
nt_check "ikevpnctl reload names a.conf:$BAD_LINE1" grep -q "a.conf:$BAD_LINE1: " <<<"$OUT"
nt_check "ping a->b still passes" nt_exec "$A" ping -c 2 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1

echo "-- SIGHUP with an unchanged valid file"
cp -p "$NT_DIR/a-good.conf" "$NT_DIR/a.conf"
MARK=$(nt_log_mark a)
kill -HUP "${NT_PID[a]}"
nt_wait 5 "a: reload done" nt_log_since a "$MARK" 'reload done: 1 connection'
nt_check "a: tunnel untouched" eval '[ "$(established)" = 1 ] && ! nt_log_since a "$MARK" "down:" && nt_link_up "$A" ipsec0'

echo "-- ikevpnctl reload with a changed file (metric 50, new connection)"
cp -p "$NT_DIR/a-changed.conf" "$NT_DIR/a.conf"
MARK=$(nt_log_mark a)
OUT=$(ctl reload 2>&1); RC=$?
nt_check "ikevpnctl reload exits 0 ($RC)" test "$RC" = 0
nt_check "ikevpnctl reload says so" grep -q "configuration reloaded" <<<"$OUT"
nt_wait 5 "a: reload done, 2 connections" nt_log_since a "$MARK" 'reload done: 2 connection'
nt_wait 15 "a: tun re-established" eval '[ "$(established)" -ge 2 ]'
nt_wait 5 "a: route 10.2.0.0/24 dev ipsec0 metric 50" eval 'ip -n "$A" route show 10.2.0.0/24 | grep -q "dev ipsec0.*metric 50 *$"'
nt_check "a: no route with the old metric" eval '! ip -n "$A" route show 10.2.0.0/24 | grep -q "metric 10 *$"'
nt_check "a: ipsec7 created for the new connection" nt_link_exists "$A" ipsec7
nt_check "ikevpnctl list shows the new connection" eval 'ctl list | grep -qE "^spare +down +ipsec7"'
nt_check "ping a->b passes" nt_exec "$A" ping -c 2 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1
nt_check "a: one IKE_SA, one CHILD_SA" eval 'ctl --json sas | "$NT_PY" -c "import json,sys; d=json.load(sys.stdin); assert len(d[\"ike_sas\"]) == 1 and len(d[\"child_sas\"]) == 1, d"'
nt_check "b: one IKE_SA left (old one deleted)" eval '[ "$(nt_log_count b "IKE_SA tun\[[0-9]+\] down")" -ge 1 ]'
nt_check "a: old CHILD_SA uninstalled before ipsec0 was recreated" \
  before a "$MARK" 'CHILD_SA tun\{[0-9]+\} down: configuration changed' 'ipsec0 (deleted|created)'
nt_check "a: ipsec0 up after the change" nt_link_up "$A" ipsec0

echo "-- SIGHUP with the tunnel's connection removed"
cp -p "$NT_DIR/a-removed.conf" "$NT_DIR/a.conf"
MARK=$(nt_log_mark a)
B_DOWN=$(nt_log_count b 'IKE_SA tun\[[0-9]+\] down')
kill -HUP "${NT_PID[a]}"
nt_wait 5 "a: reload done, 1 connection" nt_log_since a "$MARK" 'reload done: 1 connection'
nt_check "a: log level follows the file" nt_log_since a "$MARK" 'log level now info,ike=debug'
nt_wait 5 "a: CHILD_SA down" nt_log_since a "$MARK" 'CHILD_SA tun\{[0-9]+\} down: configuration changed'
nt_check "a: ike debug lines logged after the reload" nt_log_since a "$MARK" '\[ike\] debug: '
nt_wait 5 "a: ipsec0 deleted" nt_log_since a "$MARK" 'ipsec0 deleted'
nt_check "a: CHILD_SA uninstalled before ipsec0 was deleted" \
  before a "$MARK" 'CHILD_SA tun\{[0-9]+\} down' 'ipsec0 deleted'
nt_check "a: ipsec0 gone" eval '! nt_link_exists "$A" ipsec0'
nt_check "a: no route through ipsec0 left" eval '! ip -n "$A" route show 10.2.0.0/24 | grep -q ipsec0'
nt_wait 5 "b: the IKE_SA was deleted by a" eval '[ "$(nt_log_count b "IKE_SA tun\[[0-9]+\] down: deleted by the peer")" -gt 0 ] && [ "$(nt_log_count b "IKE_SA tun\[[0-9]+\] down")" -gt "$B_DOWN" ]'
nt_wait 5 "b: ipsec0 down" eval '! nt_link_up "$B" ipsec0'
nt_check "a: ipsec7 of the remaining connection kept" nt_link_exists "$A" ipsec7
nt_check "a: no interface or kernel error logged" eval '! nt_log_since a "$MARK" "\[(if|knl)\] (error|warn):"'
nt_check "both daemons alive" eval 'nt_alive a && nt_alive b'
nt_finish
