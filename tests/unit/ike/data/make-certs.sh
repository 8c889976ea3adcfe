#!/bin/sh
# Regenerates the PKI of the IKE_AUTH certificate tests (cert_auth_test.cc)
# with the openssl CLI. The tests set their wall clock from the
# certificates' validity, so the files may be regenerated at any time.
#
#   ca (P-256) ─┬─ intermediate (P-256) ── left-ecdsa (P-256)
#               ├─ right-ecdsa (P-256)
#               ├─ left-rsa, right-rsa (RSA-2048)
#               └─ left-ed25519
#   other-ca (P-256): an unrelated root, for "wrong CA" tests
#
# Subjects are "C=CH, O=ikevpn test, CN=left|right"; subjectAltNames
# DNS:left + IP:192.0.2.1 and DNS:right + IP:192.0.2.2. left-ecdsa.pem holds
# the end entity followed by the intermediate (a chain as `cert =` takes it).
set -eu
cd "$(dirname "$0")"
days=7300
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. ../../crypto/data/pki-lib.sh

ca_ext
for side in left:192.0.2.1 right:192.0.2.2; do
  cat > "$tmp/${side%%:*}.ext" <<EXT
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
subjectAltName = DNS:${side%%:*}, IP:${side#*:}
EXT
done

self_signed ca "/C=CH/O=ikevpn test/CN=ikevpn test CA"
self_signed other-ca "/C=CH/O=ikevpn test/CN=unrelated CA"
ec_key intermediate.key P-256
signed intermediate "/C=CH/O=ikevpn test/CN=ikevpn test intermediate CA" ca "$tmp/ca.ext"

ec_key left-ecdsa.key P-256
signed left-ecdsa "/C=CH/O=ikevpn test/CN=left" intermediate "$tmp/left.ext"
cat intermediate.pem >> left-ecdsa.pem
ec_key right-ecdsa.key P-256
signed right-ecdsa "/C=CH/O=ikevpn test/CN=right" ca "$tmp/right.ext"
for side in left right; do
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$side-rsa.key"
  signed "$side-rsa" "/C=CH/O=ikevpn test/CN=$side" ca "$tmp/$side.ext"
done
openssl genpkey -algorithm ED25519 -out left-ed25519.key
signed left-ed25519 "/C=CH/O=ikevpn test/CN=left" ca "$tmp/left.ext"
# Only the end entities sign in the tests.
rm -f ca.key other-ca.key intermediate.key ca.srl intermediate.srl
