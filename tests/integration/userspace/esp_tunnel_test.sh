#!/bin/bash
# Userspace ESP end to end: ping through ipsec0 in both directions, IPv4 and
# IPv6, for two transforms; on the veth only ESP-in-UDP (port 4500) may be
# seen, never the inner ICMP.
# usage: esp_tunnel_test.sh PATH/TO/esp_tunnel_peer PATH/TO/esp_netns.sh
set -u
peer=$1
. "$2"
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
command -v tcpdump >/dev/null || { echo "needs tcpdump"; exit 77; }
trap esp_netns_down EXIT

failures=0
check() {  # description, command...
  local what=$1; shift
  if "$@" >"$ESPT_DIR/last.out" 2>&1; then
    echo "ok   $what"
  else
    echo "FAIL $what"; cat "$ESPT_DIR/last.out"; failures=$((failures + 1))
  fi
}

for alg in aes256gcm16 aes128cbc-sha256; do
  echo "== $alg"
  esp_netns_up "$peer" "$alg" || { echo "setup failed"; exit 1; }
  cap="$ESPT_DIR/veth-$alg.pcap"
  ip netns exec "$ESPT_A" tcpdump -i espt-va -n -U -w "$cap" 2>/dev/null &
  tcpdump_pid=$!
  sleep 0.5
  check "v4 a->b" ip netns exec "$ESPT_A" ping -c 3 -i 0.2 -W 2 10.251.0.66
  check "v4 b->a" ip netns exec "$ESPT_B" ping -c 3 -i 0.2 -W 2 10.251.0.65
  check "v6 a->b" ip netns exec "$ESPT_A" ping -6 -c 3 -i 0.2 -W 2 fd00:251::2
  check "v6 b->a" ip netns exec "$ESPT_B" ping -6 -c 3 -i 0.2 -W 2 fd00:251::1
  check "large v4 (1372 bytes)" ip netns exec "$ESPT_A" ping -c 2 -s 1344 -M do -W 2 10.251.0.66
  sleep 0.3
  kill "$tcpdump_pid"; wait "$tcpdump_pid" 2>/dev/null
  esp=$(tcpdump -n -r "$cap" 'udp port 4500' 2>/dev/null | grep -c 'UDP-encap: ESP')
  plain=$(tcpdump -n -r "$cap" 'icmp or icmp6' 2>/dev/null | grep -c 'echo')
  spis=$(tcpdump -n -r "$cap" 'udp port 4500' 2>/dev/null | grep -o 'spi=0x0000[ab]001' | sort -u | wc -l)
  check "veth carries ESP-in-UDP ($esp packets)" test "$esp" -ge 24
  check "both SPIs seen on the wire ($spis)" test "$spis" -eq 2
  check "no inner ICMP on the veth ($plain)" test "$plain" -eq 0
  esp_netns_down
  for ns in "$ESPT_A" "$ESPT_B"; do
    check "$ns: no auth failures or replays" grep -q 'replay_drops 0 auth_failures 0' "$ESPT_DIR/$ns.log"
    grep -E 'tx_packets|drop' "$ESPT_DIR/$ns.log"
  done
done
rm -rf "$ESPT_DIR"
[ "$failures" = 0 ] && echo PASS || { echo "$failures failures"; exit 1; }
