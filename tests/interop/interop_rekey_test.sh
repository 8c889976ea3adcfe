#!/usr/bin/env bash
# ikevpnd <-> strongSwan charon (kernel-libipsec): CREATE_CHILD_SA rekeys in
# both directions, with short lifetimes on the rekeying side only.
#   v-init-v-rekeys  ikevpnd initiates the SA and rekeys it (child-lifetime,
#                    ike-lifetime): a CHILD_SA rekey, an IKE_SA rekey (the
#                    CHILD_SA moves to the new IKE_SA), a CHILD_SA rekey on
#                    the new IKE_SA. GCM, ESP with PFS (x25519).
#   s-init-s-rekeys  charon initiates and rekeys (rekey_time), same
#                    sequence; GCM, ESP without PFS.
#   s-init-v-rekeys  charon initiates, ikevpnd (the original responder)
#                    rekeys: the IKE rekey swaps the roles. CBC/HMAC with
#                    modp2048, ESP with PFS (modp2048).
# After the rekeys: one IKE_SA and one CHILD_SA on each side (the old ones
# deleted), new SPIs, ping through the tunnel both ways, and a ping that ran
# all along lost (almost) nothing.
# usage: interop_rekey_test.sh PATH/TO/ikevpnd [LOGDIR]
# shellcheck disable=SC2317  # check functions are called through iop_check
set -u
. "$(dirname "$0")/lib.sh"
iop_init rekey "$1" "${2:-}"
iop_net_up || { echo "FAIL: network setup"; exit 1; }

GCM=aes256gcm16-prfsha256-x25519
CBC=aes256-sha256-modp2048

# Rekey timing on the rekeying side: CHILD_SA every 5 s, IKE_SA at 8 s;
# by ~11 s: CHILD rekey (5 s), IKE rekey (8 s), CHILD rekey (10 s).
# The other side keeps its defaults (hours).
V_LIFETIMES=(child-lifetime=30s child-rekey-margin=25s child-rekey-jitter=0
  ike-lifetime=40s ike-rekey-margin=32s ike-rekey-jitter=0)
S_CONN='rekey_time = 8s
    reauth_time = 0
    over_time = 30s
    rand_time = 0'
S_CHILD='rekey_time = 5s
        life_time = 30s
        rand_time = 0'

v_child_rekeys() { iop_vlog_count 'CHILD_SA .* rekeyed with SPIs'; }
v_ike_rekeys() { iop_vlog_count 'IKE_SA .* rekeyed to '; }
rekeys_done() { [ "$(v_child_rekeys)" -ge 2 ] && [ "$(v_ike_rekeys)" -ge 1 ]; }
# One IKE_SA (ESTABLISHED, none REKEYED/DELETING left) and one INSTALLED
# CHILD_SA. Charon keeps a rekeyed CHILD_SA's inbound SA a few seconds in
# state DELETED (delete_rekeyed_delay); that one does not count.
one_of_each() {
  local sas; sas=$(iop_charon_sas)
  [ "$(grep -cE '^[^ ].*#[0-9]+, ' <<<"$sas")" = 1 ] &&
    [ "$(grep -cE '^[^ ].*#[0-9]+, ESTABLISHED' <<<"$sas")" = 1 ] &&
    [ "$(grep -cE '^  [^ ].*#[0-9]+, reqid [0-9]+, INSTALLED' <<<"$sas")" = 1 ]
}

# Background ping from ikevpnd's side for the whole phase.
bg_ping_start() {
  ip netns exec "$IOP_NS_V" ping -n -i 0.2 -W 1 -I 10.1.0.1 10.2.0.1 >"$IOP_P/ping-bg.log" 2>&1 &
  BG_PING=$!
  IOP_PIDS+=("$BG_PING")
}
bg_ping_stop() {
  kill -INT "$BG_PING" 2>/dev/null
  wait "$BG_PING" 2>/dev/null
  iop_forget "$BG_PING"
  local sent recv
  sent=$(sed -nE 's/^([0-9]+) packets transmitted.*/\1/p' "$IOP_P/ping-bg.log")
  recv=$(sed -nE 's/.* ([0-9]+) received.*/\1/p' "$IOP_P/ping-bg.log")
  echo "background ping: ${recv:-?} of ${sent:-?} answered"
  # A few may be lost while the new SAs are installed; not more.
  [ -n "$sent" ] && [ -n "$recv" ] && [ "$sent" -ge 20 ] && [ $((sent - recv)) -le 3 ]
}

# ikevpnd's installed ESP SAs, from its knl debug log: one each way left.
v_esp_sas_one_each() {
  local log=$IOP_P/ikevpnd/ikevpnd.log in out
  in=$(( $(grep -c 'added inbound ESP' "$log") - $(grep -cE 'deleted ESP 0x[0-9a-f]+ 192.0.2.2->192.0.2.1' "$log") ))
  out=$(( $(grep -c 'added outbound ESP' "$log") - $(grep -cE 'deleted ESP 0x[0-9a-f]+ 192.0.2.1->192.0.2.2' "$log") ))
  echo "ikevpnd ESP SAs installed: $in inbound, $out outbound"
  [ "$in" = 1 ] && [ "$out" = 1 ]
}

# run PHASE INITIATOR(v|s) REKEYER(v|s) IKE ESP
run() {
  local p=$1 init=$2 who=$3 ike=$4 esp=$5 v_extra=() s_conn='' s_child=''
  if [ "$who" = v ]; then v_extra=("${V_LIFETIMES[@]}"); else s_conn=$S_CONN; s_child=$S_CHILD; fi
  iop_phase "$p"
  iop_charon_start || { iop_check "$p: charon starts" false; return; }
  iop_swanctl_load iop responder "$ike" "$esp" "$s_conn" "$s_child" ||
    { iop_check "$p: swanctl --load-all" false; return; }
  iop_capture_start "$p"
  if [ "$init" = v ]; then
    iop_ikevpnd_conf iop initiator "$ike" "$esp" "${v_extra[@]}"
    iop_ikevpnd_start || { iop_check "$p: ikevpnd starts" false; return; }
  else
    iop_ikevpnd_conf iop responder "$ike" "$esp" "${v_extra[@]}"
    iop_ikevpnd_start || { iop_check "$p: ikevpnd starts" false; return; }
    iop_check "$p: swanctl --initiate succeeds" \
      iop_swanctl --initiate --child net --timeout 10 >>"$IOP_P/charon/swanctl.log" 2>&1
  fi
  iop_check_wait "$p: CHILD_SA INSTALLED at charon" 10 iop_charon_child_installed
  iop_check_wait "$p: CHILD_SA established at ikevpnd" 10 grep -qE 'CHILD_SA .* established with SPIs' "$IOP_P/ikevpnd/ikevpnd.log"
  iop_wait 10 iop_link_up
  iop_ping_both "$p: before the rekeys"
  local ike0 child0
  ike0=$(iop_charon_ike_uid) child0=$(iop_charon_child_uid)
  iop_swanctl --list-sas >"$IOP_P/sas-before.txt" 2>&1
  bg_ping_start

  iop_check_wait "$p: 2 CHILD_SA rekeys and 1 IKE_SA rekey at ikevpnd" 30 rekeys_done
  iop_check_wait "$p: charon has one IKE_SA and one INSTALLED CHILD_SA again (old ones deleted)" 10 one_of_each
  iop_check_wait "$p: ikevpnd has one inbound and one outbound ESP SA (old ones deleted)" 10 v_esp_sas_one_each
  iop_swanctl --list-sas >"$IOP_P/sas-after.txt" 2>&1
  local ike1 child1
  ike1=$(iop_charon_ike_uid) child1=$(iop_charon_child_uid)
  iop_check "$p: charon's IKE_SA was replaced (#$ike0 -> #${ike1:-none})" test "${ike1:-0}" -gt "${ike0:-0}"
  iop_check "$p: charon's CHILD_SA was replaced at least twice (#$child0 -> #${child1:-none})" \
    test "${child1:-0}" -ge $((${child0:-0} + 2))
  iop_check "$p: charon's CHILD_SA INSTALLED, TUNNEL-in-UDP" iop_charon_child_installed
  # Who sent which request: ikevpnd names its exchanges, charon logs the
  # payloads (a CHILD_SA rekey carries N(REKEY_SA), an IKE_SA rekey does not).
  local peer
  if [ "$who" = v ]; then peer=parsed; else peer=generating; fi
  local clog=$IOP_P/charon/charon.log vlog=$IOP_P/ikevpnd/ikevpnd.log
  iop_check "$p: CHILD_SA rekey request from $who (charon: $peer)" \
    grep -qE "$peer CREATE_CHILD_SA request [0-9]+ \[ N\(REKEY_SA\)" "$clog"
  iop_check "$p: IKE_SA rekey request from $who (charon: $peer)" \
    grep -qE "$peer CREATE_CHILD_SA request [0-9]+ \[ SA No KE \]" "$clog"
  if [ "$who" = v ]; then
    iop_check "$p: ikevpnd sent CHILD_SA and IKE_SA rekey requests" \
      sh -c "grep -q 'sending CHILD_SA rekey request' '$vlog' && grep -q 'sending IKE_SA rekey request' '$vlog'"
  else
    iop_check "$p: ikevpnd sent no rekey request" sh -c "! grep -E 'sending (CHILD|IKE)_SA rekey request' '$vlog'"
  fi
  iop_check "$p: ikevpnd's ipsec0 stayed up (no flap)" sh -c "! grep -q 'ipsec0 down' '$IOP_P/ikevpnd/ikevpnd.log'"
  iop_check "$p: background ping through the rekeys" bg_ping_stop
  iop_ping_both "$p: after the rekeys"
  iop_capture_stop
  iop_check "$p: ESP-in-UDP on the wire, both directions" iop_pcap_esp_both
  iop_check "$p: ikevpnd exits 0 on SIGTERM" iop_ikevpnd_stop TERM
  iop_check_wait "$p: charon's SAs gone after SIGTERM of ikevpnd" 10 iop_charon_no_sas
  iop_check "$p: ikevpnd logged no errors" iop_no_errors
  iop_show_warnings
  iop_stop_all
}

run v-init-v-rekeys v v "$GCM" aes256gcm16-x25519
run s-init-s-rekeys s s "$GCM" aes256gcm16
run s-init-v-rekeys s v "$CBC" aes256-sha256-modp2048
iop_finish
