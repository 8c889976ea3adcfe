# Shared helpers for the interop tests: ikevpnd against strongSwan's charon
# (5.9.x, kernel-libipsec: userspace ESP over its TUN ipsec0, always
# ESP-in-UDP on 4500) in two network namespaces joined by a veth pair.
#
#   namespace $IOP_NS_V  ikevpnd  192.0.2.1  inner 10.1.0.1/24 on our ipsec0
#   namespace $IOP_NS_S  charon   192.0.2.2  inner 10.2.0.1/32 on lo; libipsec
#                                            routes 10.1.0.0/24 in table 220
#
# Namespace names carry a per-run prefix (iop-<pid><random>-) and are always
# deleted by the EXIT trap, with every process this script started.
# Charon runs in its own mount namespace with a private /run (its pid file
# is fixed) and its VICI socket in the work directory; swanctl is called
# through iop_swanctl, which adds --uri.
#
# Usage (from a test script):
#   . "$(dirname "$0")/lib.sh"
#   iop_init psk "$ikevpnd" "$logdir"     # exits 77 when it cannot run
#   iop_net_up; iop_charon_start; iop_swanctl --load-all --file ...
#   iop_check "what" command...; ...; iop_finish
# shellcheck shell=bash

. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib/conf.sh"

IOP_PASS=0
IOP_FAIL=0
IOP_PIDS=()
IOP_IKEVPND_PID=
IOP_CHARON_PID=
IOP_TCPDUMP_PID=

# Exit 77 (ctest: skipped), or 1 with IKEVPN_INTEROP_REQUIRED=1 (CI, where
# scripts/install-deps.sh provides everything and a skip would hide a gap).
iop_skip() {
  if [ "${IKEVPN_INTEROP_REQUIRED:-0}" = 1 ]; then
    echo "FAIL: $* (IKEVPN_INTEROP_REQUIRED=1)"; exit 1
  fi
  echo "SKIP: $*"; exit 77
}

# iop_forget PID: a process we reaped leaves IOP_PIDS, so that the cleanup
# never signals a PID the system may since have given to someone else.
iop_forget() {
  local p keep=()
  for p in "${IOP_PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  IOP_PIDS=("${keep[@]}")
}

iop_log() { echo "[$(date +%T.%3N)] $*"; }

# iop_init NAME IKEVPND [LOGDIR]
iop_init() {
  IOP_NAME=$1
  IOP_IKEVPND=$2
  IOP_DIR=${3:-/tmp/ikevpn-interop-$1}
  if [ "$(id -u)" != 0 ]; then
    iop_skip "needs root (network namespaces)"
  fi
  local c
  for c in ip tcpdump ping unshare swanctl; do
    command -v "$c" >/dev/null 2>&1 || iop_skip "$c not installed (IKEVPN_DEPS=interop scripts/install-deps.sh)"
  done
  if [ -z "${IOP_CHARON_BIN:-}" ]; then
    for c in /usr/lib/ipsec/charon /usr/libexec/ipsec/charon /usr/lib/strongswan/charon; do
      [ -x "$c" ] && { IOP_CHARON_BIN=$c; break; }
    done
  fi
  [ -n "${IOP_CHARON_BIN:-}" ] ||
    iop_skip "strongSwan charon not installed (IKEVPN_DEPS=interop scripts/install-deps.sh)"
  [ -e "$(dirname "$IOP_CHARON_BIN")/plugins/libstrongswan-kernel-libipsec.so" ] ||
    iop_skip "strongSwan's kernel-libipsec plugin not installed (libcharon-extra-plugins)"
  [ -x "$IOP_IKEVPND" ] || { echo "FAIL: no ikevpnd at $IOP_IKEVPND"; exit 1; }
  IOP_ID=$(printf '%x%04x' $$ $RANDOM)
  IOP_NS_V=iop-$IOP_ID-v
  IOP_NS_S=iop-$IOP_ID-s
  mkdir -p "$IOP_DIR" || exit 1
  # Sockets and charon's /run live under /tmp: a unix socket path must stay
  # short, and the build directory may be deep.
  IOP_RUN=$(mktemp -d "/tmp/iop-$IOP_ID.XXXXXX")
  trap iop_cleanup EXIT
  trap 'exit 130' INT TERM
  iop_log "interop $IOP_NAME: namespaces $IOP_NS_V (ikevpnd) $IOP_NS_S (charon), logs in $IOP_DIR"
  iop_log "peer: $(dpkg-query -W -f='strongswan-charon ${Version}' strongswan-charon 2>/dev/null || echo "$IOP_CHARON_BIN")"
}

iop_cleanup() {
  local rc=$?
  set +e
  [ -n "$IOP_TCPDUMP_PID" ] && kill "$IOP_TCPDUMP_PID" 2>/dev/null
  local p
  for p in "${IOP_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for _ in $(seq 30); do
    local alive=0
    for p in "${IOP_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for p in "${IOP_PIDS[@]}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  ip netns del "$IOP_NS_V" 2>/dev/null
  ip netns del "$IOP_NS_S" 2>/dev/null
  rm -rf "$IOP_RUN"
  exit $rc
}

iop_net_up() {
  ip netns add "$IOP_NS_V" || return 1
  ip netns add "$IOP_NS_S" || return 1
  ip link add iop-v netns "$IOP_NS_V" type veth peer name iop-s netns "$IOP_NS_S" || return 1
  ip -n "$IOP_NS_V" addr add 192.0.2.1/24 dev iop-v
  ip -n "$IOP_NS_S" addr add 192.0.2.2/24 dev iop-s
  ip -n "$IOP_NS_V" link set lo up
  ip -n "$IOP_NS_S" link set lo up
  # An address inside charon's local traffic selector, so that
  # kernel-netlink finds a source for its table-220 routes.
  ip -n "$IOP_NS_S" addr add 10.2.0.1/32 dev lo
  ip -n "$IOP_NS_V" link set iop-v up
  ip -n "$IOP_NS_S" link set iop-s up
}

# iop_phase NAME: a fresh set of log files and configs in $IOP_DIR/NAME
# (the daemons of the previous phase must be stopped).
iop_phase() {
  IOP_P=$IOP_DIR/$1
  rm -rf "$IOP_P"
  mkdir -p "$IOP_P/charon" "$IOP_P/ikevpnd/state"
  chmod 700 "$IOP_P/ikevpnd"
  rm -rf "$IOP_RUN/run"; mkdir -p "$IOP_RUN/run"
  echo "== $1"
}

# --- charon ----------------------------------------------------------------

# iop_charon_conf [EXTRA charon{} LINES]
iop_charon_conf() {
  local d=$IOP_P/charon
  cat >"$d/strongswan.conf" <<EOF
charon {
  load_modular = no
  load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 aes sha1 sha2 hmac gcm kdf kernel-libipsec kernel-netlink socket-default vici
  install_virtual_ip = no
  retransmit_timeout = 2.0
  retransmit_tries = 3
  ${1:-}
  plugins {
    vici {
      socket = unix://$IOP_RUN/charon.vici
    }
  }
  filelog {
    iop {
      path = $d/charon.log
      default = 1
      ike = 2
      enc = 2
      cfg = 2
      knl = 1
      ike_name = yes
      time_format = %T
      flush_line = yes
    }
  }
}
EOF
}

iop_charon_start() {
  local d=$IOP_P/charon
  [ -f "$d/strongswan.conf" ] || iop_charon_conf ""
  rm -f "$IOP_RUN/charon.vici"
  ip netns exec "$IOP_NS_S" unshare -m --propagation private sh -c \
    "mount --bind $IOP_RUN/run /run && exec env STRONGSWAN_CONF=$d/strongswan.conf $IOP_CHARON_BIN" \
    >>"$d/stdout.log" 2>&1 &
  IOP_CHARON_PID=$!
  IOP_PIDS+=("$IOP_CHARON_PID")
  for _ in $(seq 100); do
    [ -S "$IOP_RUN/charon.vici" ] && return 0
    kill -0 "$IOP_CHARON_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "charon did not start:"; cat "$d/stdout.log"
  return 1
}

iop_charon_stop() {
  [ -n "$IOP_CHARON_PID" ] || return 0
  kill "$IOP_CHARON_PID" 2>/dev/null
  for _ in $(seq 100); do
    kill -0 "$IOP_CHARON_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$IOP_CHARON_PID" 2>/dev/null
  wait "$IOP_CHARON_PID" 2>/dev/null
  iop_forget "$IOP_CHARON_PID"
  IOP_CHARON_PID=
}

# iop_stop_all: both daemons (ikevpnd first: it deletes its SAs).
iop_stop_all() {
  iop_capture_stop
  iop_ikevpnd_stop TERM
  iop_charon_stop
}

# iop_swanctl COMMAND [ARGS...]: swanctl against our charon.
iop_swanctl() {
  local cmd=$1; shift
  swanctl "$cmd" --uri "unix://$IOP_RUN/charon.vici" "$@"
}

# iop_swanctl_load NAME ROLE IKE ESP [conn lines] [child lines]
# Writes charon's connection (to 192.0.2.1, PSK, ids @s/@v) and loads it.
# ROLE: initiator (child start_action = start) or responder.
iop_swanctl_load() {
  local name=$1 role=$2 ike=$3 esp=$4 conn_extra=${5:-} child_extra=${6:-}
  local start=none
  [ "$role" = initiator ] && start=start
  cat >"$IOP_P/charon/swanctl.conf" <<EOF
connections {
  $name {
    version = 2
    local_addrs = 192.0.2.2
    remote_addrs = 192.0.2.1
    proposals = $ike
    dpd_delay = 0
    $conn_extra
    local {
      auth = psk
      id = @s
    }
    remote {
      auth = psk
      id = @v
    }
    children {
      net {
        local_ts = 10.2.0.0/24
        remote_ts = 10.1.0.0/24
        esp_proposals = $esp
        mode = tunnel
        start_action = $start
        $child_extra
      }
    }
  }
}
secrets {
  ike-iop {
    id-v = @v
    id-s = @s
    secret = "$IOP_PSK"
  }
}
EOF
  iop_swanctl --load-all --file "$IOP_P/charon/swanctl.conf" >>"$IOP_P/charon/swanctl.log" 2>&1
}

IOP_PSK=${IOP_PSK:-iop-0123456789abcdef-psk}

# --- ikevpnd ---------------------------------------------------------------

# iop_ikevpnd_conf NAME ROLE IKE ESP [KEY=VALUE...]: ikevpnd's config, one
# connection NAME (more keys for it as in conf.sh).
iop_ikevpnd_conf() {
  local name=$1 role=$2 ike=$3 esp=$4
  local start=none
  [ "$role" = initiator ] && start=start
  { nt_global state-dir="$IOP_P/ikevpnd/state" log-level=debug retransmit-timeout=2s
    nt_psk_section "$name" 192.0.2.1 192.0.2.2 v s 10.1.0.0/24 10.2.0.0/24 10.1.0.1/24 psk="\"$IOP_PSK\"" \
      ike="$ike" esp="$esp" start-action=$start "${@:5}"
  } | nt_conf "$IOP_P/ikevpnd/ikevpn.conf"
}

iop_ikevpnd_start() {
  local d=$IOP_P/ikevpnd
  ip netns exec "$IOP_NS_V" "$IOP_IKEVPND" -f -c "$d/ikevpn.conf" --bus none \
    --backend "${IKEVPN_INTEROP_BACKEND:-auto}" --log-level "${IKEVPN_INTEROP_LOG:-debug}" \
    >>"$d/ikevpnd.log" 2>&1 &
  IOP_IKEVPND_PID=$!
  IOP_PIDS+=("$IOP_IKEVPND_PID")
  iop_wait 10 grep -q 'ready:' "$d/ikevpnd.log" && return 0
  echo "ikevpnd did not start:"; tail -20 "$d/ikevpnd.log"
  return 1
}

# iop_ikevpnd_stop [SIGNAL]: signal ikevpnd and wait for it to exit.
iop_ikevpnd_stop() {
  local sig=${1:-TERM}
  [ -n "$IOP_IKEVPND_PID" ] || return 0
  kill "-$sig" "$IOP_IKEVPND_PID" 2>/dev/null
  for _ in $(seq 100); do
    kill -0 "$IOP_IKEVPND_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$IOP_IKEVPND_PID" 2>/dev/null; then
    echo "ikevpnd did not exit on SIG$sig"; kill -9 "$IOP_IKEVPND_PID"
  fi
  wait "$IOP_IKEVPND_PID" 2>/dev/null
  local rc=$?
  iop_forget "$IOP_IKEVPND_PID"
  IOP_IKEVPND_PID=
  return $rc
}

# iop_vlog_count REGEX: lines of ikevpnd's log matching an extended regex.
iop_vlog_count() { grep -cE "$1" "$IOP_P/ikevpnd/ikevpnd.log"; }

# iop_no_errors: ikevpnd's log has no "error:" line (prints them otherwise).
iop_no_errors() { ! grep -E '^[0-9:.]+ \[[a-z]+\] error: ' "$IOP_P/ikevpnd/ikevpnd.log"; }

# iop_show_warnings: ikevpnd's warnings, for the record (not a failure).
iop_show_warnings() {
  grep -E '^[0-9:.]+ \[[a-z]+\] warn: ' "$IOP_P/ikevpnd/ikevpnd.log" | sed 's/^/     ikevpnd /' | head -10
  return 0
}

# --- checks ----------------------------------------------------------------

# iop_wait SECONDS COMMAND...: poll (every 0.1 s) until COMMAND succeeds;
# how long it took is in IOP_WAITED_MS.
iop_wait() {
  local deadline=$((SECONDS + $1)) t0 rc=1
  t0=$(date +%s%N)
  shift
  while :; do
    "$@" >/dev/null 2>&1 && { rc=0; break; }
    [ $SECONDS -ge $deadline ] && break
    sleep 0.1
  done
  IOP_WAITED_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  return $rc
}

# iop_check DESCRIPTION COMMAND...: one counted check; output on failure.
iop_check() {
  local what=$1; shift
  if "$@" >"$IOP_DIR/last-check.out" 2>&1; then
    echo "ok   $what"; IOP_PASS=$((IOP_PASS + 1))
  else
    echo "FAIL $what"; sed 's/^/     | /' "$IOP_DIR/last-check.out" | tail -20
    IOP_FAIL=$((IOP_FAIL + 1))
  fi
}

# iop_check_wait DESCRIPTION SECONDS COMMAND...: a check that waits for
# COMMAND up to SECONDS and prints how long it took.
iop_check_wait() {
  local what=$1 t=$2; shift 2
  iop_check "$what" iop_wait "$t" "$@"
  echo "     (after $IOP_WAITED_MS ms; limit $t s)"
}

# Charon's view: IKE_SA / CHILD_SA states in `swanctl --list-sas`.
iop_charon_sas() { iop_swanctl --list-sas 2>&1; }
iop_charon_ike_established() { iop_charon_sas | grep -qE "^[^ ].*#[0-9]+, ESTABLISHED"; }
iop_charon_child_installed() { iop_charon_sas | grep -qE "^  [^ ].*#[0-9]+, reqid [0-9]+, INSTALLED, TUNNEL-in-UDP"; }
iop_charon_no_sas() { ! iop_charon_sas | grep -qE "ESTABLISHED|INSTALLED|CONNECTING|REKEY|DELET"; }
# The unique ids (#N) of charon's current IKE_SA and CHILD_SA.
iop_charon_ike_uid() { iop_charon_sas | sed -nE 's/^[^ ].*#([0-9]+), ESTABLISHED.*/\1/p' | tail -1; }
iop_charon_child_uid() { iop_charon_sas | sed -nE 's/^  [^ ].*#([0-9]+), reqid.*INSTALLED.*/\1/p' | tail -1; }

iop_link_up() { ip -n "$IOP_NS_V" link show dev ipsec0 2>/dev/null | grep -q '[<,]UP[,>]'; }
iop_link_down() { ! iop_link_up; }

# iop_ping FROM(v|s) COUNT: ping through the tunnel.
iop_ping() {
  local from=$1 n=${2:-3}
  if [ "$from" = v ]; then
    ip netns exec "$IOP_NS_V" ping -n -c "$n" -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1
  else
    ip netns exec "$IOP_NS_S" ping -n -c "$n" -i 0.2 -W 2 -I 10.2.0.1 10.1.0.1
  fi
}

# iop_ping_both DESCRIPTION: ping both ways, two checks.
iop_ping_both() {
  iop_check "$1: ping ikevpnd -> charon (10.1.0.1 -> 10.2.0.1)" iop_ping v 3
  iop_check "$1: ping charon -> ikevpnd (10.2.0.1 -> 10.1.0.1)" iop_ping s 3
}

# --- capture ---------------------------------------------------------------

# iop_capture_start NAME: record IKE and ESP-in-UDP on the veth into
# $IOP_P/NAME.pcap (read with: tcpdump -n -r FILE).
iop_capture_start() {
  IOP_PCAP=$IOP_P/$1.pcap
  ip netns exec "$IOP_NS_V" tcpdump -i iop-v -U -n -s 0 -w "$IOP_PCAP" 'udp port 500 or udp port 4500' \
    >"$IOP_P/$1.tcpdump.log" 2>&1 &
  IOP_TCPDUMP_PID=$!
  iop_wait 5 grep -q 'listening on' "$IOP_P/$1.tcpdump.log"
}

iop_capture_stop() {
  [ -n "$IOP_TCPDUMP_PID" ] || return 0
  sleep 1  # tcpdump drops what it has not read from its socket yet
  kill "$IOP_TCPDUMP_PID" 2>/dev/null
  wait "$IOP_TCPDUMP_PID" 2>/dev/null
  IOP_TCPDUMP_PID=
}

# iop_pcap_count FILTER: packets in the last capture matching a tcpdump filter.
iop_pcap_count() { tcpdump -n -r "$IOP_PCAP" "$@" 2>/dev/null | wc -l; }

# iop_pcap_esp_both: ESP-in-UDP from each side (at least 3 packets each).
iop_pcap_esp_both() {
  local a b
  a=$(tcpdump -n -r "$IOP_PCAP" 'src 192.0.2.1 and udp port 4500' 2>/dev/null | grep -c 'UDP-encap: ESP')
  b=$(tcpdump -n -r "$IOP_PCAP" 'src 192.0.2.2 and udp port 4500' 2>/dev/null | grep -c 'UDP-encap: ESP')
  echo "ESP-in-UDP packets: ikevpnd->charon $a, charon->ikevpnd $b"
  [ "$a" -ge 3 ] && [ "$b" -ge 3 ]
}

# --- end -------------------------------------------------------------------

# iop_dump_logs: the tails of both daemons' logs, after a failure.
iop_dump_logs() {
  echo "--- last phase ($IOP_P): ikevpnd log (tail) ---"; tail -40 "$IOP_P/ikevpnd/ikevpnd.log" 2>/dev/null
  echo "--- charon log (tail, without enc 2 detail) ---"
  grep -E '\[(IKE|CFG|KNL|DMN|LIB|CHD|NET)\]|(parsed|generating) [A-Z_0-9]+ (request|response)' \
    "$IOP_P/charon/charon.log" 2>/dev/null | grep -v 'vici client' | tail -40
}

iop_finish() {
  [ "$IOP_FAIL" = 0 ] || { iop_dump_logs; echo "logs: $IOP_DIR"; }
  echo "$IOP_PASS passed, $IOP_FAIL failed"
  [ "$IOP_FAIL" = 0 ]
  exit
}
