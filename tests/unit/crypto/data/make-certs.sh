#!/bin/sh
# Regenerates the test keys and certificates in this directory with the
# openssl CLI. The tests read validity periods from the certificates, so the
# files may be regenerated at any time.
#
#   root-ca (P-256) ─┬─ inter-ca (P-256) ── ee-ecdsa (P-256, SANs)
#                    └─ ee-rsa (RSA-2048)
#   other-ca (P-256): an unrelated root, for "wrong CA" tests
#   p384.key, p521.key, ed25519.key: keys for signature round trips
set -eu
cd "$(dirname "$0")"
days=7300
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. ./pki-lib.sh

ca_ext
cat > "$tmp/ee-ecdsa.ext" <<EXT
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
subjectAltName = DNS:gw.example.org, email:gw@example.org, IP:192.0.2.1, IP:2001:db8::1
EXT
cat > "$tmp/ee-rsa.ext" <<EXT
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
subjectAltName = DNS:rsa.example.org
EXT

self_signed root-ca "/O=ikevpn test/CN=ikevpn test root CA"
self_signed other-ca "/O=ikevpn test/CN=ikevpn unrelated CA"
ec_key inter-ca.key P-256
signed inter-ca "/O=ikevpn test/CN=ikevpn test intermediate CA" root-ca "$tmp/ca.ext"
ec_key ee-ecdsa.key P-256
signed ee-ecdsa "/O=ikevpn test/CN=gw.example.org" inter-ca "$tmp/ee-ecdsa.ext"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ee-rsa.key
signed ee-rsa "/O=ikevpn test/CN=rsa.example.org" root-ca "$tmp/ee-rsa.ext"
ec_key p384.key P-384
ec_key p521.key P-521
openssl genpkey -algorithm ED25519 -out ed25519.key
rm -f root-ca.srl inter-ca.srl
