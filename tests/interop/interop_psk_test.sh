#!/usr/bin/env bash
# ikevpnd <-> strongSwan charon (kernel-libipsec), PSK, in both roles:
# IKE_SA and CHILD_SA up on both sides, ping through both tunnels both ways,
# the wire carries IKE moved to 4500 and ESP-in-UDP; then the delete paths:
#   - ikevpnd initiator, SIGTERM of ikevpnd      -> charon's SAs are gone
#   - charon initiator, swanctl --terminate --child -> ikevpnd's link down,
#     IKE_SA kept; swanctl --initiate --child -> new CHILD_SA (CREATE_CHILD_SA)
#   - charon initiator, swanctl --terminate       -> ikevpnd's side down
# Phases: gcm-v-init, gcm-s-init (aes256gcm16-prfsha256-x25519 / esp
# aes256gcm16) and cbc-v-init (aes256-sha256-modp2048 / esp aes256-sha256).
# usage: interop_psk_test.sh PATH/TO/ikevpnd [LOGDIR]
# shellcheck disable=SC2317  # check functions are called through iop_check
set -u
. "$(dirname "$0")/lib.sh"
iop_init psk "$1" "${2:-}"
iop_net_up || { echo "FAIL: network setup"; exit 1; }

GCM_IKE=aes256gcm16-prfsha256-x25519
GCM_ESP=aes256gcm16
CBC_IKE=aes256-sha256-modp2048
CBC_ESP=aes256-sha256

# Both sides up and passing traffic; $1 names the phase in messages,
# $2/$3 the expected ESP algorithm in swanctl's and in ikevpnd's notation.
check_up() {
  local p=$1 swan_alg=$2
  iop_check_wait "$p: charon IKE_SA ESTABLISHED" 10 iop_charon_ike_established
  iop_check_wait "$p: charon CHILD_SA INSTALLED, TUNNEL-in-UDP" 10 iop_charon_child_installed
  iop_check "$p: charon uses $swan_alg" sh -c "swanctl --list-sas --uri unix://$IOP_RUN/charon.vici | grep -q 'ESP:$swan_alg'"
  iop_check_wait "$p: ikevpnd logs IKE_SA established" 10 grep -qE 'IKE_SA .* established between' "$IOP_P/ikevpnd/ikevpnd.log"
  iop_check_wait "$p: ikevpnd logs CHILD_SA established on ipsec0" 10 grep -qE 'CHILD_SA .* established with SPIs .* on ipsec0' "$IOP_P/ikevpnd/ikevpnd.log"
  iop_check_wait "$p: ikevpnd's ipsec0 is up" 10 iop_link_up
  iop_check_wait "$p: charon's ipsec0 has its route in table 220" 10 \
    sh -c "ip -n $IOP_NS_S route show table 220 | grep -q '10.1.0.0/24 .*dev ipsec0'"
  iop_ping_both "$p"
}

# The capture of the whole phase (IKE_SA_INIT, IKE_AUTH, ESP, the delete).
check_wire() {
  local p=$1
  iop_capture_stop
  iop_check "$p: IKE_SA_INIT on port 500" test "$(iop_pcap_count 'udp port 500')" -ge 2
  iop_check "$p: IKE moved to 4500 (NAT-T forced by libipsec)" \
    sh -c "tcpdump -n -r $IOP_PCAP 'udp port 4500' 2>/dev/null | grep -q 'isakmp\|IKE\|NONESP'"
  iop_check "$p: ESP-in-UDP on the wire, both directions" iop_pcap_esp_both
  iop_check "$p: no inner ICMP in clear on the veth" test "$(iop_pcap_count icmp)" -eq 0
}

check_clean() {
  local p=$1
  iop_check "$p: ikevpnd logged no errors" iop_no_errors
  iop_show_warnings
}

run_v_init() {  # phase ike esp swanctl-alg
  local p=$1
  iop_phase "$p"
  iop_charon_start || { iop_check "$p: charon starts" false; return; }
  iop_swanctl_load iop responder "$2" "$3" || { iop_check "$p: swanctl --load-all" false; return; }
  iop_capture_start "$p"
  iop_ikevpnd_conf iop initiator "$2" "$3"
  iop_ikevpnd_start || { iop_check "$p: ikevpnd starts" false; return; }
  check_up "$p" "$4"
  # Delete: ikevpnd stops (SIGTERM) and must delete its SAs at the peer.
  iop_check "$p: ikevpnd exits 0 on SIGTERM" iop_ikevpnd_stop TERM
  iop_check_wait "$p: charon's IKE_SA and CHILD_SA gone after SIGTERM of ikevpnd" 10 iop_charon_no_sas
  iop_check "$p: charon received the delete" grep -qE 'received DELETE for IKE_SA|deleting IKE_SA' "$IOP_P/charon/charon.log"
  iop_check_wait "$p: charon's route in table 220 removed" 10 \
    sh -c "! ip -n $IOP_NS_S route show table 220 | grep -q 10.1.0.0/24"
  iop_capture_stop
  check_wire "$p"
  check_clean "$p"
  iop_stop_all
}

run_s_init() {  # phase ike esp swanctl-alg
  local p=$1
  iop_phase "$p"
  iop_charon_start || { iop_check "$p: charon starts" false; return; }
  iop_swanctl_load iop responder "$2" "$3" || { iop_check "$p: swanctl --load-all" false; return; }
  iop_ikevpnd_conf iop responder "$2" "$3"
  iop_ikevpnd_start || { iop_check "$p: ikevpnd starts" false; return; }
  iop_capture_start "$p"
  iop_check "$p: swanctl --initiate succeeds" \
    iop_swanctl --initiate --child net --timeout 10 >>"$IOP_P/charon/swanctl.log" 2>&1
  check_up "$p" "$4"
  # CHILD_SA only: charon deletes it (ikevpnd's link goes down, the IKE_SA
  # stays), then creates a new one with CREATE_CHILD_SA.
  iop_check "$p: swanctl --terminate --child succeeds" \
    sh -c "swanctl --terminate --uri unix://$IOP_RUN/charon.vici --child net --timeout 10 >>'$IOP_P/charon/swanctl.log' 2>&1"
  iop_check_wait "$p: ikevpnd logs CHILD_SA deleted" 10 grep -qE 'CHILD_SA .* deleted' "$IOP_P/ikevpnd/ikevpnd.log"
  iop_check_wait "$p: ikevpnd's ipsec0 is down without a CHILD_SA" 10 iop_link_down
  iop_check "$p: IKE_SA still ESTABLISHED at charon" iop_charon_ike_established
  iop_check "$p: swanctl --initiate --child (CREATE_CHILD_SA) succeeds" \
    sh -c "swanctl --initiate --uri unix://$IOP_RUN/charon.vici --child net --timeout 10 >>'$IOP_P/charon/swanctl.log' 2>&1"
  iop_check_wait "$p: ikevpnd logs a second CHILD_SA established" 10 \
    sh -c "[ \$(grep -cE 'CHILD_SA .* established with SPIs' '$IOP_P/ikevpnd/ikevpnd.log') -ge 2 ]"
  iop_check_wait "$p: ikevpnd's ipsec0 is up again" 10 iop_link_up
  iop_ping_both "$p: new CHILD_SA"
  # Delete: charon terminates; ikevpnd must tear down its side.
  iop_check "$p: swanctl --terminate succeeds" \
    sh -c "swanctl --terminate --uri unix://$IOP_RUN/charon.vici --ike iop --timeout 10 >>'$IOP_P/charon/swanctl.log' 2>&1"
  iop_check_wait "$p: ikevpnd logs IKE_SA down" 10 grep -qE 'IKE_SA .* down' "$IOP_P/ikevpnd/ikevpnd.log"
  iop_check_wait "$p: ikevpnd's ipsec0 is down" 10 iop_link_down
  iop_check "$p: ikevpnd: no route to 10.2.0.0/24 via ipsec0" \
    sh -c "! ip -n $IOP_NS_V route show 10.2.0.0/24 | grep -v blackhole | grep -q ipsec0"
  iop_check "$p: charon has no SAs left" iop_charon_no_sas
  iop_capture_stop
  check_wire "$p"
  check_clean "$p"
  iop_stop_all
}

run_v_init gcm-v-init "$GCM_IKE" "$GCM_ESP" AES_GCM_16-256
run_s_init gcm-s-init "$GCM_IKE" "$GCM_ESP" AES_GCM_16-256
run_v_init cbc-v-init "$CBC_IKE" "$CBC_ESP" AES_CBC-256/HMAC_SHA2_256_128
iop_finish
