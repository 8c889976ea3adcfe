#!/usr/bin/env bash
# Reproduces the strongSwan 5.9.8 captures used by message_test:
# two charons in network namespaces codec-a (initiator, 10.250.0.1) and
# codec-b (responder, 10.250.0.2), PSK authentication, one CHILD_SA, once
# with AES-GCM-16-256 and once with AES-CBC-128 + HMAC-SHA2-256-128 (both
# PRF HMAC-SHA2-256, x25519). tcpdump records the IKE messages; charon logs
# its IKE keys (filelog "ike = 4") so the tests can decrypt IKE_AUTH.
#
# Output (next to this script, or in the directory given as $1):
#   <suite>_<n>_<exchange>_<req|resp>.bin   UDP payloads, non-ESP marker removed
#   <suite>_keys.txt                        SK_ei/SK_er/SK_ai/SK_ar in hex
# where suite is "gcm" or "cbc".
#
# Needs root, strongswan-charon strongswan-swanctl libcharon-extra-plugins
# libstrongswan-extra-plugins tcpdump (see /work/shared/notes/strongswan.md).
# Run: sudo tests/unit/message/data/capture.sh [OUTDIR]
# Re-capturing changes every SPI, nonce and key: strongswan_test.cc pins the
# SPIs of the committed capture and must be updated with it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
mkdir -p "$out"
work=$(mktemp -d /tmp/codec-capture.XXXXXX)
pids=()

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  ip netns del codec-a 2>/dev/null || true
  ip netns del codec-b 2>/dev/null || true
  if [ -n "${KEEP:-}" ]; then echo "capture: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

ip netns add codec-a
ip netns add codec-b
ip link add codec-va netns codec-a type veth peer name codec-vb netns codec-b
ip -n codec-a addr add 10.250.0.1/24 dev codec-va
ip -n codec-b addr add 10.250.0.2/24 dev codec-vb
for ns in codec-a codec-b; do
  ip -n "$ns" link set lo up
done
# Addresses inside the traffic selectors, so libipsec can route the tunnel.
ip -n codec-a addr add 10.251.1.1/32 dev lo
ip -n codec-b addr add 10.251.2.1/32 dev lo
ip -n codec-a link set codec-va up
ip -n codec-b link set codec-vb up

write_conf() {  # dir
  local dir=$1
  mkdir -p "$dir/run"
  cat >"$dir/strongswan.conf" <<EOF
charon {
  load_modular = no
  load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 aes sha1 sha2 hmac gcm kdf kernel-libipsec kernel-netlink socket-default vici
  plugins {
    vici {
      socket = unix://$dir/charon.vici
    }
  }
  filelog {
    codec {
      path = $dir/charon.log
      default = 1
      ike = 4
      ike_name = yes
      flush_line = yes
    }
  }
}
EOF
}

write_conf "$work/a"
write_conf "$work/b"

# One swanctl connection: name, side (1 = initiator, 2 = responder), IKE
# proposals, ESP proposals. Addresses, identities and subnets follow the side.
conn() {
  local me=$2 peer=$((3 - $2))
  local -a id=("" initiator.codec.test responder.codec.test)
  cat <<EOF
  $1 {
    version = 2
    local_addrs = 10.250.0.$me
    remote_addrs = 10.250.0.$peer
    proposals = $3
    local { auth = psk
            id = ${id[$me]} }
    remote { auth = psk
             id = ${id[$peer]} }
    children { net { local_ts = 10.251.$me.0/24
                     remote_ts = 10.251.$peer.0/24
                     esp_proposals = $4
                     mode = tunnel } }
  }
EOF
}
secrets='secrets {
  ike-codec {
    id-a = initiator.codec.test
    id-b = responder.codec.test
    secret = codec-capture-psk
  }
}'
{
  echo "connections {"
  conn gcm 1 aes256gcm16-prfsha256-x25519 aes256gcm16-x25519
  conn cbc 1 aes128-sha256-x25519 aes128-sha256
  echo "}"
  echo "$secrets"
} >"$work/a/swanctl.conf"
{
  echo "connections {"
  conn resp 2 "aes256gcm16-prfsha256-x25519, aes128-sha256-x25519" "aes256gcm16-x25519, aes128-sha256"
  echo "}"
  echo "$secrets"
} >"$work/b/swanctl.conf"

start_charon() {  # ns dir
  ip netns exec "$1" unshare -m --propagation private sh -c \
    "mount --bind $2/run /run && exec env STRONGSWAN_CONF=$2/strongswan.conf /usr/lib/ipsec/charon" \
    >"$2/stdout.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 50); do
    [ -S "$2/charon.vici" ] && return 0
    sleep 0.1
  done
  echo "capture: charon in $1 did not start" >&2
  cat "$2/stdout.log" >&2
  return 1
}

start_charon codec-a "$work/a"
start_charon codec-b "$work/b"
swanctl --load-all --uri "unix://$work/a/charon.vici" --file "$work/a/swanctl.conf" >/dev/null
swanctl --load-all --uri "unix://$work/b/charon.vici" --file "$work/b/swanctl.conf" >/dev/null

ip netns exec codec-a tcpdump -i codec-va -U -n -w "$work/ike.pcap" 'udp port 500 or udp port 4500' \
  >"$work/tcpdump.log" 2>&1 &
pids+=("$!")
sleep 1

for suite in gcm cbc; do
  swanctl --initiate --uri "unix://$work/a/charon.vici" --ike "$suite" --child net --timeout 10 \
    >"$work/initiate-$suite.log"
  swanctl --terminate --uri "unix://$work/a/charon.vici" --ike "$suite" --timeout 10 \
    >"$work/terminate-$suite.log"
done
sleep 1
kill "${pids[-1]}"
wait "${pids[-1]}" 2>/dev/null || true

python3 "$here/extract.py" "$work/ike.pcap" "$work/a/charon.log" "$out"
echo "capture: wrote $(ls "$out"/*.bin | wc -l) messages to $out"
