#!/usr/bin/env bash
# MOBIKE (RFC 4555): ikevpnd initiates to strongSwan charon (responder,
# mobike = yes, its default), then ikevpnd's address changes from 192.0.2.1
# to 192.0.2.11. ikevpnd sends UPDATE_SA_ADDRESSES (with NAT detection and
# COOKIE2); charon moves its IKE_SA and CHILD_SA: the same IKE_SA (same
# unique id), its remote now 192.0.2.11, ping through the tunnel both ways.
# Then the other role: charon initiates and moves from 192.0.2.2 to
# 192.0.2.12; ikevpnd, the MOBIKE responder, follows its update.
# usage: interop_mobike_test.sh PATH/TO/ikevpnd [LOGDIR]
# shellcheck disable=SC2317  # check functions are called through iop_check
set -u
. "$(dirname "$0")/lib.sh"
iop_init mobike "$1" "${2:-}"
iop_net_up || { echo "FAIL: network setup"; exit 1; }

IKE=aes256gcm16-prfsha256-x25519
ESP=aes256gcm16

# start_phase NAME IKEVPND_ROLE: both daemons up with mobike = yes
# (charon's connection is loaded as responder; it initiates on demand).
start_phase() {
  p=$1
  iop_phase "$p"
  iop_charon_start || { iop_check "$p: charon starts" false; iop_finish; }
  iop_swanctl_load iop responder "$IKE" "$ESP" "mobike = yes" || iop_check "$p: swanctl --load-all" false
  iop_ikevpnd_conf iop "$2" "$IKE" "$ESP" mobike=yes
  iop_ikevpnd_start || { iop_check "$p: ikevpnd starts" false; iop_finish; }
}

# ping_after_move PHASE: a ping passes each way within 15 s.
ping_after_move() {
  iop_check_wait "$1: after the move: ping ikevpnd -> charon" 15 iop_ping v 3
  iop_check_wait "$1: after the move: ping charon -> ikevpnd" 15 iop_ping s 3
}

charon_remote_is() { iop_charon_sas | grep -qE "^[^ ].*ESTABLISHED.*" && iop_charon_sas | grep -qE "remote .*@ $1\[4500\]"; }

start_phase v-init-move initiator
iop_check_wait "$p: charon IKE_SA ESTABLISHED" 10 iop_charon_ike_established
iop_check_wait "$p: charon CHILD_SA INSTALLED" 10 iop_charon_child_installed
iop_check_wait "$p: ikevpnd's ipsec0 is up" 10 iop_link_up
iop_ping_both "$p: before the move"
UID_BEFORE=$(iop_charon_ike_uid)
iop_check "$p: charon sees ikevpnd at 192.0.2.1[4500] (IKE on 4500, RFC 4555 §3.3)" charon_remote_is 192.0.2.1

iop_log "$p: ikevpnd's address 192.0.2.1 -> 192.0.2.11"
ip -n "$IOP_NS_V" addr del 192.0.2.1/24 dev iop-v
ip -n "$IOP_NS_V" addr add 192.0.2.11/24 dev iop-v
iop_check_wait "$p: ikevpnd sends UPDATE_SA_ADDRESSES from 192.0.2.11" 10 \
  grep -qE 'moving to 192\.0\.2\.11:4500' "$IOP_P/ikevpnd/ikevpnd.log"
iop_check_wait "$p: ikevpnd: moved (COOKIE2 echoed by charon)" 10 \
  grep -qE 'moved to 192\.0\.2\.11:4500' "$IOP_P/ikevpnd/ikevpnd.log"
iop_check_wait "$p: charon's IKE_SA now to 192.0.2.11[4500]" 10 charon_remote_is 192.0.2.11
iop_check "$p: charon: the same IKE_SA (#$UID_BEFORE)" test "$(iop_charon_ike_uid)" = "$UID_BEFORE"
iop_check "$p: charon CHILD_SA still INSTALLED" iop_charon_child_installed
# Right after a move the first pings may be lost (the peers resolve the
# new address, routes settle; once seen on a busy machine): each direction
# may take several tries. The time until one passes is printed.
ping_after_move "$p"
iop_check "$p: ikevpnd: a single IKE_SA established" test "$(iop_vlog_count 'IKE_SA .* established between')" = 1
iop_check "$p: ikevpnd logged no errors" iop_no_errors
iop_show_warnings
iop_stop_all
ip -n "$IOP_NS_V" addr del 192.0.2.11/24 dev iop-v
ip -n "$IOP_NS_V" addr add 192.0.2.1/24 dev iop-v

start_phase s-init-move responder
iop_check "$p: swanctl --initiate succeeds" \
  iop_swanctl --initiate --child net --timeout 10 >>"$IOP_P/charon/swanctl.log" 2>&1
iop_check_wait "$p: ikevpnd's ipsec0 is up" 10 iop_link_up
iop_ping_both "$p: before the move"
UID_BEFORE=$(iop_charon_ike_uid)
iop_log "$p: charon's address 192.0.2.2 -> 192.0.2.12"
# The new address first (kept when the old primary goes), then the old one away.
ip netns exec "$IOP_NS_S" sysctl -qw net.ipv4.conf.iop-s.promote_secondaries=1
ip -n "$IOP_NS_S" addr add 192.0.2.12/24 dev iop-s
ip -n "$IOP_NS_S" addr del 192.0.2.2/24 dev iop-s
iop_check_wait "$p: ikevpnd (responder) follows UPDATE_SA_ADDRESSES to 192.0.2.12" 15 \
  grep -qE 'peer moved from 192\.0\.2\.2:4500 to 192\.0\.2\.12:4500' "$IOP_P/ikevpnd/ikevpnd.log"
iop_check "$p: charon: the same IKE_SA (#$UID_BEFORE)" test "$(iop_charon_ike_uid)" = "$UID_BEFORE"
ping_after_move "$p"
iop_check "$p: ikevpnd: a single IKE_SA established" test "$(iop_vlog_count 'IKE_SA .* established between')" = 1
iop_check "$p: ikevpnd logged no errors" iop_no_errors
iop_show_warnings
iop_stop_all
iop_finish
