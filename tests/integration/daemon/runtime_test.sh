#!/bin/bash
# Runtime connections (D-Bus AddConnection / RemoveConnection) on a real
# ikevpnd: bad settings are refused with the parser's messages and change
# nothing; a good one comes up and carries traffic; it survives SIGHUP (its
# SAs stay); a file that now defines the same name is rejected on reload;
# RemoveConnection deletes its SAs on both ends; file connections cannot be
# removed.
#
# usage: runtime_test.sh IKEVPND IKEVPNCTL
set -u
IKEVPND=$1 IKEVPNCTL=$2
. "$(dirname "$0")/../lib/netns.sh"
NT_TIMEOUT=55 nt_init runtime dbus-daemon gdbus

A=$(nt_ns a) B=$(nt_ns b)
nt_veth "$A" vA 192.0.2.1/24 "$B" vB 192.0.2.2/24

{ nt_section global retransmit-timeout=1s
  nt_psk_section rw 192.0.2.2 "" b a 10.2.0.0/24 10.1.0.0/24 10.2.0.1/24 psk='"runtime-test-psk-0123456789"'
} | nt_conf "$NT_DIR/b.conf"
conf_a() {  # EXTRA_SECTION
  nt_section global retransmit-timeout=1s
  nt_section site remote=192.0.2.9 auth=psk psk='"another-psk-0123456789abc"' interface=ipsec5
  echo "$1"
}
conf_a "" | nt_conf "$NT_DIR/a.conf"

nt_bus || exit 1
nt_check "daemon b starts" nt_daemon b "$B" "$NT_DIR/b.conf" --bus none
nt_check "daemon a starts on a private bus" nt_daemon a "$A" "$NT_DIR/a.conf" --bus "$NT_BUS"
nt_alive a && nt_alive b || nt_finish

call() {  # METHOD ARGS...
  local m=$1
  shift
  gdbus call --address "$NT_BUS" --dest net.ikevpn.Daemon1 --object-path /net/ikevpn/Daemon1 \
    --method "net.ikevpn.Daemon1.$m" "$@" 2>&1
}
ctl() { "$IKEVPNCTL" --bus "$NT_BUS" "$@"; }
has() { grep -qF -- "$2" <<<"$1"; }
GOOD="{'remote': '192.0.2.2', 'local-id': '@a', 'remote-id': '@b', 'auth': 'psk', 'psk': 'runtime-test-psk-0123456789', 'local-ts': '10.1.0.0/24', 'remote-ts': '10.2.0.0/24', 'interface': 'ipsec1', 'interface-address': '10.1.0.1/24', 'dpd-delay': '0'}"

echo "-- bad settings"
OUT=$(call AddConnection rt "{'remote': '192.0.2.2', 'auth': 'psk', 'psk': 'runtime-test-psk-0123456789', 'esp': 'aes128-nosuch', 'remot': 'x'}")
echo "   $OUT" | head -3
nt_check "InvalidConfig" has "$OUT" "net.ikevpn.Error.InvalidConfig"
nt_check "names the bad key's value" has "$OUT" "AddConnection 'rt': esp: "
nt_check "names the unknown key" has "$OUT" "AddConnection 'rt': unknown key 'remot' (did you mean 'remote'?)"
OUT=$(call AddConnection "bad name" "$GOOD")
nt_check "a name that is no section name is InvalidConfig" has "$OUT" "AddConnection 'bad name': connection name 'bad name' may only contain"
OUT=$(call AddConnection site "$GOOD")
nt_check "a file connection's name is Exists" has "$OUT" "net.ikevpn.Error.Exists"
nt_check "nothing was added" sh -c "! '$IKEVPNCTL' --bus '$NT_BUS' list | grep -q '^rt '"

echo "-- add, up, traffic"
nt_check "AddConnection rt" sh -c "gdbus call --address '$NT_BUS' --dest net.ikevpn.Daemon1 --object-path /net/ikevpn/Daemon1 --method net.ikevpn.Daemon1.AddConnection rt \"$GOOD\""
OUT=$(ctl --json status rt 2>&1)
nt_check "ikevpnctl status rt: down, on ipsec1" "$NT_PY" -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["connection"]["state"]=="down" and d["connection"]["interface"]=="ipsec1", d' "$OUT"
OUT=$(call AddConnection rt "$GOOD")
nt_check "AddConnection rt again: Exists" has "$OUT" "net.ikevpn.Error.Exists"
nt_check "ikevpnctl up rt --wait" ctl --timeout 20 up rt --wait
nt_check "ping through ipsec1" nt_exec "$A" ping -c 2 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1

echo "-- SIGHUP keeps it"
MARK=$(nt_log_mark a)
kill -HUP "${NT_PID[a]}"
nt_wait 10 "reload done" nt_log_since a "$MARK" "reload done: 2 connection"
nt_check "its SAs were not touched" sh -c "! tail -n +$((MARK + 1)) '$NT_DIR/a.log' | grep -q 'configuration changed'"
nt_check "still up after the reload" sh -c "'$IKEVPNCTL' --bus '$NT_BUS' --json status rt | grep -q '\"state\": *\"up\"'"
nt_check "ping after the reload" nt_exec "$A" ping -c 2 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1
conf_a "[rt]
remote = 192.0.2.2
auth = psk
psk = \"runtime-test-psk-0123456789\"" | nt_conf "$NT_DIR/a.conf"
OUT=$(ctl reload 2>&1)
nt_check "a file defining rt too is rejected on reload" has "$OUT" "AddConnection 'rt': the configuration file now defines a connection of the same name"
conf_a "" | nt_conf "$NT_DIR/a.conf"

echo "-- remove"
OUT=$(call RemoveConnection site)
nt_check "RemoveConnection of a file connection: InvalidArgument" has "$OUT" "net.ikevpn.Error.InvalidArgument"
MARK_B=$(nt_log_mark b)
nt_check "RemoveConnection rt" sh -c "gdbus call --address '$NT_BUS' --dest net.ikevpn.Daemon1 --object-path /net/ikevpn/Daemon1 --method net.ikevpn.Daemon1.RemoveConnection rt"
nt_wait 10 "b: its IKE_SA deleted by a" nt_log_since b "$MARK_B" "IKE_SA .* down"
nt_check "rt is gone" sh -c "! '$IKEVPNCTL' --bus '$NT_BUS' list | grep -q '^rt '"
nt_wait 5 "ipsec1 is gone" sh -c "! ip -n $A link show dev ipsec1 >/dev/null 2>&1"
OUT=$(call RemoveConnection rt)
nt_check "RemoveConnection rt again: NotFound" has "$OUT" "net.ikevpn.Error.NotFound"
nt_finish
