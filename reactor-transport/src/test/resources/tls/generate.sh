#!/bin/sh
# Regenerates the test PKI used by TlsTest: a CA and certificates it signed, valid from 2020 for
# 100 years (so a test machine with a clock off by years still accepts them).
# Needs only the JDK's keytool. Run from this directory: ./generate.sh
#   ca.pem          the CA certificate (what a client trusts)
#   server.p12      a server key and chain for 127.0.0.1 and localhost
#   wrong-host.p12  a server key and chain for elsewhere.invalid only (host name check)
#   client.p12      a client key and chain for mutual TLS
# Every store's password is "changeit". The CA's private key is thrown away.
set -eu
PW=changeit
DAYS=36500
START="2020/01/01 00:00:00"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
rm -f ca.pem server.p12 wrong-host.p12 client.p12

keytool -genkeypair -alias ca -keyalg EC -groupname secp256r1 -validity $DAYS -startdate "$START" \
  -dname "CN=Braintrust Reactive Test CA" -ext bc:c=ca:true -ext ku:c=keyCertSign,cRLSign \
  -keystore "$WORK/ca.p12" -storetype PKCS12 -storepass $PW
keytool -exportcert -rfc -alias ca -keystore "$WORK/ca.p12" -storepass $PW > ca.pem

# leaf <store> <cn> <san or "-"> <eku>
leaf() {
  keytool -genkeypair -alias key -keyalg EC -groupname secp256r1 -validity $DAYS -startdate "$START" \
    -dname "CN=$2" -keystore "$1" -storetype PKCS12 -storepass $PW
  keytool -certreq -alias key -keystore "$1" -storepass $PW > "$WORK/req.csr"
  if [ "$3" = "-" ]; then SAN=""; else SAN="-ext san=$3"; fi
  # shellcheck disable=SC2086
  keytool -gencert -alias ca -keystore "$WORK/ca.p12" -storepass $PW -validity $DAYS -startdate "$START" -rfc \
    -infile "$WORK/req.csr" -outfile "$WORK/leaf.pem" $SAN -ext eku=$4 -ext ku=digitalSignature
  keytool -importcert -noprompt -alias ca -file ca.pem -keystore "$1" -storepass $PW
  keytool -importcert -noprompt -alias key -file "$WORK/leaf.pem" -keystore "$1" -storepass $PW
  keytool -delete -alias ca -keystore "$1" -storepass $PW
}

leaf server.p12 localhost ip:127.0.0.1,dns:localhost serverAuth
leaf wrong-host.p12 elsewhere.invalid dns:elsewhere.invalid serverAuth
leaf client.p12 braintrust-test-client - clientAuth
