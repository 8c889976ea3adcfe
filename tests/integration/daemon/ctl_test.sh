#!/bin/bash
# ikevpnctl against a real ikevpnd pair in two namespaces, on a private
# system-type D-Bus that uses the shipped bus policy (net.ikevpn.Daemon1.conf
# from the build tree, the file "cmake --install" installs): list, status,
# up --wait, down, sas (counters move with traffic), up without --wait,
# reload, monitor (the events of up and down), --json checked with
# "python3 -m json.tool" and jq, exit codes 0/3/4; user nobody is denied
# control and reads (exit 4, a message naming the policy and what to do).
#
# usage: ctl_test.sh IKEVPND IKEVPNCTL POLICY
set -u
IKEVPND=$1 IKEVPNCTL=$2 POLICY=$3
. "$(dirname "$0")/../lib/netns.sh"
NT_TIMEOUT=70 nt_init ctl dbus-daemon jq setpriv

A=$(nt_ns a) B=$(nt_ns b)
nt_veth "$A" vA 192.0.2.1/24 "$B" vB 192.0.2.2/24

nt_psk_conf 192.0.2.1 192.0.2.2 a b 10.1.0.0/24 10.2.0.0/24 10.1.0.1/24 | nt_conf "$NT_DIR/a.conf"
nt_psk_conf 192.0.2.2 192.0.2.1 b a 10.2.0.0/24 10.1.0.0/24 10.2.0.1/24 | nt_conf "$NT_DIR/b.conf"

nt_policy_bus "$POLICY" || exit 1
nt_check "daemon b starts" nt_daemon b "$B" "$NT_DIR/b.conf" --bus none
nt_check "daemon a starts on the policy bus (root may own the name)" \
  nt_daemon a "$A" "$NT_DIR/a.conf" --bus "$NT_BUS"
nt_alive a && nt_alive b || nt_finish

ctl() { "$IKEVPNCTL" --bus "$NT_BUS" "$@"; }
# jqt JSON FILTER: the jq filter is true for the JSON text.
jqt() { jq -e "$2" <<<"$1" >/dev/null; }
valid_json() { /usr/bin/python3 -m json.tool <<<"$1" >/dev/null; }
rc_of() { "$@" >/dev/null 2>&1; echo $?; }

echo "-- list and status while down"
OUT=$(ctl --json list)
nt_check "list --json is valid JSON (json.tool)" valid_json "$OUT"
nt_check "list --json: tun, down, ipsec0" jqt "$OUT" \
  '.connections | length == 1 and .[0].name == "tun" and .[0].state == "down" and .[0].interface == "ipsec0"'
nt_check "list (table) names tun" grep -q '^tun ' <<<"$(ctl list)"
nt_check "status of an unknown connection: exit 3" test "$(rc_of ctl status nosuch)" = 3
nt_check "up of an unknown connection: exit 3" test "$(rc_of ctl up nosuch --wait)" = 3

echo "-- monitor, up --wait"
nt_bg "$A" "$NT_DIR/monitor.json" "$IKEVPNCTL" --bus "$NT_BUS" --json monitor
MON_PID=$NT_LAST_PID
nt_bg "$A" "$NT_DIR/monitor.txt" "$IKEVPNCTL" --bus "$NT_BUS" monitor
# Both monitors subscribed ("monitoring ..." on their stderr).
nt_wait 10 "monitors are listening" eval 'grep -q monitoring "$NT_DIR/monitor.json" && grep -q monitoring "$NT_DIR/monitor.txt"'
OUT=$(ctl --timeout 20 up tun --wait 2>&1)
RC=$?
nt_check "up tun --wait: exit 0 (rc $RC)" test "$RC" = 0
nt_check "up tun --wait says up" grep -q '^tun: up$' <<<"$OUT"
nt_check "ipsec0 is up on a right after up --wait" nt_link_up "$A" ipsec0
nt_check "ping through the tunnel" nt_exec "$A" ping -c 3 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1

echo "-- status and sas"
OUT=$(ctl --json status tun)
nt_check "status --json is valid JSON" valid_json "$OUT"
nt_check "status --json: up, one ESTABLISHED IKE_SA, one INSTALLED CHILD_SA" jqt "$OUT" \
  '.connection.state == "up" and (.ike_sas | length) == 1 and .ike_sas[0].state == "ESTABLISHED"
   and (.child_sas | length) == 1 and .child_sas[0].state == "INSTALLED"'
nt_check "status --json: IKE_SA algorithms, peer, times" jqt "$OUT" \
  '.ike_sas[0].algorithms != "" and (.ike_sas[0].remote_address | startswith("192.0.2.2"))
   and .ike_sas[0].established > 0 and .ike_sas[0].rekey_time > 0'
nt_check "status --json: CHILD_SA selectors, if_id, interface" jqt "$OUT" \
  '.child_sas[0].local_ts == ["10.1.0.0/24"] and .child_sas[0].remote_ts == ["10.2.0.0/24"]
   and .child_sas[0].if_id == 65536 and .child_sas[0].interface == "ipsec0"'
nt_check "status (table) says up" grep -q '^tun: up' <<<"$(ctl status tun)"
OUT=$(ctl --json sas)
nt_check "sas --json is valid JSON" valid_json "$OUT"
nt_check "sas --json: counters show the pings (>= 3 packets each way)" jqt "$OUT" \
  '.child_sas[0].packets_out >= 3 and .child_sas[0].packets_in >= 3 and .child_sas[0].bytes_out > 0'
nt_check "sas (table) lists the CHILD_SA" grep -q 'INSTALLED' <<<"$(ctl sas)"

echo "-- access control (the shipped policy)"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
ERR=$(as_nobody "$IKEVPNCTL" --bus "$NT_BUS" down tun 2>&1 >/dev/null)
RC=$?
nt_check "nobody: down tun is denied with exit 4 (rc $RC)" test "$RC" = 4
nt_check "nobody: the message says access denied" grep -q 'access denied' <<<"$ERR"
nt_check "nobody: the hint says what to do (root or group)" grep -q "run as root or as a member of group" <<<"$ERR"
nt_check "nobody: list (a read) is denied too, exit 4" test "$(rc_of as_nobody "$IKEVPNCTL" --bus "$NT_BUS" list)" = 4
OUT=$(as_nobody "$IKEVPNCTL" --bus "$NT_BUS" --json up tun 2>/dev/null)
nt_check "nobody: --json error object with exit_code 4" jqt "$OUT" '.error.exit_code == 4'
nt_check "the denied down changed nothing" jqt "$(ctl --json list)" '.connections[0].state == "up"'

echo "-- down"
OUT=$(ctl down tun 2>&1)
RC=$?
nt_check "down tun: exit 0 (rc $RC)" test "$RC" = 0
nt_wait 10 "list --json shows tun down" jqt "$(ctl --json list)" '.connections[0].state == "down"'
nt_wait 10 "sas --json is empty" eval 'jqt "$(ctl --json sas)" "(.ike_sas | length) == 0 and (.child_sas | length) == 0"'
nt_wait 5 "ipsec0 on a is down" eval '! nt_link_up "$A" ipsec0'

echo "-- monitor saw the events"
nt_wait 5 "monitor: connection_state down" grep -q '"state":"down"' "$NT_DIR/monitor.json"
EV=$(grep '^{' "$NT_DIR/monitor.json")
nt_check "monitor --json: every line is valid JSON" eval 'while read -r l; do valid_json "$l" || exit 1; done <<<"$EV"'
kinds=$(jq -r '.kind + ":" + (.state // "")' <<<"$EV" | tr '\n' ' ')
echo "     events: $kinds"
for k in connection_state:connecting ike_sa_up: child_sa_up: connection_state:up child_sa_down: ike_sa_down: connection_state:down; do
  nt_check "monitor: $k" grep -q "$k" <<<"$kinds"
done
nt_check "monitor: connecting before up before down" eval \
  'grep -q "connection_state:connecting .*connection_state:up .*connection_state:down" <<<"$kinds"'
nt_check "monitor --json: events name the connection" jqt "$(head -n1 <<<"$EV")" '.connection == "tun" and .time > 0'
nt_check "monitor (text) printed the events too" grep -q 'child_sa_up\|CHILD_SA.*up' "$NT_DIR/monitor.txt"
kill "$MON_PID" 2>/dev/null

echo "-- up without --wait, reload"
OUT=$(ctl --json up tun)
nt_check "up --json (no wait): result starting" jqt "$OUT" '.connection == "tun" and .result == "starting"'
nt_wait 15 "the tunnel comes up after up without --wait" jqt "$(ctl --json list)" '.connections[0].state == "up"'
OUT=$(ctl --json reload)
nt_check "reload --json: reloaded" jqt "$OUT" '.result == "reloaded"'
nt_check "reload keeps the tunnel" jqt "$(ctl --json list)" '.connections[0].state == "up"'

nt_stop a TERM 10
RC=$?
nt_check "a exits with 0 after SIGTERM (rc $RC)" test "$RC" = 0
nt_check "after a stopped: exit 4 (not running)" test "$(rc_of ctl list)" = 4
nt_finish
