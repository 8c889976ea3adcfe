#!/bin/bash
# A real NetworkManager 1.42 drives ikevpnd through nm-ikevpn-service.
#
#   namespace c: private system bus (dbus-daemon), NetworkManager, the
#                plugin (started by NetworkManager), an ikevpnd client;
#                its own mount namespace (tmpfs /run, read-only /sys: NM then
#                manages devices without udev; see docs/networkmanager.md)
#   namespace g: an ikevpnd responder (PSK) protecting 10.2.0.0/24
#
# nmcli adds an ethernet connection (the primary) and a vpn-type ikevpn
# connection; `nmcli connection up` must reach "activated", ipsecN must carry
# the address and routes NetworkManager was given, a ping must pass through
# it, `nmcli connection down` must delete the SAs on both ends. Then a
# connection with a wrong PSK must fail with LOGIN_FAILED, and a tunnel the
# responder deletes after activation must deactivate the connection.
# Then the client's ikevpnd is SIGKILLed while the VPN is up: NetworkManager
# must deactivate it (the plugin saw ikevpnd leave the bus), and after
# ikevpnd is started again the VPN must come up and carry traffic; the same
# with an ikevpnd that is started again at once (its name gets a new owner).
#
# usage: nm_plugin_test.sh IKEVPND IKEVPNCTL NM_IKEVPN_SERVICE NAME_FILE POLICY_FILE...
set -u
# Absolute: commands run through nsenter start in /.
IKEVPND=$(realpath "$1") IKEVPNCTL=$(realpath "$2") PLUGIN=$(realpath "$3") NAME_FILE=$(realpath "$4")
shift 4
POLICIES=("$@")
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/busconf.sh"

if ! command -v NetworkManager >/dev/null || ! command -v nmcli >/dev/null; then
  echo "SKIP: NetworkManager is not installed (IKEVPN_DEPS=nm scripts/install-deps.sh installs it)"
  exit 77
fi
NT_TIMEOUT=200 nt_init nm dbus-daemon unshare nsenter

C=$(nt_ns c) G=$(nt_ns g)
nt_veth "$C" vC - "$G" vG 192.0.2.2/24

PSK='"nm-test-psk-0123456789"'
{ nt_global
  nt_psk_section rw 192.0.2.2 %any gw.test client.test 10.2.0.0/24 10.9.0.0/24 10.2.0.1/24 psk="$PSK"
} | nt_conf "$NT_DIR/g.conf"
nt_global log-level=info,ctl=debug | nt_conf "$NT_DIR/c.conf"
nt_check "responder starts" nt_daemon g "$G" "$NT_DIR/g.conf" --bus none || nt_finish

# --- the NetworkManager namespace: mounts held by a sleeping process --------
mkdir -p "$NT_DIR"/{nm-lib,nm-conns,nm-conf.d,vpn,policy}
chmod 700 "$NT_DIR/nm-conns"
# The build tree's .name file, with program= pointing at a wrapper that
# keeps the plugin's log on stderr (NetworkManager asks for syslog, which
# this machine lacks).
printf '#!/bin/sh\nNM_VPN_LOG_SYSLOG=0 exec "%s" "$@" 2>>"%s"\n' "$PLUGIN" "$NT_DIR/plugin.log" >"$NT_DIR/plugin-wrapper.sh"
chmod 755 "$NT_DIR/plugin-wrapper.sh"
sed "s|^program=.*|program=$NT_DIR/plugin-wrapper.sh|" "$NAME_FILE" >"$NT_DIR/vpn/nm-ikevpn-service.name"
chmod 644 "$NT_DIR/vpn/nm-ikevpn-service.name"
nt_check "the .name file names the service and the built plugin" sh -c \
  "grep -qx 'service=org.freedesktop.NetworkManager.ikevpn' '$NAME_FILE' && grep -qx 'program=$PLUGIN' '$NAME_FILE'"
for p in "${POLICIES[@]}"; do install -m 644 "$p" "$NT_DIR/policy/"; done
# Debian's system bus policy (lib/busconf.sh) with NetworkManager's, ikevpnd's
# and the plugin's policy files.
system_bus_conf /run/dbus/system_bus_socket /usr/share/dbus-1/system.d/org.freedesktop.NetworkManager.conf \
  "$NT_DIR"/policy/*.conf >"$NT_DIR/system-bus.conf"
cat >"$NT_DIR/NetworkManager.conf" <<EOF
[main]
plugins=keyfile
no-auto-default=*
dns=none
rc-manager=unmanaged
auth-polkit=false
hostname-mode=none

[keyfile]
path=$NT_DIR/nm-conns

[connectivity]
enabled=false

[logging]
level=INFO
domains=VPN:DEBUG,VPN_PLUGIN:DEBUG
EOF

ip netns exec "$C" unshare --mount --propagation private -- bash -c '
  set -e
  mount -t tmpfs tmpfs /run
  mkdir -p /run/dbus /run/NetworkManager
  mount --bind "$1/nm-lib" /var/lib/NetworkManager
  mkdir -p /usr/lib/NetworkManager/VPN 2>/dev/null || true
  mount --bind "$1/vpn" /usr/lib/NetworkManager/VPN
  mount -o remount,bind,ro /sys
  touch "$1/mounts-ready"
  exec sleep 100000' holder "$NT_DIR" >"$NT_DIR/holder.log" 2>&1 &
HOLDER=$!
NT_BG_PIDS+=("$HOLDER")
nt_until 5 test -e "$NT_DIR/mounts-ready" || { nt_fail "mount namespace set up"; cat "$NT_DIR/holder.log"; nt_finish; }
# in_c CMD...: runs CMD in c's network and mount namespaces.
in_c() { nsenter --target "$HOLDER" --mount --net -- "$@"; }
in_c_bg() {  # LABEL CMD...: background, log in $NT_DIR/LABEL.log
  local label=$1
  shift
  # nsenter itself (not the function in a subshell), so that $! is the
  # process that becomes CMD and the cleanup's signals reach it.
  nsenter --target "$HOLDER" --mount --net -- "$@" >"$NT_DIR/$label.log" 2>&1 &
  NT_BG_PIDS+=("$!")
  NT_LAST_PID=$!
}

in_c_bg bus dbus-daemon --config-file="$NT_DIR/system-bus.conf" --nofork
nt_until 5 in_c test -S /run/dbus/system_bus_socket || { nt_fail "system bus starts"; nt_finish; }
nt_pass "private system bus in c"

mkdir -p "$NT_DIR/state-c"
in_c_bg c "$IKEVPND" -f -c "$NT_DIR/c.conf" --state-dir "$NT_DIR/state-c" --bus system
NT_PID[c]=$NT_LAST_PID
nt_wait 10 "ikevpnd client in c owns net.ikevpn.Daemon1" nt_log_has c "ready:" || nt_finish

in_c_bg nm NetworkManager --debug --config="$NT_DIR/NetworkManager.conf" \
  --config-dir="$NT_DIR/nm-conf.d" --state-file="$NT_DIR/nm-lib/NetworkManager.state"
NM_PID=$NT_LAST_PID
nm() { in_c nmcli "$@"; }
if ! nt_wait 20 "NetworkManager runs" nm -t -f RUNNING general; then
  nt_finish
fi
echo "   $(NetworkManager --version), $(nm -t -f RUNNING,STATE general)"

echo "-- primary connection"
nm connection add type ethernet ifname vC con-name lan autoconnect no ipv4.method manual \
  ipv4.addresses 192.0.2.1/24 ipv4.gateway 192.0.2.2 ipv6.method disabled >/dev/null
nt_check "nmcli up lan (ethernet on vC)" nm --wait 20 connection up lan
nt_check "vC has 192.0.2.1" sh -c "ip -n $C -4 addr show dev vC | grep -q 192.0.2.1/24"

echo "-- VPN connection"
DATA="gateway=192.0.2.2, method=psk, local-id=@client.test, remote-id=@gw.test, inner-address=10.9.0.2/32, remote-ts=10.2.0.0/24, mtu=1360"
nt_check "nmcli connection add type vpn vpn-type ikevpn" \
  nm connection add type vpn vpn-type ikevpn con-name ike autoconnect no \
    vpn.data "$DATA" vpn.secrets "psk=${PSK//\"/}"
T0=$(nt_now_ms)
nt_check "nmcli connection up ike" nm --wait 60 connection up ike || nt_finish
echo "   activation took $(( $(nt_now_ms) - T0 )) ms"
nt_check "NetworkManager: ike is activated" sh -c "nsenter --target $HOLDER --mount --net -- nmcli -g GENERAL.STATE connection show ike | grep -qx activated"
nt_check "plugin: Config + Ip4Config sent" grep -q "established: ipsec[0-9]*, gateway 192.0.2.2, address 10.9.0.2/32 (configured)" "$NT_DIR/plugin.log"
nt_check "NetworkManager: plugin state started" grep -q "dbus: state changed: started" "$NT_DIR/nm.log"
nt_wait 5 "client: CHILD_SA established" nt_log_has c 'CHILD_SA .* established'
nt_wait 5 "responder: CHILD_SA established" nt_log_has g 'CHILD_SA .* established'
ctl_json() { in_c "$IKEVPNCTL" --bus system --json "$@" 2>&1 | tee "$NT_DIR/ctl.out"; }
OUT=$(ctl_json list)
nt_check "ikevpnctl list: the plugin's runtime connection nm-<uuid> is up" "$NT_PY" -c '
import json,sys; d=json.loads(sys.argv[1]); c=[x for x in d["connections"] if x["name"].startswith("nm-")]
assert len(c)==1 and c[0]["state"]=="up", d' "$OUT"
IFACE=$("$NT_PY" -c '
import json,sys; d=json.loads(sys.argv[1]); print([x for x in d["connections"] if x["name"].startswith("nm-")][0]["interface"])' "$OUT" 2>/dev/null)
echo "   the tunnel interface: '$IFACE'"
nt_check "the tunnel interface is an ipsecN" sh -c "echo '$IFACE' | grep -qE '^ipsec[0-9]+$'"
nt_check "NetworkManager uses it for the VPN" grep -qE "\"ike\",if:[0-9]+:\\($IFACE\\)" "$NT_DIR/nm.log"
nt_check "NetworkManager's IP4.ADDRESS is 10.9.0.2/32" sh -c \
  "nsenter --target $HOLDER --mount --net -- nmcli -g IP4.ADDRESS connection show ike | grep -q '10.9.0.2/32'"
nt_check "NetworkManager's IP4.ROUTE has 10.2.0.0/24" sh -c \
  "nsenter --target $HOLDER --mount --net -- nmcli -g IP4.ROUTE connection show ike | grep -q 'dst = 10.2.0.0/24'"
nt_check "$IFACE carries 10.9.0.2/32" sh -c "ip -n $C -4 addr show dev $IFACE | grep -q 'inet 10.9.0.2/32'"
nt_check "$IFACE has NetworkManager's route to 10.2.0.0/24 (proto static)" sh -c \
  "ip -n $C -4 route show 10.2.0.0/24 dev $IFACE proto static | grep -q 10.2.0.0/24"
nt_check "$IFACE has MTU 1360 (Config mtu)" sh -c "ip -n $C link show dev $IFACE | grep -q 'mtu 1360'"
nt_check "ping 10.2.0.1 through $IFACE" nt_exec "$C" ping -c 3 -i 0.2 -W 2 10.2.0.1
rx_packets() { ip -n "$1" -s -j link show dev "$2" | "$NT_PY" -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'; }
nt_check "the replies came in on $IFACE ($(rx_packets "$C" "$IFACE") packets)" test "$(rx_packets "$C" "$IFACE")" -ge 3

echo "-- nmcli connection down"
MARK_G=$(nt_log_mark g)
nt_check "nmcli connection down ike" nm --wait 20 connection down ike
nt_wait 10 "responder: IKE_SA deleted by the client" nt_log_since g "$MARK_G" "IKE_SA .*(deleted|down|closed)"
nt_wait 10 "client: runtime connection removed" nt_log_has c "connection 'nm-[^']*' removed"
OUT=$(ctl_json sas)
nt_check "client: no SAs left" "$NT_PY" -c 'import json,sys; d=json.loads(sys.argv[1]); assert not d["ike_sas"] and not d["child_sas"], d' "$OUT"
nt_wait 10 "client: $IFACE is gone" sh -c "! ip -n $C link show dev $IFACE >/dev/null 2>&1"
nt_check "NetworkManager: ike is not active" sh -c "! nsenter --target $HOLDER --mount --net -- nmcli -g NAME connection show --active | grep -qx ike"
nt_check "responder: no CHILD_SA route to 10.9.0.0/24 left up" sh -c "! ip -n $G -o link show dev ipsec0 | grep -q '[<,]UP[,>]'"

echo "-- wrong PSK"
nm connection add type vpn vpn-type ikevpn con-name ike-bad autoconnect no \
  vpn.data "$DATA" vpn.secrets "psk=not-the-right-psk-0123" >/dev/null
MARK_NM=$(wc -l <"$NT_DIR/nm.log")
nt_check_not "nmcli connection up ike-bad fails" nm --wait 60 connection up ike-bad
nt_wait 10 "NetworkManager logs the plugin failure login-failed" sh -c \
  "tail -n +$((MARK_NM + 1)) '$NT_DIR/nm.log' | grep -qiE 'login.failed'"
nt_check "plugin: failed (LOGIN_FAILED)" grep -q "failed (LOGIN_FAILED)" "$NT_DIR/plugin.log"
nt_check "NetworkManager: ike-bad is not activated" sh -c "! nsenter --target $HOLDER --mount --net -- nmcli -g NAME connection show --active | grep -qx ike-bad"
OUT=$(ctl_json list)
nt_check "client: the failed runtime connection was removed" "$NT_PY" -c '
import json,sys; d=json.loads(sys.argv[1]); assert not [x for x in d["connections"] if x["name"].startswith("nm-")], d' "$OUT"

nt_check "ikevpnd client still running" nt_alive c
nt_check "responder still running" nt_alive g

echo "-- the tunnel dies after activation"
nt_check "nmcli connection up ike (again)" nm --wait 60 connection up ike
MARK_P=$(wc -l <"$NT_DIR/plugin.log")
nt_stop g  # SIGTERM: the responder deletes its SAs (INFORMATIONAL Delete)
nt_wait 15 "plugin: the tunnel went down -> CONNECT_FAILED" sh -c \
  "tail -n +$((MARK_P + 1)) '$NT_DIR/plugin.log' | grep -q 'failed (CONNECT_FAILED): the tunnel went down'"
nt_wait 15 "NetworkManager deactivated ike" sh -c \
  "! nsenter --target $HOLDER --mount --net -- nmcli -g NAME connection show --active | grep -qx ike"
OUT=$(ctl_json list)
nt_check "client: the runtime connection was removed" "$NT_PY" -c '
import json,sys; d=json.loads(sys.argv[1]); assert not [x for x in d["connections"] if x["name"].startswith("nm-")], d' "$OUT"

# start_c LABEL: (re)starts the client's ikevpnd in c, log LABEL.log.
start_c() {
  in_c_bg "$1" "$IKEVPND" -f -c "$NT_DIR/c.conf" --state-dir "$NT_DIR/state-c" --bus system
  NT_PID[c]=$NT_LAST_PID
}
# up_and_ping WHAT: nmcli up ike, then a ping through the interface ikevpnd reports.
up_and_ping() {
  nt_check "nmcli connection up ike ($1)" nm --wait 60 connection up ike || return 1
  local out iface
  out=$(ctl_json list)
  iface=$("$NT_PY" -c '
import json,sys; d=json.loads(sys.argv[1]); print([x for x in d["connections"] if x["name"].startswith("nm-") and x["state"]=="up"][0]["interface"])' "$out" 2>/dev/null)
  nt_check "ikevpnd ($1) reports the runtime connection up on an ipsecN ('$iface')" sh -c "echo '$iface' | grep -qE '^ipsec[0-9]+$'"
  nt_check "ping 10.2.0.1 through $iface ($1)" nt_exec "$C" ping -c 3 -i 0.2 -W 2 10.2.0.1
}
not_active() { ! in_c nmcli -g NAME connection show --active | grep -qx ike; }
# The plugin's "failed (CONNECT_FAILED): ikevpnd ... " line after plugin.log line $1.
plugin_saw_ikevpnd_go() {
  tail -n +$(($1 + 1)) "$NT_DIR/plugin.log" | grep -qE "failed \(CONNECT_FAILED\): ikevpnd (\(:[0-9.]+\) left the bus|was replaced)"
}

echo "-- ikevpnd is SIGKILLed while the VPN is up"
nt_check "responder starts again" nt_daemon g "$G" "$NT_DIR/g.conf" --bus none
up_and_ping "before the kill"
nt_check "NT_PID[c] is the ikevpnd process itself" sh -c "[ \"\$(readlink /proc/${NT_PID[c]}/exe)\" = '$IKEVPND' ]"
MARK_P=$(wc -l <"$NT_DIR/plugin.log")
MARK_NM=$(wc -l <"$NT_DIR/nm.log")
T0=$(nt_now_ms)
kill -KILL "${NT_PID[c]}"
nt_wait 30 "plugin: ikevpnd left the bus -> CONNECT_FAILED" plugin_saw_ikevpnd_go "$MARK_P"
nt_wait 30 "NetworkManager deactivated ike" not_active
echo "   NetworkManager deactivated ike $(( $(nt_now_ms) - T0 )) ms after the SIGKILL"
nt_check "NetworkManager got the plugin's failure connect-failed" sh -c \
  "tail -n +$((MARK_NM + 1)) '$NT_DIR/nm.log' | grep -qiE 'connect.failed'"
nt_check "NetworkManager got the plugin's state stopped" sh -c \
  "tail -n +$((MARK_NM + 1)) '$NT_DIR/nm.log' | grep -q 'dbus: state changed: stopped'"
nt_check "plugin: no Down/RemoveConnection sent to a vanished ikevpnd" sh -c \
  "tail -n +$((MARK_P + 1)) '$NT_DIR/plugin.log' | grep -q 'was lost with its ikevpnd' &&
   ! tail -n +$((MARK_P + 1)) '$NT_DIR/plugin.log' | grep -q 'ikevpnd Down\|ikevpnd RemoveConnection'"
nt_check_not "nmcli connection up ike fails while ikevpnd is down" nm --wait 20 connection up ike
start_c c2
nt_wait 10 "ikevpnd in c started again" nt_log_has c2 "ready:"
up_and_ping "after the restart"

echo "-- ikevpnd is SIGKILLed and started again at once"
MARK_P=$(wc -l <"$NT_DIR/plugin.log")
T0=$(nt_now_ms)
kill -KILL "${NT_PID[c]}"
start_c c3
nt_wait 30 "plugin: the old ikevpnd is gone -> CONNECT_FAILED" plugin_saw_ikevpnd_go "$MARK_P"
nt_wait 30 "NetworkManager deactivated ike although ikevpnd is back" not_active
echo "   NetworkManager deactivated ike $(( $(nt_now_ms) - T0 )) ms after the SIGKILL"
nt_wait 10 "ikevpnd in c runs again" nt_log_has c3 "ready:"
up_and_ping "after the quick restart"
nt_check "nmcli connection down ike" nm --wait 20 connection down ike
kill -TERM "$NM_PID" 2>/dev/null
nt_finish
