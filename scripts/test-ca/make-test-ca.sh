#!/usr/bin/env bash
# Creates the project's TEST CA — NOT J-LIS: a root CA, RSA-2048 user-authentication certificates for four
# synthetic Toyonaka residents (one revoked, with a CRL), and residents.json with their synthetic names and
# PINs for the virtual My Number cards. Nothing here is a real J-LIS key, certificate or person.
#
#   scripts/test-ca/make-test-ca.sh [output-dir]      (default: data/test-ca)
#
# Idempotent: a finished output directory (it has .complete) is left as it is. The CA is built in a
# temporary directory next to the output and moved into place at the end, so an interrupted run leaves
# nothing half-made. Private keys are mode 0600.
set -euo pipefail

cd "$(dirname "$0")/../.."
out=${1:-data/test-ca}

if [[ -f "$out/.complete" ]]; then
  echo "test CA already present in $out"
  exit 0
fi
if [[ -e "$out" ]] && [[ -n "$(ls -A "$out" 2>/dev/null)" ]]; then
  echo "refusing to write the test CA into $out: it exists, is not empty and is not a finished test CA" >&2
  exit 1
fi

mkdir -p "$(dirname "$out")"
work=$(mktemp -d "$(dirname "$out")/.test-ca.XXXXXX")
trap 'rm -rf "$work"' EXIT
umask 077
mkdir -p "$work/ca/newcerts" "$work/crl" "$work/residents"

cat > "$work/ca/openssl.cnf" <<'CNF'
# openssl configuration of the TEST CA — NOT J-LIS. Run openssl from this directory (dir = .).
[ ca ]
default_ca = test_ca

[ test_ca ]
dir = .
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
crlnumber = $dir/crlnumber
certificate = $dir/root.cert.pem
private_key = $dir/root.key.pem
default_md = sha256
default_days = 1825
default_crl_days = 3650
policy = policy_any
unique_subject = no
copy_extensions = none
utf8 = yes
string_mask = utf8only

[ policy_any ]
countryName = optional
organizationName = optional
commonName = supplied

[ req ]
distinguished_name = req_dn
string_mask = utf8only
utf8 = yes
prompt = no

[ req_dn ]
CN = unused

[ root_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# Like a JPKI user-authentication certificate: signature for authentication only, no name in it.
[ user_auth ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
CNF

(
  cd "$work/ca"
  : > index.txt
  echo 1001 > serial
  echo 01 > crlnumber
  openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out root.key.pem
  openssl req -new -x509 -config openssl.cnf -key root.key.pem -sha256 -days 7300 -utf8 \
    -subj "/C=JP/O=Kiosk Project TEST CA - NOT J-LIS/CN=TEST CA — NOT J-LIS" \
    -extensions root_ca -out root.cert.pem
  openssl x509 -in root.cert.pem -outform DER -out root.cert.der
)

# id | name | kana | birth date | address | PIN | revoked?  (synthetic people; real Toyonaka town names only)
residents=(
  "toyonaka-001|豊中 花子|とよなか はなこ|1984-05-12|大阪府豊中市新千里東町1丁目99番901号|2580|no"
  "toyonaka-002|桜塚 一郎|さくらづか いちろう|1957-11-03|大阪府豊中市中桜塚2丁目98番12号|1357|no"
  "toyonaka-003|千里 美咲|せんり みさき|2001-02-28|大阪府豊中市上野西3丁目97番5号|8642|no"
  "toyonaka-004|庄内 健|しょうない けん|1975-08-20|大阪府豊中市庄内幸町4丁目96番3号|9024|yes"
)

start=$(date -u -d '1 day ago' +%Y%m%d%H%M%SZ)
entries=()
for line in "${residents[@]}"; do
  IFS='|' read -r id name kana birth address pin revoked <<< "$line"
  serial=$(cat "$work/ca/serial")
  cn="JPKI-TEST-AUTH-$serial"
  (
    cd "$work/ca"
    openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "../residents/$id.key.pem"
    openssl req -new -config openssl.cnf -key "../residents/$id.key.pem" -subj "/C=JP/CN=$cn" -out "../residents/$id.csr.pem"
    openssl ca -batch -notext -config openssl.cnf -extensions user_auth -startdate "$start" -days 1825 \
      -in "../residents/$id.csr.pem" -out "../residents/$id.cert.pem" 2>/dev/null
    rm "../residents/$id.csr.pem"
    openssl x509 -in "../residents/$id.cert.pem" -outform DER -out "../residents/$id.cert.der"
    if [[ $revoked == yes ]]; then
      openssl ca -config openssl.cnf -revoke "../residents/$id.cert.pem" -crl_reason keyCompromise 2>/dev/null
    fi
  )
  revoked_json=false
  [[ $revoked == yes ]] && revoked_json=true
  entries+=("    {\"id\": \"$id\", \"nameJa\": \"$name\", \"nameKana\": \"$kana\", \"birthDate\": \"$birth\", \"address\": \"$address\", \"pin\": \"$pin\", \"certificate\": \"residents/$id.cert.pem\", \"privateKey\": \"residents/$id.key.pem\", \"certificateSerial\": \"$serial\", \"subjectCommonName\": \"$cn\", \"revoked\": $revoked_json}")
done

(
  cd "$work/ca"
  openssl ca -config openssl.cnf -gencrl -out ../crl/root.crl.pem 2>/dev/null
  openssl crl -in ../crl/root.crl.pem -outform DER -out ../crl/root.crl.der
)

{
  echo '{'
  echo '  "about": "TEST CA — NOT J-LIS. Synthetic residents for the virtual My Number cards of tests and the demo; not real people. The PINs are test data.",'
  echo '  "rootCertificate": "ca/root.cert.pem",'
  echo '  "crl": "crl/root.crl.pem",'
  echo '  "residents": ['
  for i in "${!entries[@]}"; do
    if (( i + 1 < ${#entries[@]} )); then echo "${entries[$i]},"; else echo "${entries[$i]}"; fi
  done
  echo '  ]'
  echo '}'
} > "$work/residents.json"

cat > "$work/README.txt" <<'TXT'
TEST CA — NOT J-LIS

Made by scripts/test-ca/make-test-ca.sh for tests and the demo. The root key is here in clear, the
residents are invented, the PINs are in residents.json. Never trust this CA outside this project.
TXT

chmod 600 "$work"/ca/root.key.pem "$work"/residents/*.key.pem
chmod -R go-rwx "$work"
touch "$work/.complete"
if [[ -d "$out" ]]; then rmdir "$out"; fi
mv "$work" "$out"
trap - EXIT
echo "test CA (TEST CA — NOT J-LIS) written to $out"
