#!/bin/bash
# A road-warrior gateway (remote = %any, pool 10.10.0.0/24, protected
# subnet 10.1.0.0/24) and three clients on one LAN, the third behind an
# nftables masquerading NAT. Each client asks for a virtual IP (CP, RFC 7296
# §3.15), gets a distinct one on its ipsec0, pings the protected subnet and
# the other clients through the gateway (all clients share the gateway's
# ipsec0, one host route each). A client that reconnects gets its address
# back; the leases are in the gateway's state dir and survive its restart.
#
#   net: bridge namespace; G 192.0.2.1, C1 .11, C2 .12, NAT .13
#   C3 172.16.0.2 -- NAT 172.16.0.1 (masquerade to 192.0.2.13)
#
# usage: roadwarrior_test.sh IKEVPND IKEVPNCTL
set -u
IKEVPND=$1 IKEVPNCTL=$2
. "$(dirname "$0")/../lib/netns.sh"
NT_TIMEOUT=85 nt_init roadwarrior dbus-daemon nft

NET=$(nt_ns net) G=$(nt_ns g) C1=$(nt_ns c1) C2=$(nt_ns c2) C3=$(nt_ns c3) N=$(nt_ns nat)
ip -n "$NET" link add br0 type bridge && ip -n "$NET" link set br0 up
attach() {  # NS IF ADDR
  nt_veth "$1" "$2" "$3" "$NET" "p$2" - && ip -n "$NET" link set "p$2" master br0
}
attach "$G" vG 192.0.2.1/24
attach "$C1" v1 192.0.2.11/24
attach "$C2" v2 192.0.2.12/24
attach "$N" vN 192.0.2.13/24
nt_veth "$N" vin 172.16.0.1/24 "$C3" v3 172.16.0.2/24
ip -n "$C3" route add default via 172.16.0.1
nt_exec "$N" sysctl -qw net.ipv4.ip_forward=1
nt_exec "$N" nft -f - <<'NFT'
table ip nat {
  chain post { type nat hook postrouting priority 100; oifname "vN" masquerade; }
}
NFT
# The gateway's protected subnet, and forwarding between its clients.
# (On lo: this kernel has no dummy links.)
ip -n "$G" addr add 10.1.0.1/32 dev lo
nt_exec "$G" sysctl -qw net.ipv4.ip_forward=1

PSK='"road-warrior-secret-0123"'
{ nt_global retransmit-tries=
  nt_psk_section rw 192.0.2.1 %any gw "" "10.1.0.0/24, 10.10.0.0/24" dynamic "" psk="$PSK" \
    pool=10.10.0.0/24 dns=10.1.0.53
} | nt_conf "$NT_DIR/g.conf"
client_conf() {  # ID LOCAL
  nt_global retransmit-tries=
  nt_psk_section home "$2" 192.0.2.1 "$1" gw "" "10.1.0.0/24, 10.10.0.0/24" "" psk="$PSK" virtual-ip=yes \
    start-action=start
}
client_conf c1 192.0.2.11 | nt_conf "$NT_DIR/c1.conf"
client_conf c2 192.0.2.12 | nt_conf "$NT_DIR/c2.conf"
client_conf c3 172.16.0.2 | nt_conf "$NT_DIR/c3.conf"

nt_bus || exit 1
nt_check "gateway starts" nt_daemon g "$G" "$NT_DIR/g.conf" --bus "$NT_BUS"
declare -A NS=([c1]=$C1 [c2]=$C2 [c3]=$C3)
for c in c1 c2 c3; do nt_check "client $c starts" nt_daemon "$c" "${NS[$c]}" "$NT_DIR/$c.conf" --bus none; done

vip_of() {  # LABEL: the virtual IP the client's log reports last
  grep -oE 'virtual IP [0-9.]+/32 assigned' "$NT_DIR/$1.log" | tail -n1 | awk '{print $3}' | cut -d/ -f1
}
declare -A VIP=()
echo "-- every client gets a virtual IP on its ipsec0"
for c in c1 c2 c3; do
  nt_wait 20 "$c: CHILD_SA established" nt_log_has "$c" 'CHILD_SA home\{[0-9]+\} established'
  VIP[$c]=$(vip_of "$c")
  nt_check "$c: virtual IP assigned (${VIP[$c]:-none})" test -n "${VIP[$c]}"
  nt_wait 5 "$c: ${VIP[$c]} on ipsec0" eval "ip -n ${NS[$c]} -4 addr show dev ipsec0 | grep -q 'inet ${VIP[$c]}/32'"
  nt_wait 5 "$c: route 10.1.0.0/24 dev ipsec0" nt_route_via "${NS[$c]}" 10.1.0.0/24 ipsec0
done
nt_check "three distinct addresses (${VIP[c1]} ${VIP[c2]} ${VIP[c3]})" \
  test "$(printf '%s\n' "${VIP[@]}" | sort -u | grep -c .)" = 3
nt_check "c3 came through the NAT (gateway saw 192.0.2.13)" nt_log_has g 'established between 192.0.2.1:4500 \[@gw\] and 192.0.2.13:[0-9]+ \[@c3\]'

echo "-- the gateway: one ipsec0, a host route per client"
nt_check "gateway: ipsec0 up" nt_link_up "$G" ipsec0
for c in c1 c2 c3; do nt_wait 5 "gateway: route ${VIP[$c]} dev ipsec0" nt_route_via "$G" "${VIP[$c]}" ipsec0; done
OUT=$("$IKEVPNCTL" --bus "$NT_BUS" --json sas 2>&1)
nt_check "gateway: D-Bus lists the three leased addresses" "$NT_PY" -c "
import json,sys; d=json.loads(sys.argv[1]); v=sorted(x for s in d['ike_sas'] for x in s['virtual_ips'])
assert v == sorted(a + '/32' for a in sys.argv[2:]), v" "$OUT" "${VIP[@]}"
# The userspace backend forces UDP encapsulation on every daemon: that is
# not a NAT (only c3 is behind one).
nt_check "gateway: only c3 reported behind a NAT, every IKE_SA UDP-encapsulated" "$NT_PY" -c "
import json,sys; s=json.loads(sys.argv[1])['ike_sas']
assert [x['remote_address'].split(':')[0] for x in s if x['nat_remote']] == ['192.0.2.13'], s
assert all(x['udp_encap'] and not x['nat_local'] for x in s), s" "$OUT"
OUT=$("$IKEVPNCTL" --bus "$NT_BUS" status rw 2>&1)
nt_check "gateway: ikevpnctl status shows virtual IPs" grep -q "virtual IPs ${VIP[c1]}/32" <<<"$OUT"

echo "-- traffic"
for c in c1 c2 c3; do
  nt_check "$c -> gateway's subnet 10.1.0.1" nt_exec "${NS[$c]}" ping -c 2 -i 0.3 -W 3 -I "${VIP[$c]}" 10.1.0.1
done
nt_check "c1 -> c2 through the gateway" nt_exec "$C1" ping -c 2 -i 0.3 -W 3 -I "${VIP[c1]}" "${VIP[c2]}"
nt_check "c2 -> c3 (behind NAT) through the gateway" nt_exec "$C2" ping -c 2 -i 0.3 -W 3 -I "${VIP[c2]}" "${VIP[c3]}"
nt_check "c3 -> c1 through the gateway" nt_exec "$C3" ping -c 2 -i 0.3 -W 3 -I "${VIP[c3]}" "${VIP[c1]}"

echo "-- c1 reconnects and gets its address back"
OLD=${VIP[c1]}
nt_stop c1 TERM 10
nt_wait 5 "gateway: c1's route gone" eval "! nt_route_via $G $OLD ipsec0"
nt_check "gateway: ipsec0 stays up for c2 and c3" nt_link_up "$G" ipsec0
nt_check "c2 still reaches 10.1.0.1" nt_exec "$C2" ping -c 1 -W 3 -I "${VIP[c2]}" 10.1.0.1
MARK=$(nt_log_mark c1)
nt_check "client c1 restarts" nt_daemon c1 "$C1" "$NT_DIR/c1.conf" --bus none
nt_wait 20 "c1: CHILD_SA established again" nt_log_since c1 "$MARK" 'CHILD_SA home\{[0-9]+\} established'
nt_check "c1: same virtual IP ($(vip_of c1) == $OLD)" test "$(vip_of c1)" = "$OLD"
nt_check "c1 -> c3 again" nt_exec "$C1" ping -c 2 -i 0.3 -W 3 -I "$OLD" "${VIP[c3]}"

echo "-- leases persisted"
nt_stop g TERM 10
for c in c1 c2 c3; do
  nt_check "gateway's leases.txt holds @$c -> ${VIP[$c]}" grep -qP "^rw\t${VIP[$c]}\t[0-9]+\t@$c\$" "$NT_DIR/state-g/leases.txt"
done
nt_wait 10 "c1: ipsec0 address removed with the SA" eval "! ip -n $C1 -4 addr show dev ipsec0 2>/dev/null | grep -q 'inet $OLD/'"

echo "-- the gateway restarts: c2 alone reconnects first and still gets ${VIP[c2]}"
nt_check "gateway restarts" nt_daemon g "$G" "$NT_DIR/g.conf" --bus none
nt_check "gateway: read the leases" nt_log_has g 'leases.txt: 3 lease\(s\)'
nt_stop c2 TERM 10
MARK=$(nt_log_mark c2)
nt_check "client c2 restarts" nt_daemon c2 "$C2" "$NT_DIR/c2.conf" --bus none
nt_wait 20 "c2: CHILD_SA established again" nt_log_since c2 "$MARK" 'CHILD_SA home\{[0-9]+\} established'
nt_check "c2: same virtual IP after the gateway restart ($(vip_of c2) == ${VIP[c2]})" test "$(vip_of c2)" = "${VIP[c2]}"
nt_check "c2 -> 10.1.0.1" nt_exec "$C2" ping -c 2 -i 0.3 -W 3 -I "${VIP[c2]}" 10.1.0.1

nt_finish
