#!/bin/bash
# Address inertia with virtual IPs: as inertia_test.sh, but the three road
# warriors (one behind an nftables NAT) ask for virtual IPs (`virtual-ip =
# yes`) and the gateway leases them from its pool (leases.txt in its state
# dir) and protects 10.1.0.0/24. The gateway is killed with SIGKILL and
# restarted: it initiates to each remembered client with TSr = the client's
# virtual IP and keeps the client's lease; each client, now the responder,
# takes the new IKE_SA as the replacement of its stale one and keeps its
# virtual IP on ipsec0 (no CP exchange this time). Every client pings
# 10.1.0.1 again from the same address; the time from the restart to each
# client's first reply is printed (check: 10 s, target 2 s).
#
# usage: inertia_vip_test.sh IKEVPND IKEVPNCTL
set -u
IKEVPND=$1
. "$(dirname "$0")/../lib/netns.sh"
RW_VIP=1
. "$(dirname "$0")/../lib/roadwarriors.sh"
NT_TIMEOUT=56 nt_init inertiavip nft
RW_DPD=30s
LIMIT_MS=10000

rw_start_all || nt_finish
for i in 1 2 3; do nt_wait 15 "c$i: CHILD_SA up" nt_log_has c$i 'CHILD_SA gw\{[0-9]+\} established'; done
nt_check "every client has a virtual IP" rw_learn_vips
echo "   virtual IPs: c1 ${RW_SRC[1]}, c2 ${RW_SRC[2]}, c3 ${RW_SRC[3]}"
nt_check "three distinct virtual IPs" test "$(printf '%s\n' "${RW_SRC[@]}" | sort -u | grep -c '^10\.10\.0\.')" = 3
for i in 1 2 3; do nt_wait 5 "c$i: ping ${RW_SRC[$i]} -> $RW_DST" rw_ping_ok $i; done
STATE=$NT_DIR/state-gw/inertia
nt_wait 10 "gateway remembered the three clients" eval "[ \$(grep -c '^peer ' '$STATE' 2>/dev/null) = 3 ]"
for i in 1 2 3; do
  nt_check "c$i is remembered with its virtual IP ${RW_SRC[$i]}" grep -qE "^peer .* ${RW_SRC[$i]//./\\.} [0-9]+\$" "$STATE"
done
# The clients' stale SAs must be older (whole seconds) than the new ones.
sleep 1.2

echo "-- kill -9 the gateway, restart it"
rw_pingers_start
nt_stop gw KILL 5
sleep 0.5
for i in 1 2 3; do
  nt_check "gateway's leases.txt holds @c$i -> ${RW_SRC[$i]}" grep -qP "^rw\t${RW_SRC[$i]}\t[0-9]+\t@c$i\$" "$NT_DIR/state-gw/leases.txt"
done
MARK=$(nt_log_mark gw)
rw_restart_gateway
rw_check_resumed $LIMIT_MS
nt_check "gateway initiated to the remembered clients" nt_log_has gw 'inertia: 3 remembered peer'
nt_check "c3 was initiated to at its NAT's address" nt_log_since gw "$MARK" 'initiating IKE_SA rw\[[0-9]+\] to @c3 at 192\.0\.2\.13:[0-9]+ \(address inertia\)'
for i in 1 2 3; do
  nt_check "gateway: @c$i keeps its lease ${RW_SRC[$i]}" nt_log_since gw "$MARK" "@c$i keeps ${RW_SRC[$i]//./\\.}\$"
  nt_check "gateway: route ${RW_SRC[$i]} dev ipsec0" nt_route_via "$GW" "${RW_SRC[$i]}" ipsec0
  nt_check "c$i: the new IKE_SA keeps ${RW_SRC[$i]}" nt_log_has c$i "keeps virtual IP ${RW_SRC[$i]//./\\.}/32 of IKE_SA"
  nt_check "c$i: the stale IKE_SA was replaced" nt_log_has c$i 'replaced by \[[0-9]+\]: @gw sent INITIAL_CONTACT'
  nt_check "c$i: ${RW_SRC[$i]} still on ipsec0" eval "ip -n \$C$i -4 addr show dev ipsec0 | grep -q 'inet ${RW_SRC[$i]}/32'"
  nt_check "c$i: no second CP exchange (one 'assigned')" test "$(grep -c 'virtual IP .* assigned' "$NT_DIR/c$i.log")" = 1
  nt_check_not "c$i: ipsec0 did not flap" nt_log_has c$i 'ipsec0 down'
done
for i in 1 2 3; do
  nt_check "gateway's leases.txt still holds @c$i -> ${RW_SRC[$i]}" grep -qP "^rw\t${RW_SRC[$i]}\t[0-9]+\t@c$i\$" "$NT_DIR/state-gw/leases.txt"
done
nt_finish
