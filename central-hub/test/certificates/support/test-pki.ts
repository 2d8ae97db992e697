import { execFileSync } from 'node:child_process';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { signAsCard } from './project-test-ca';

/**
 * A throw-away PKI made with the openssl CLI for card tests: a root CA standing in for J-LIS (never a
 * real key), a rogue CA nobody trusts, one RSA-2048 card key and certificates with chosen serials and
 * validity periods, and a CRL revoking some of them. Everything lives in `dir`.
 */
export interface TestCa {
  name: string;
  dir: string;
  rootPem: string;
  rootDer: Buffer;
  /** Issues a card certificate for the shared card key; returns its DER. */
  issue(serialHex: string, notBefore: Date, notAfter: Date): Buffer;
  revoke(serialHex: string): void;
  /** A fresh CRL (PEM) listing what was revoked, valid for `days` from `from` (default: now). */
  crl(options?: { days?: number; from?: Date }): Buffer;
}

export interface TestPki {
  root: TestCa;
  rogue: TestCa;
  cardKey: KeyObject;
  cardKeyFile: string;
  /** What the card does: RSA PKCS#1 v1.5 over the DigestInfo of SHA-256(challenge), raw (no hashing inside). */
  cardSign(challenge: Buffer): Buffer;
}

const openssl = (cwd: string, args: string[]) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

/** openssl ca's date format (GeneralizedTime works for every year). */
const asn1Time = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

/**
 * `rootValidity` sets the CA certificates' validity (default: from a day ago for ten years), so a test
 * whose clock stands at a fixed date keeps working on any later day.
 */
export function createTestPki(dir: string, rootValidity?: { from: Date; to: Date }): TestPki {
  mkdirSync(dir, { recursive: true });
  const cardKeyFile = path.join(dir, 'card.key.pem');
  openssl(dir, ['genpkey', '-quiet', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', cardKeyFile]);
  openssl(dir, ['req', '-new', '-key', cardKeyFile, '-subj', '/C=JP/CN=card', '-out', path.join(dir, 'card.csr.pem')]);
  const cardKey = createPrivateKey(readFileSync(cardKeyFile));
  return {
    root: makeCa(path.join(dir, 'root'), 'Kiosk Test Root CA (card tests, NOT J-LIS)', path.join(dir, 'card.csr.pem'), rootValidity),
    rogue: makeCa(path.join(dir, 'rogue'), 'Rogue CA', path.join(dir, 'card.csr.pem'), rootValidity),
    cardKey,
    cardKeyFile,
    cardSign: (challenge) => signAsCard(cardKey, challenge),
  };
}

function makeCa(dir: string, name: string, csr: string, validity = { from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 3650 * 86_400_000) }): TestCa {
  mkdirSync(path.join(dir, 'newcerts'), { recursive: true });
  writeFileSync(path.join(dir, 'index.txt'), '');
  writeFileSync(path.join(dir, 'crlnumber'), '01\n');
  writeFileSync(
    path.join(dir, 'openssl.cnf'),
    `[ ca ]
default_ca = test_ca
[ test_ca ]
dir = .
database = $dir/index.txt
new_certs_dir = $dir/newcerts
crlnumber = $dir/crlnumber
serial = $dir/serial
certificate = $dir/root.cert.pem
private_key = $dir/root.key.pem
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
utf8 = yes
string_mask = utf8only
[ policy_any ]
commonName = supplied
countryName = optional
organizationName = optional
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ root_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ user_auth ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
authorityKeyIdentifier = keyid, issuer
`,
  );
  openssl(dir, ['genpkey', '-quiet', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'root.key.pem']);
  // Self-signed through `openssl ca` rather than `req -x509`, which cannot set notBefore in OpenSSL 3.0.
  openssl(dir, ['req', '-new', '-config', 'openssl.cnf', '-key', 'root.key.pem', '-subj', `/C=JP/O=Kiosk Tests/CN=${name}`, '-out', 'root.csr.pem']);
  writeFileSync(path.join(dir, 'serial'), '01\n');
  openssl(dir, ['ca', '-batch', '-notext', '-selfsign', '-config', 'openssl.cnf', '-keyfile', 'root.key.pem', '-extensions', 'root_ca',
    '-startdate', asn1Time(validity.from), '-enddate', asn1Time(validity.to), '-in', 'root.csr.pem', '-out', 'root.cert.pem']);
  const rootPem = readFileSync(path.join(dir, 'root.cert.pem'), 'utf8');
  const certFile = (serialHex: string) => path.join(dir, `card-${serialHex}.cert.pem`);
  return {
    name,
    dir,
    rootPem,
    rootDer: openssl(dir, ['x509', '-in', 'root.cert.pem', '-outform', 'DER']),
    issue(serialHex, notBefore, notAfter) {
      writeFileSync(path.join(dir, 'serial'), `${serialHex}\n`);
      openssl(dir, ['ca', '-batch', '-notext', '-config', 'openssl.cnf', '-extensions', 'user_auth', '-subj', `/C=JP/CN=JPKI-TEST-AUTH-${serialHex}`,
        '-startdate', asn1Time(notBefore), '-enddate', asn1Time(notAfter), '-in', csr, '-out', certFile(serialHex)]);
      return openssl(dir, ['x509', '-in', certFile(serialHex), '-outform', 'DER']);
    },
    revoke(serialHex) {
      openssl(dir, ['ca', '-config', 'openssl.cnf', '-revoke', certFile(serialHex), '-crl_reason', 'keyCompromise']);
    },
    crl({ days = 30, from }: { days?: number; from?: Date } = {}) {
      const dates = from
        ? ['-crl_lastupdate', asn1Time(from), '-crl_nextupdate', asn1Time(new Date(from.getTime() + days * 86_400_000))]
        : ['-crldays', String(days)];
      openssl(dir, ['ca', '-config', 'openssl.cnf', '-gencrl', ...dates, '-out', 'crl.pem']);
      return readFileSync(path.join(dir, 'crl.pem'));
    },
  };
}
