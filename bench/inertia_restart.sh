#!/bin/bash
# Gateway restart recovery, ikevpnd (address inertia) vs strongSwan 5.9.8.
#
# Topology (tests/integration/lib/roadwarriors.sh): one gateway, three
# ikevpnd road-warrior clients (userspace backend), c3 behind an nftables
# NAT. Each run: the clients connect, a 20 pings/s probe runs from each
# client to the gateway's inner address 10.99.0.1, the gateway is killed
# with SIGKILL and restarted; per client we report the time from the
# restart (the new gateway process started) to the first ping reply.
#
#   ikevpnd gateway: inertia = yes, it initiates to the remembered clients.
#   charon gateway (kernel-libipsec): no inertia; the clients recover by
#     their own DPD (dpd-delay = $RW_DPD, default 10s; retransmits 1 s,
#     base 1.8, 3 tries) and dpd-action = restart.
#
# Both runs use the same clients with the same settings, in one invocation.
# Anchors: charon gateway with the same ikevpnd clients (they need
# dpd-action = restart, issue 3) and charon gateway with charon clients
# (dpd_action = restart, same DPD and retransmission settings).
#
# usage (root): bench/inertia_restart.sh BUILD/daemon/app/ikevpnd [ROUNDS]
set -u
IKEVPND=$(readlink -f "$1")
ROUNDS=${2:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../tests/integration/lib/netns.sh"
. "$HERE/../tests/integration/lib/roadwarriors.sh"
RECOVERY_LIMIT=${RECOVERY_LIMIT:-45}
NT_TIMEOUT=$((ROUNDS * 2 * (RECOVERY_LIMIT + 30) + RECOVERY_LIMIT + 60)) nt_init rwbench nft
CHARON=/usr/lib/ipsec/charon
HAVE_CHARON=1
[ -x "$CHARON" ] && [ -e /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so ] || HAVE_CHARON=0

rw_topology || { echo "topology failed"; exit 1; }
# The ESP/IKE suite both gateways accept.
RW_CLIENT_EXTRA="ike = aes256gcm16-prfsha256-x25519
esp = aes256gcm16"

# charon_strongswan_conf LABEL: strongswan.conf for the charon LABEL
# (retransmissions as the ikevpnd clients: 1 s, base 1.8, 3 tries).
charon_strongswan_conf() {
  local d=$NT_DIR/charon-$1
  mkdir -p "$d/run"
  cat >"$d/strongswan.conf" <<CONF
charon {
  load_modular = no
  load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 aes sha1 sha2 hmac gcm kdf kernel-libipsec kernel-netlink socket-default vici
  install_virtual_ip = no
  retransmit_timeout = 1.0
  retransmit_base = 1.8
  retransmit_tries = 3
  plugins {
    vici {
      socket = unix://$d/vici
    }
  }
  filelog {
    bench {
      path = $d/charon.log
      default = 1
      time_format = %T
      flush_line = yes
    }
  }
}
CONF
}

charon_secrets() {
  cat <<CONF
secrets {
  ike-rw {
    id-gw = @gw
    id-c1 = @c1
    id-c2 = @c2
    id-c3 = @c3
    secret = "$RW_PSK"
  }
}
CONF
}

charon_gateway_conf() {
  charon_strongswan_conf gw
  { cat <<CONF
connections {
  rw {
    version = 2
    local_addrs = 192.0.2.1
    remote_addrs = %any
    proposals = aes256gcm16-prfsha256-x25519
    dpd_delay = 30s
    local {
      auth = psk
      id = @gw
    }
    remote {
      auth = psk
    }
    children {
      net {
        local_ts = 10.99.0.1/32
        remote_ts = 10.99.0.0/24
        esp_proposals = aes256gcm16
        mode = tunnel
      }
    }
  }
}
CONF
    charon_secrets; } >"$NT_DIR/charon-gw/swanctl.conf"
}

# charon_client_conf N: the strongSwan road warrior cN (as rw_client_conf).
charon_client_conf() {
  charon_strongswan_conf "c$1"
  { cat <<CONF
connections {
  gw {
    version = 2
    remote_addrs = 192.0.2.1
    proposals = aes256gcm16-prfsha256-x25519
    dpd_delay = ${RW_DPD%s}s
    local {
      auth = psk
      id = @c$1
    }
    remote {
      auth = psk
      id = @gw
    }
    children {
      net {
        local_ts = 10.99.0.1$1/32
        remote_ts = 10.99.0.1/32
        esp_proposals = aes256gcm16
        mode = tunnel
        start_action = start
        dpd_action = restart
      }
    }
  }
}
CONF
    charon_secrets; } >"$NT_DIR/charon-c$1/swanctl.conf"
}

# charon_start LABEL NS: starts charon LABEL in NS (private /run) and loads
# its swanctl.conf. Pid in NT_PID[LABEL].
charon_start() {
  local d=$NT_DIR/charon-$1
  rm -f "$d/vici"
  ip netns exec "$2" unshare -m --propagation private sh -c \
    "mount --bind $d/run /run && exec env STRONGSWAN_CONF=$d/strongswan.conf $CHARON" \
    >>"$d/stdout.log" 2>&1 &
  NT_PID[$1]=$!
  for _ in $(seq 100); do [ -S "$d/vici" ] && break; sleep 0.05; done
  swanctl --load-all --uri "unix://$d/vici" --file "$d/swanctl.conf" >>"$d/swanctl.log" 2>&1
}

# gw_start KIND / clients_start KIND: ikevpnd or charon.
gw_start() {
  if [ "$1" = ikevpnd ]; then
    nt_daemon gw "$GW" "$NT_DIR/gw.conf" --bus none --backend userspace >/dev/null
  else
    # An address inside the selectors, for charon's table-220 routes
    # (ikevpnd puts it on its ipsec0 itself).
    ip -n "$GW" addr replace 10.99.0.1/32 dev lo
    charon_start gw "$GW"
  fi
}

clients_start() {
  local i ns
  for i in 1 2 3; do
    ns=C$i
    if [ "$1" = ikevpnd ]; then
      { rw_client_conf $i; echo "$RW_CLIENT_EXTRA"; } | nt_conf "$NT_DIR/c$i.conf"
      nt_daemon "c$i" "${!ns}" "$NT_DIR/c$i.conf" --bus none --backend userspace >/dev/null || return 1
    else
      charon_client_conf $i
      ip -n "${!ns}" addr replace "10.99.0.1$i/32" dev lo
      charon_start "c$i" "${!ns}" || return 1
    fi
  done
}

stop_all() {
  local label
  for label in gw c1 c2 c3; do nt_stop "$label" TERM 5 >/dev/null; done
  for ns in "$GW" "$C1" "$C2" "$C3"; do ip -n "$ns" addr flush dev lo scope global 2>/dev/null; done
  rm -rf "$NT_DIR"/state-* "$NT_DIR"/ping-c*.log
}

# run_round GATEWAY CLIENTS ROUND: prints "GATEWAY CLIENTS ROUND c1 c2 c3"
# (ms from the gateway restart to the first ping reply, "-": none within
# RECOVERY_LIMIT s).
run_round() {
  local gwk=$1 ck=$2 round=$3 i ns line pingers=()
  stop_all
  gw_start "$gwk" || { echo "$gwk gateway did not start"; return 1; }
  clients_start "$ck" || { echo "$ck clients did not start"; return 1; }
  for i in 1 2 3; do
    nt_until 20 rw_ping_ok $i || { echo "$gwk/$ck round $round: c$i never connected"; stop_all; return 1; }
  done
  sleep 1.5
  for i in 1 2 3; do
    ns=C$i
    nt_bg "${!ns}" "$NT_DIR/ping-c$i.log" ping -D -n -i 0.05 -W 1 -I "10.99.0.1$i" 10.99.0.1
    pingers+=("$NT_LAST_PID")
  done
  sleep 0.5
  nt_stop gw KILL 5
  sleep 0.5
  local t0
  t0=$(date +%s.%N)
  gw_start "$gwk" || { echo "$gwk gateway did not restart"; return 1; }
  # Until every client has a reply, or RECOVERY_LIMIT s in all.
  nt_until "$RECOVERY_LIMIT" eval '[ -n "$(rw_first_reply_ms 1 $t0)" ] && [ -n "$(rw_first_reply_ms 2 $t0)" ] && [ -n "$(rw_first_reply_ms 3 $t0)" ]'
  line="$gwk $ck $round"
  for i in 1 2 3; do
    local ms
    ms=$(rw_first_reply_ms $i "$t0")
    line+=" ${ms:--}"
  done
  echo "$line"
  for p in "${pingers[@]}"; do kill "$p" 2>/dev/null; done
  stop_all
}

charon_gateway_conf
{ rw_gateway_conf; echo "$RW_CLIENT_EXTRA"; } | nt_conf "$NT_DIR/gw.conf"
echo "# restart -> first ping reply, ms (c3 behind NAT); client dpd-delay $RW_DPD, retransmits 1 s x1.8, 3 tries"
echo "# gateway clients round c1 c2 c3"
for r in $(seq "$ROUNDS"); do
  run_round ikevpnd ikevpnd "$r"
  if [ $HAVE_CHARON = 1 ]; then
    # ikevpnd clients recover from a dead gateway only with dpd-action =
    # restart (issue 3): once is enough to show where they stand.
    [ "$r" = 1 ] && run_round charon ikevpnd "$r"
    run_round charon charon "$r"
  fi
done
[ $HAVE_CHARON = 1 ] || echo "# strongSwan charon with kernel-libipsec not installed: no anchor"
