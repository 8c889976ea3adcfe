# shellcheck shell=bash
# roadwarriors.sh — a gateway and three road-warrior clients in namespaces,
# for the address-inertia test and benchmark. Source after netns.sh and
# nt_init.
#
#   gw   192.0.2.1   (switch sw: bridge br0)   inner 10.99.0.1 on ipsec0
#   c1   192.0.2.11                            inner 10.99.0.11
#   c2   192.0.2.12                            inner 10.99.0.12
#   nat  192.0.2.13 outside, 10.0.3.1 inside, nftables masquerade
#   c3   10.0.3.2 behind nat                   inner 10.99.0.13
#
# Clients are ikevpnd (userspace backend) with start-action = start,
# dpd-delay = $RW_DPD (default 10s), dpd-action = restart.
#
# RW_VIP=1: virtual IPs instead (the clients ask, `virtual-ip = yes`; the
# gateway leases from pool 10.10.0.0/24 and protects 10.1.0.0/24, its
# address 10.1.0.1 on lo). rw_learn_vips then fills RW_SRC[N] with each
# client's address; the pings go from RW_SRC[N] to $RW_DST.

RW_PSK="rw-0123456789abcdef-psk"
RW_DPD=${RW_DPD:-10s}
RW_VIP=${RW_VIP:-0}
declare -A RW_SRC=([1]=10.99.0.11 [2]=10.99.0.12 [3]=10.99.0.13)
RW_DST=10.99.0.1
[ "$RW_VIP" = 1 ] && RW_DST=10.1.0.1

rw_topology() {
  GW=$(nt_ns gw) SW=$(nt_ns sw) C1=$(nt_ns c1) C2=$(nt_ns c2) C3=$(nt_ns c3) NAT=$(nt_ns nat)
  ip -n "$SW" link add br0 type bridge && ip -n "$SW" link set br0 up
  local ns ifn addr
  for spec in "$GW:g:192.0.2.1" "$C1:c1:192.0.2.11" "$C2:c2:192.0.2.12" "$NAT:n:192.0.2.13"; do
    IFS=: read -r ns ifn addr <<<"$spec"
    nt_veth "$ns" "e$ifn" "$addr/24" "$SW" "s$ifn" - || return 1
    ip -n "$SW" link set "s$ifn" master br0
  done
  nt_veth "$NAT" in 10.0.3.1/24 "$C3" e3 10.0.3.2/24 || return 1
  ip -n "$C3" route add default via 10.0.3.1
  if [ "$RW_VIP" = 1 ]; then ip -n "$GW" addr add "$RW_DST/32" dev lo || return 1; fi
  nt_exec "$NAT" sysctl -qw net.ipv4.ip_forward=1
  nt_exec "$NAT" nft -f - <<NFT || return 1
table ip rwnat {
  chain post {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "en" masquerade
  }
}
NFT
}

# rw_gateway_conf: the ikevpnd gateway (remote = %any, inertia = yes).
rw_gateway_conf() {
  local inner=(local-ts=10.99.0.1/32 remote-ts=10.99.0.0/24 interface-address=10.99.0.1/32)
  [ "$RW_VIP" = 1 ] && inner=("local-ts=10.1.0.0/24, 10.10.0.0/24" remote-ts=dynamic pool=10.10.0.0/24)
  nt_global retransmit-timeout=500ms
  nt_psk_section rw 192.0.2.1 %any gw "" "" "" "" psk="\"$RW_PSK\"" "${inner[@]}" \
    dpd-delay=30s dpd-action=clear inertia=yes inertia-max-age=1d
}

# rw_client_conf N: client cN (inner 10.99.0.1N, or a virtual IP).
rw_client_conf() {
  local inner=("local-ts=10.99.0.1$1/32" remote-ts=10.99.0.1/32 "interface-address=10.99.0.1$1/32")
  [ "$RW_VIP" = 1 ] && inner=(virtual-ip=yes "remote-ts=10.1.0.0/24, 10.10.0.0/24")
  nt_global
  nt_psk_section gw %any 192.0.2.1 "c$1" gw "" "" "" psk="\"$RW_PSK\"" "${inner[@]}" \
    start-action=start dpd-delay="$RW_DPD" dpd-action=restart
}

# rw_clients_start: writes the client configs and starts c1..c3.
rw_clients_start() {
  local i ns
  for i in 1 2 3; do
    rw_client_conf $i | nt_conf "$NT_DIR/c$i.conf"
    ns=C$i
    nt_daemon "c$i" "${!ns}" "$NT_DIR/c$i.conf" --bus none --backend userspace || return 1
  done
}

# rw_learn_vips: RW_SRC[N] = the virtual IP client N's log reports last
# (RW_VIP=1); false if one has none yet.
rw_learn_vips() {
  local i
  for i in 1 2 3; do
    RW_SRC[$i]=$(grep -oE 'virtual IP [0-9.]+/32 assigned' "$NT_DIR/c$i.log" | tail -n1 | awk '{print $3}' | cut -d/ -f1)
    [ -n "${RW_SRC[$i]}" ] || return 1
  done
}

# rw_ping_ok N: one ping from client N to the gateway's inner address.
rw_ping_ok() {
  local ns=C$1
  nt_exec "${!ns}" ping -c 1 -W 1 -I "${RW_SRC[$1]}" "$RW_DST" >/dev/null 2>&1
}

# rw_pingers_start: a continuous ping (every 50 ms, unix-time stamps) from
# each client, output in $NT_DIR/ping-cN.log.
rw_pingers_start() {
  local i ns
  for i in 1 2 3; do
    ns=C$i
    nt_bg "${!ns}" "$NT_DIR/ping-c$i.log" ping -D -n -i 0.05 -W 1 -I "${RW_SRC[$i]}" "$RW_DST"
  done
}

# rw_first_reply_ms N T0: ms from T0 (unix seconds, fractional) to client
# N's first ping reply after T0; empty if none.
rw_first_reply_ms() {
  awk -v t0="$2" '/bytes from/ { gsub(/[\[\]]/, "", $1); if ($1 + 0 > t0) { printf "%d\n", ($1 - t0) * 1000; exit } }' \
    "$NT_DIR/ping-c$1.log"
}

# rw_start_all: topology, the ikevpnd gateway and the three clients (checks).
rw_start_all() {
  rw_topology || { nt_fail "topology"; return 1; }
  rw_gateway_conf | nt_conf "$NT_DIR/gw.conf"
  nt_check "gateway starts" nt_daemon gw "$GW" "$NT_DIR/gw.conf" --bus none --backend userspace
  nt_check "clients start" rw_clients_start
}

# rw_restart_gateway: restarts the gateway; T0 = when (unix seconds).
rw_restart_gateway() {
  T0=$(date +%s.%N)
  nt_check "gateway restarts" nt_daemon gw "$GW" "$NT_DIR/gw.conf" --bus none --backend userspace
}

# rw_check_resumed LIMIT_MS: per client, prints the time from T0 to its
# first ping reply and checks it is within LIMIT_MS.
rw_check_resumed() {
  local i ms
  for i in 1 2 3; do
    nt_until 12 eval "[ -n \"\$(rw_first_reply_ms $i $T0)\" ]"
    ms=$(rw_first_reply_ms $i "$T0")
    echo "c$i: first ping reply from ${RW_SRC[$i]} ${ms:-none} ms after the gateway restart"
    nt_check "c$i: traffic resumed within $1 ms" test -n "$ms" -a "${ms:-99999}" -le "$1"
  done
}
