import { verify as verifySignature, type KeyObject } from 'node:crypto';
import { children, decodeOid, decodeTime, DerError, elementOf, expectTag, readRoot, TAG, valueOf } from './der';

/**
 * A certificate revocation list (RFC 5280 §5), read with our own DER reader because node:crypto has no
 * CRL parser. Only what revocation checking needs: who issued it, when it is current, its signature and
 * the revoked serial numbers. Entry and CRL extensions are skipped (we do not support delta CRLs).
 */
export interface ParsedCrl {
  /** DER of the issuer Name, compared byte for byte with the CA certificate's subject. */
  issuerDer: Buffer;
  thisUpdate: Date;
  nextUpdate: Date | null;
  /** Serial numbers as uppercase hex without leading zeros (see `normaliseSerial`). */
  revokedSerials: ReadonlySet<string>;
  /** The signed part and its signature, checked against the issuer's key by `crlSignedBy`. */
  tbs: Buffer;
  signatureAlgorithm: string;
  signature: Buffer;
}

/** Hash names for the signature algorithms a CRL may use (RSA PKCS#1 v1.5 and ECDSA). */
const SIGNATURE_HASHES: Record<string, string> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/** The same serial whatever its source: node's `serialNumber` (hex) or an INTEGER's bytes. */
export function normaliseSerial(hex: string): string {
  const upper = hex.toUpperCase().replace(/^0+/, '');
  return upper === '' ? '0' : upper;
}

/** PEM (`-----BEGIN X509 CRL-----`) or DER. */
export function crlDer(input: Buffer): Buffer {
  const text = input.subarray(0, 64).toString('latin1');
  if (!text.includes('-----BEGIN')) return input;
  const match = /-----BEGIN X509 CRL-----([A-Za-z0-9+/=\s]+)-----END X509 CRL-----/.exec(input.toString('latin1'));
  if (!match?.[1]) throw new DerError('bad-value', 'PEM without an X509 CRL block');
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}

export function parseCrl(input: Buffer): ParsedCrl {
  const der = crlDer(input);
  const root = readRoot(der, TAG.SEQUENCE, 'CertificateList');
  const [tbsTlv, algTlv, sigTlv, extra] = children(der, root);
  if (extra) throw new DerError('unexpected-tag', 'CertificateList has more than three parts');
  const tbs = expectTag(tbsTlv, TAG.SEQUENCE, 'tbsCertList');
  const signatureAlgorithm = readAlgorithm(der, expectTag(algTlv, TAG.SEQUENCE, 'signatureAlgorithm'));
  const bits = valueOf(der, expectTag(sigTlv, TAG.BIT_STRING, 'signatureValue'));
  if (bits.length < 2 || bits[0] !== 0) throw new DerError('bad-value', 'signature BIT STRING with unused bits');

  const fields = children(der, tbs);
  let i = 0;
  if (fields[i]?.tag === TAG.INTEGER) i++; // version v2
  const innerAlgorithm = readAlgorithm(der, expectTag(fields[i++], TAG.SEQUENCE, 'tbsCertList.signature'));
  if (innerAlgorithm !== signatureAlgorithm) throw new DerError('bad-value', 'the two signature algorithms of the CRL differ');
  const issuer = expectTag(fields[i++], TAG.SEQUENCE, 'issuer');
  const thisUpdateTlv = fields[i++];
  if (!thisUpdateTlv) throw new DerError('truncated', 'thisUpdate is missing');
  const thisUpdate = decodeTime(der, thisUpdateTlv);
  let nextUpdate: Date | null = null;
  const maybeNext = fields[i];
  if (maybeNext && (maybeNext.tag === TAG.UTC_TIME || maybeNext.tag === TAG.GENERALIZED_TIME)) {
    nextUpdate = decodeTime(der, maybeNext);
    i++;
  }
  const revokedSerials = new Set<string>();
  const list = fields[i];
  if (list?.tag === TAG.SEQUENCE) {
    i++;
    for (const entry of children(der, list)) {
      const [serial, date] = children(der, expectTag(entry, TAG.SEQUENCE, 'revokedCertificate'));
      const serialBytes = valueOf(der, expectTag(serial, TAG.INTEGER, 'userCertificate'));
      if (serialBytes.length === 0 || serialBytes.length > 40) throw new DerError('bad-value', 'serial number of an impossible length');
      if (!date) throw new DerError('truncated', 'revocationDate is missing');
      decodeTime(der, date);
      revokedSerials.add(normaliseSerial(serialBytes.toString('hex')));
    }
  }
  if (fields[i]?.tag === TAG.CONTEXT_0) i++; // crlExtensions
  if (i !== fields.length) throw new DerError('unexpected-tag', 'unexpected fields in tbsCertList');

  return {
    issuerDer: Buffer.from(elementOf(der, issuer)),
    thisUpdate,
    nextUpdate,
    revokedSerials,
    tbs: Buffer.from(elementOf(der, tbs)),
    signatureAlgorithm,
    signature: Buffer.from(bits.subarray(1)),
  };
}

function readAlgorithm(buf: Buffer, seq: ReturnType<typeof expectTag>): string {
  const [oid] = children(buf, seq);
  return decodeOid(valueOf(buf, expectTag(oid, TAG.OID, 'algorithm')));
}

/** True when `publicKey` made the CRL's signature (an unknown algorithm is never "signed"). */
export function crlSignedBy(crl: ParsedCrl, publicKey: KeyObject): boolean {
  const hash = SIGNATURE_HASHES[crl.signatureAlgorithm];
  if (!hash) return false;
  try {
    return verifySignature(hash, crl.tbs, publicKey, crl.signature);
  } catch {
    return false;
  }
}

/** True when the CRL is current at `now` (thisUpdate ≤ now < nextUpdate). */
export function crlCurrent(crl: ParsedCrl, now: Date): boolean {
  return crl.thisUpdate.getTime() <= now.getTime() && (crl.nextUpdate === null || now.getTime() < crl.nextUpdate.getTime());
}

/** DER of a certificate's subject Name (node:crypto gives it only as text). */
export function certificateSubjectDer(certificateDer: Buffer): Buffer {
  const root = readRoot(certificateDer, TAG.SEQUENCE, 'Certificate');
  const tbs = expectTag(children(certificateDer, root)[0], TAG.SEQUENCE, 'tbsCertificate');
  const fields = children(certificateDer, tbs);
  // [0] version (optional), serialNumber, signature, issuer, validity, subject
  const offset = fields[0]?.tag === TAG.CONTEXT_0 ? 1 : 0;
  return Buffer.from(elementOf(certificateDer, expectTag(fields[offset + 4], TAG.SEQUENCE, 'subject')));
}
