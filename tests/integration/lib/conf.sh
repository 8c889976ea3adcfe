# shellcheck shell=bash
# conf.sh — ikevpn.conf files for the tests and benchmarks, from sections
# with default keys. Sourced by netns.sh; needs nothing else, so other
# scripts (tests/interop/lib.sh) may source it alone.
#
# Every helper takes KEY=VALUE arguments after its fixed ones: a key the
# section has already is changed in place, a new one is added at the end,
# and KEY= (empty value) drops the key. A positional argument given as ""
# drops its key the same way. Each section ends with a blank line.
#
#   nt_psk_conf 192.0.2.1 192.0.2.2 a b 10.1.0.0/24 10.2.0.0/24 10.1.0.1/24 \
#     start-action=start global.log-level=info,ike=debug | nt_conf "$NT_DIR/a.conf"
#
#   { nt_global retransmit-timeout=500ms
#     nt_psk_section g1 192.0.2.1 192.0.2.2 c g1 10.1.0.0/24 10.9.0.0/24 "" metric=100
#     nt_psk_section g2 198.51.100.1 198.51.100.2 c g2 10.1.0.0/24 10.9.0.0/24 "" interface=ipsec1
#   } | nt_conf "$NT_DIR/c.conf"

# The PSK of the site-to-site tests (quoted as the config wants it).
NT_PSK='"0123456789abcdef0123"'

# nt_section NAME [KEY=VALUE...]: prints "[NAME]" and the keys, in the order
# of their first mention, with the last value given for each.
nt_section() {
  local name=$1 arg key
  shift
  local -a keys=() vals=()
  local -A at=()
  for arg in "$@"; do
    key=${arg%%=*}
    if [ -n "${at[$key]+set}" ]; then
      vals[${at[$key]}]=${arg#*=}
    else
      at[$key]=${#keys[@]}
      keys+=("$key")
      vals+=("${arg#*=}")
    fi
  done
  echo "[$name]"
  local i
  for i in "${!keys[@]}"; do
    [ -n "${vals[$i]}" ] && echo "${keys[$i]} = ${vals[$i]}"
  done
  echo
}

# nt_global [KEY=VALUE...]: the [global] section; by default log level info
# and short retransmissions (1 s, 3 tries).
nt_global() {
  nt_section global log-level=info retransmit-timeout=1s retransmit-tries=3 "$@"
}

# nt_psk_section NAME LOCAL REMOTE LID RID LOCAL_TS REMOTE_TS IF_ADDR
# [KEY=VALUE...]: a PSK connection (ids @LID/@RID, psk $NT_PSK) on ipsec0,
# DPD off.
nt_psk_section() {
  local name=$1
  nt_section "$name" local="$2" remote="$3" local-id="${4:+@$4}" remote-id="${5:+@$5}" \
    auth=psk psk="$NT_PSK" local-ts="$6" remote-ts="$7" interface=ipsec0 interface-address="$8" \
    dpd-delay=0 "${@:9}"
}

# nt_psk_conf LOCAL REMOTE LID RID LOCAL_TS REMOTE_TS IF_ADDR [KEY=VALUE...]:
# a whole config: nt_global and one nt_psk_section "tun". Keys written
# global.KEY=VALUE go to [global], the others to [tun].
nt_psk_conf() {
  local arg
  local -a glob=() conn=()
  for arg in "${@:8}"; do
    case $arg in
      global.*) glob+=("${arg#global.}") ;;
      *) conn+=("$arg") ;;
    esac
  done
  nt_global "${glob[@]}"
  nt_psk_section tun "${@:1:7}" "${conn[@]}"
}

# nt_conf FILE: writes stdin to FILE with mode 0600 (inline PSKs require it).
nt_conf() {
  (umask 077; cat >"$1")
  chmod 600 "$1"
}
