#!/bin/bash
# Certificate authentication end to end: two ikevpnd in two namespaces
# authenticate with ECDSA P-256 certificates (auth = pubkey, the PKI of
# tests/unit/ike/data/make-certs.sh: left's certificate comes from an
# intermediate CA, its file carries the chain), identify by their subject
# DNs, and ping passes through ipsec0. Then two negative cases, each ending
# with no tunnel and "authentication failed" in both logs:
#   1. the responder trusts another CA: it answers IKE_AUTH with
#      N(AUTHENTICATION_FAILED);
#   2. the initiator trusts another CA: the responder already installed its
#      CHILD_SA, the initiator tells it with an INFORMATIONAL
#      N(AUTHENTICATION_FAILED) (RFC 7296 §2.21.2) and both SAs go.
# Finally --check-config names a key that does not belong to the
# certificate and an unreadable CA file.
#
# usage: cert_test.sh IKEVPND IKEVPNCTL
set -u
IKEVPND=$1 IKEVPNCTL=$2
. "$(dirname "$0")/../lib/netns.sh"
NT_TIMEOUT=55 nt_init cert

PKI=$(cd "$(dirname "$0")/../../unit/ike/data" && pwd)
for f in ca.pem other-ca.pem left-ecdsa.pem left-ecdsa.key right-ecdsa.pem right-ecdsa.key; do
  install -m 0600 "$PKI/$f" "$NT_DIR/$f"
done

A=$(nt_ns a) B=$(nt_ns b)
nt_veth "$A" vA 192.0.2.1/24 "$B" vB 192.0.2.2/24

conf() {  # LOCAL REMOTE ME PEER LNET RNET START CA
  # The keys of a PSK connection but for the authentication.
  nt_psk_conf "$1" "$2" "" "" "10.$5.0.0/24" "10.$6.0.0/24" "10.$5.0.1/24" auth=pubkey psk= \
    cert="$NT_DIR/$3-ecdsa.pem" key="$NT_DIR/$3-ecdsa.key" ca="$NT_DIR/$8" \
    remote-id="C=CH, O=ikevpn test, CN=$4" start-action="$7"
}
run() {  # A_CA B_CA: both daemons with fresh logs
  rm -f "$NT_DIR/a.log" "$NT_DIR/b.log"
  conf 192.0.2.1 192.0.2.2 left right 1 2 start "$1" | nt_conf "$NT_DIR/a.conf"
  conf 192.0.2.2 192.0.2.1 right left 2 1 none "$2" | nt_conf "$NT_DIR/b.conf"
  nt_check "daemon b starts" nt_daemon b "$B" "$NT_DIR/b.conf" --bus none
  nt_check "daemon a starts" nt_daemon a "$A" "$NT_DIR/a.conf" --bus none
  nt_alive a && nt_alive b || nt_finish
}
stop_both() {
  nt_stop a TERM 10
  nt_stop b TERM 10
}

echo "-- ECDSA certificates on both ends"
run ca.pem ca.pem
nt_wait 15 "a: CHILD_SA established" nt_log_has a 'CHILD_SA tun\{[0-9]+\} established'
nt_wait 5 "b: CHILD_SA established" nt_log_has b 'CHILD_SA tun\{[0-9]+\} established'
nt_check "a: peers identified by their certificates' subjects" \
  nt_log_has a 'established between .*\[C=CH, O=ikevpn test, CN=left\] and .*\[C=CH, O=ikevpn test, CN=right\]'
nt_check "b: peers identified by their certificates' subjects" \
  nt_log_has b 'established between .*\[C=CH, O=ikevpn test, CN=right\] and .*\[C=CH, O=ikevpn test, CN=left\]'
nt_wait 5 "a: ipsec0 up" nt_link_up "$A" ipsec0
nt_wait 5 "b: ipsec0 up" nt_link_up "$B" ipsec0
nt_wait 5 "a: route 10.2.0.0/24 dev ipsec0" nt_route_via "$A" 10.2.0.0/24 ipsec0
nt_check "ping a->b through ipsec0" nt_exec "$A" ping -c 3 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1
nt_check "ping b->a through ipsec0" nt_exec "$B" ping -c 3 -i 0.2 -W 2 -I 10.2.0.1 10.1.0.1
stop_both

echo "-- the responder does not trust the initiator's CA"
run ca.pem other-ca.pem
nt_wait 15 "b: authentication of a failed (certificate does not validate)" \
  nt_log_has b 'authentication of C=CH, O=ikevpn test, CN=left failed: certificate .* does not validate'
nt_wait 5 "a: IKE_SA down: AUTHENTICATION_FAILED" nt_log_has a 'IKE_SA tun\[[0-9]+\] down: AUTHENTICATION_FAILED'
nt_check_not "a: no CHILD_SA" nt_log_has a 'CHILD_SA tun\{[0-9]+\} established'
nt_check_not "b: no CHILD_SA" nt_log_has b 'CHILD_SA tun\{[0-9]+\} established'
nt_check_not "a: ipsec0 not up" nt_link_up "$A" ipsec0
nt_check_not "b: ipsec0 not up" nt_link_up "$B" ipsec0
nt_check_not "no traffic passes" nt_exec "$A" ping -c 1 -W 1 -I 10.1.0.1 10.2.0.1
stop_both

echo "-- the initiator does not trust the responder's CA (RFC 7296 §2.21.2)"
run other-ca.pem ca.pem
nt_wait 15 "a: authentication of b failed" \
  nt_log_has a 'authentication of C=CH, O=ikevpn test, CN=right failed: certificate .* does not validate'
nt_wait 5 "b: peer reported AUTHENTICATION_FAILED" \
  nt_log_has b 'peer reported AUTHENTICATION_FAILED: authentication failed'
nt_wait 5 "b: the CHILD_SA it had installed went" \
  nt_log_has b 'CHILD_SA tun\{[0-9]+\} down: peer reported AUTHENTICATION_FAILED'
nt_wait 5 "b: ipsec0 down again" eval '! nt_link_up "$B" ipsec0'
nt_check_not "a: no CHILD_SA" nt_log_has a 'CHILD_SA tun\{[0-9]+\} established'
nt_check_not "a: ipsec0 not up" nt_link_up "$A" ipsec0
stop_both

echo "-- --check-config loads the credentials"
conf 192.0.2.1 192.0.2.2 left right 1 2 start ca.pem | sed "s|^key = .*|key = $NT_DIR/right-ecdsa.key|" \
  | nt_conf "$NT_DIR/bad.conf"
OUT=$("$IKEVPND" --check-config -c "$NT_DIR/bad.conf" 2>&1); RC=$?
echo "$OUT" | sed 's/^/     | /'
nt_check "mismatched key: exit status non-zero ($RC)" test "$RC" -ne 0
nt_check "mismatched key: names file:line, the connection and the key" \
  grep -qE "bad.conf:[0-9]+: connection 'tun': private key $NT_DIR/right-ecdsa.key does not belong" <<<"$OUT"
conf 192.0.2.1 192.0.2.2 left right 1 2 start missing-ca.pem | nt_conf "$NT_DIR/bad2.conf"
OUT=$("$IKEVPND" --check-config -c "$NT_DIR/bad2.conf" 2>&1); RC=$?
echo "$OUT" | sed 's/^/     | /'
nt_check "unreadable CA file: exit status non-zero ($RC)" test "$RC" -ne 0
nt_check "unreadable CA file: named with its connection" grep -q "connection 'tun': .*missing-ca.pem" <<<"$OUT"
conf 192.0.2.1 192.0.2.2 left right 1 2 start ca.pem | nt_conf "$NT_DIR/good.conf"
nt_check "good credentials pass --check-config" "$IKEVPND" --check-config -c "$NT_DIR/good.conf"
nt_finish
