#!/bin/bash
# Responder connection selection by identity (RFC 7296 §2.15): one
# responder (b) with two connections that accept the same addresses
# (local = remote = %any) and differ only by remote-id, PSK, selectors and
# interface; two initiators (alice in namespace a1, bob in a2) connect at
# the same time. IKE_SA_INIT picks a candidate by address, IKE_AUTH moves
# each SA to the connection of the peer's IDi: both tunnels come up, each
# on its own interface, and each initiator's traffic passes. A third
# initiator with an unknown identity is refused.
#
# usage: select_test.sh IKEVPND IKEVPNCTL
set -u
IKEVPND=$1 IKEVPNCTL=$2
. "$(dirname "$0")/../lib/netns.sh"
NT_TIMEOUT=55 nt_init select

A1=$(nt_ns a1) A2=$(nt_ns a2) B=$(nt_ns b)
nt_veth "$A1" v1 192.0.2.1/24 "$B" b1 192.0.2.2/24
nt_veth "$A2" v2 198.51.100.1/24 "$B" b2 198.51.100.2/24

rw() {  # NAME PSK N: b's connection for peer @NAME, inner nets 10.N.0.0/24 <-> 10.9.N.0/24 on ipsec(N-1)
  nt_psk_section "$1" %any %any gw "$1" "10.9.$3.0/24" "10.$3.0.0/24" "10.9.$3.1/24" psk="\"$2\"" \
    interface="ipsec$(($3 - 1))"
}
client() {  # NAME PSK N LOCAL GW
  nt_global
  nt_psk_section gw "$4" "$5" "$1" gw "10.$3.0.0/24" "10.9.$3.0/24" "10.$3.0.1/24" psk="\"$2\"" start-action=start
}
{
  nt_section global log-level=info
  rw alice alice-secret-0123456789 1
  rw bob bob-secret-0123456789abc 2
} | nt_conf "$NT_DIR/b.conf"
client alice alice-secret-0123456789 1 192.0.2.1 192.0.2.2 | nt_conf "$NT_DIR/a1.conf"
client bob bob-secret-0123456789abc 2 198.51.100.1 198.51.100.2 | nt_conf "$NT_DIR/a2.conf"

nt_check "daemon b starts" nt_daemon b "$B" "$NT_DIR/b.conf" --bus none
nt_check "daemon alice starts" nt_daemon a1 "$A1" "$NT_DIR/a1.conf" --bus none
nt_check "daemon bob starts" nt_daemon a2 "$A2" "$NT_DIR/a2.conf" --bus none
nt_alive b && nt_alive a1 && nt_alive a2 || nt_finish

nt_wait 15 "alice: CHILD_SA established" nt_log_has a1 'CHILD_SA gw\{[0-9]+\} established'
nt_wait 15 "bob: CHILD_SA established" nt_log_has a2 'CHILD_SA gw\{[0-9]+\} established'
nt_wait 5 "b: alice's CHILD_SA on connection alice, ipsec0" nt_log_has b 'CHILD_SA alice\{[0-9]+\} established.* on ipsec0'
nt_wait 5 "b: bob's CHILD_SA on connection bob, ipsec1" nt_log_has b 'CHILD_SA bob\{[0-9]+\} established.* on ipsec1'
nt_check "b: alice authenticated as @alice" nt_log_has b 'IKE_SA alice\[[0-9]+\] established between .*\[@alice\]'
nt_check "b: bob authenticated as @bob" nt_log_has b 'IKE_SA bob\[[0-9]+\] established between .*\[@bob\]'
nt_check_not "b: no authentication failure" nt_log_has b 'AUTHENTICATION_FAILED|authentication .* failed'
nt_wait 5 "b: ipsec0 up" nt_link_up "$B" ipsec0
nt_wait 5 "b: ipsec1 up" nt_link_up "$B" ipsec1
nt_wait 5 "alice: ipsec0 up" nt_link_up "$A1" ipsec0
nt_wait 5 "bob: ipsec0 up" nt_link_up "$A2" ipsec0
nt_check "ping alice->b through the tunnel" nt_exec "$A1" ping -c 3 -i 0.2 -W 2 -I 10.1.0.1 10.9.1.1
nt_check "ping bob->b through the tunnel" nt_exec "$A2" ping -c 3 -i 0.2 -W 2 -I 10.2.0.1 10.9.2.1

echo "-- an identity neither connection accepts"
nt_stop a2 TERM 10
client mallory bob-secret-0123456789abc 2 198.51.100.1 198.51.100.2 | nt_conf "$NT_DIR/a3.conf"
MARK=$(nt_log_mark b)
nt_check "daemon mallory starts" nt_daemon a3 "$A2" "$NT_DIR/a3.conf" --bus none
nt_wait 15 "mallory: AUTHENTICATION_FAILED" nt_log_has a3 'IKE_SA gw\[[0-9]+\] down: AUTHENTICATION_FAILED'
nt_check "b: refused @mallory" nt_log_since b "$MARK" 'peer identity @mallory is not the configured'
nt_check_not "mallory: no CHILD_SA" nt_log_has a3 'CHILD_SA gw\{[0-9]+\} established'
nt_check "alice's tunnel still passes traffic" nt_exec "$A1" ping -c 2 -i 0.2 -W 2 -I 10.1.0.1 10.9.1.1
nt_finish
