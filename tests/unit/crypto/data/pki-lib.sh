# Shell functions for the test PKI scripts (sourced by make-certs.sh here
# and in tests/unit/ike/data). Expects $days and a scratch directory $tmp;
# writes into the current directory.

ec_key() {  # file curve
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:"$2" -out "$1"
}
ca_ext() {  # writes $tmp/ca.ext, the extensions of an intermediate CA
  cat > "$tmp/ca.ext" <<EXT
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT
}
self_signed() {  # name subject: a P-256 root CA
  ec_key "$1.key" P-256
  openssl req -new -x509 -key "$1.key" -subj "$2" -days "$days" -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$1.pem"
}
signed() {  # name subject issuer extfile: $1.key must exist
  openssl req -new -key "$1.key" -subj "$2" -out "$tmp/$1.csr"
  openssl x509 -req -in "$tmp/$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial \
    -CAserial "$tmp/serial" -days "$days" -sha256 -extfile "$4" -out "$1.pem"
}
