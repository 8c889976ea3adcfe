# Shared by bench/esp_throughput.sh and tests/integration/userspace: two
# network namespaces joined by a veth pair, one esp_tunnel_peer in each,
# ipsec0 configured with the inner addresses. Source it, then call
# esp_netns_up PEER_BINARY [ALG] and esp_netns_down.
#
#   espt-a: veth espt-va 10.251.0.1/28   ipsec0 10.251.0.65, fd00:251::1
#   espt-b: veth espt-vb 10.251.0.2/28   ipsec0 10.251.0.66, fd00:251::2

ESPT_A=espt-a
ESPT_B=espt-b
ESPT_DIR=${ESPT_DIR:-$(mktemp -d /tmp/espt.XXXXXX)}

esp_netns_down() {
  for ns in "$ESPT_A" "$ESPT_B"; do
    if [ -f "$ESPT_DIR/$ns.pid" ]; then
      local pid
      pid=$(cat "$ESPT_DIR/$ns.pid")
      kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 1 50); do  # up to 5 s for it to print its counters and exit
        grep -qs zombie "/proc/$pid/status" || [ ! -d "/proc/$pid" ] && break
        sleep 0.1
      done
      wait "$pid" 2>/dev/null
      rm -f "$ESPT_DIR/$ns.pid"
    fi
    ip netns del "$ns" 2>/dev/null
  done
  return 0
}

# Waits until ipsec0 exists in namespace $1.
esp_wait_tun() {
  for _ in $(seq 1 50); do
    ip netns exec "$1" ip link show ipsec0 >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "ipsec0 did not appear in $1" >&2
  return 1
}

esp_netns_up() {
  local peer=$1 alg=${2:-aes256gcm16}
  esp_netns_down
  ip netns add "$ESPT_A" && ip netns add "$ESPT_B" || return 1
  ip link add espt-va netns "$ESPT_A" type veth peer name espt-vb netns "$ESPT_B" || return 1
  ip -n "$ESPT_A" addr add 10.251.0.1/28 dev espt-va
  ip -n "$ESPT_B" addr add 10.251.0.2/28 dev espt-vb
  for ns in "$ESPT_A" "$ESPT_B"; do
    ip -n "$ns" link set lo up
  done
  ip -n "$ESPT_A" link set espt-va up
  ip -n "$ESPT_B" link set espt-vb up

  ip netns exec "$ESPT_A" "$peer" --role a --local 10.251.0.1 --remote 10.251.0.2 --alg "$alg" --offload "${ESPT_OFFLOAD:-1}" \
    >"$ESPT_DIR/$ESPT_A.log" 2>&1 &
  echo $! >"$ESPT_DIR/$ESPT_A.pid"
  ip netns exec "$ESPT_B" "$peer" --role b --local 10.251.0.2 --remote 10.251.0.1 --alg "$alg" --offload "${ESPT_OFFLOAD:-1}" \
    >"$ESPT_DIR/$ESPT_B.log" 2>&1 &
  echo $! >"$ESPT_DIR/$ESPT_B.pid"
  esp_wait_tun "$ESPT_A" && esp_wait_tun "$ESPT_B" || return 1

  esp_config_tun "$ESPT_A" 10.251.0.65 10.251.0.66 fd00:251::1 fd00:251::2
  esp_config_tun "$ESPT_B" 10.251.0.66 10.251.0.65 fd00:251::2 fd00:251::1
}

# ns local4 remote4 local6 remote6
esp_config_tun() {
  ip -n "$1" link set ipsec0 mtu 1400 up
  ip -n "$1" addr add "$2/32" dev ipsec0
  ip -n "$1" route add "$3/32" dev ipsec0
  ip -n "$1" addr add "$4/128" dev ipsec0 nodad
  ip -n "$1" -6 route add "$5/128" dev ipsec0
}
