#!/bin/sh
# Regenerates the emulator's test CA, its localhost server certificate and the id_token signing
# certificate (10-year validity). Test-only material: never trust ca.pem outside the test suite.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
  -subj "/CN=Makegood Emulator Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout "$tmp/ca-key.pem" -out ca.pem

openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost" \
  -keyout server-key.pem -out "$tmp/server.csr"
cat > "$tmp/server.ext" <<EXT
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EXT
openssl x509 -req -in "$tmp/server.csr" -CA ca.pem -CAkey "$tmp/ca-key.pem" -CAcreateserial \
  -CAserial "$tmp/ca.srl" -days 3650 -sha256 -extfile "$tmp/server.ext" -out server.pem

# Google publishes its id_token keys both as X.509 certificates (oauth2/v1/certs) and as JWKs (v3).
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 -subj "/CN=emulator-id-token-signer" \
  -keyout id-token-key.pem -out id-token-cert.pem
