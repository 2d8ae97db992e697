import { constants, verify as verifySignature, X509Certificate } from 'node:crypto';
import type { CardAuthFailureReason } from '@kiosk/protocols';
import { certificateSubjectDer, crlCurrent, crlSignedBy, normaliseSerial, parseCrl, type ParsedCrl } from './crl';

/** A CA the hub trusts for card certificates, with the revocation lists it signed. */
export interface TrustAnchor {
  certificate: X509Certificate;
  crls: readonly ParsedCrl[];
}

/** How the hub names a card certificate: its issuer and serial (RFC 5280's unique pair), and its fingerprint. */
export interface CertificateIdentity {
  issuer: string;
  serialNumber: string;
  fingerprint256: string;
}

export type CardCheck = { ok: true; identity: CertificateIdentity } | { ok: false; reason: CardAuthFailureReason };

export class TrustConfigError extends Error {
  override readonly name = 'TrustConfigError';
  constructor(
    readonly reason: 'no-anchor' | 'bad-anchor' | 'bad-crl' | 'crl-without-issuer' | 'unreadable-file',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Pairs each CRL with the anchor that issued it: same Name and a signature that verifies with that
 * anchor's key. A CRL no anchor signed is a configuration error (a forged list could un-revoke a card).
 */
export function buildTrustAnchors(anchorDers: readonly Buffer[], crlInputs: readonly Buffer[]): TrustAnchor[] {
  if (anchorDers.length === 0) throw new TrustConfigError('no-anchor', 'no trust anchor configured');
  const anchors = anchorDers.map((der, index) => {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(der);
    } catch (error) {
      throw new TrustConfigError('bad-anchor', `trust anchor ${index}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!certificate.ca) throw new TrustConfigError('bad-anchor', `trust anchor ${index} is not a CA certificate`);
    return { certificate, subjectDer: certificateSubjectDer(certificate.raw), crls: [] as ParsedCrl[] };
  });
  crlInputs.forEach((input, index) => {
    let crl: ParsedCrl;
    try {
      crl = parseCrl(input);
    } catch (error) {
      throw new TrustConfigError('bad-crl', `CRL ${index}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const issuer = anchors.find((a) => a.subjectDer.equals(crl.issuerDer) && crlSignedBy(crl, a.certificate.publicKey));
    if (!issuer) throw new TrustConfigError('crl-without-issuer', `CRL ${index} was not signed by any trust anchor`);
    issuer.crls.push(crl);
  });
  return anchors.map(({ certificate, crls }) => ({ certificate, crls }));
}

/**
 * Checks a card's answer to a challenge: the signature (RSA PKCS#1 v1.5 over the DigestInfo of
 * SHA-256(challenge), which is what the JPKI card computes), the certificate's chain to a trust anchor,
 * its validity period at `now`, and revocation by a current CRL of its issuer (none: fail closed).
 */
export function verifyCardResponse(input: {
  challenge: Buffer;
  certificateDer: Buffer;
  signature: Buffer;
  anchors: readonly TrustAnchor[];
  now: Date;
}): CardCheck {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(input.certificateDer);
  } catch {
    return { ok: false, reason: 'malformed-certificate' };
  }
  if (!signatureValid(certificate, input.challenge, input.signature)) return { ok: false, reason: 'bad-signature' };

  const now = input.now.getTime();
  const anchor = input.anchors.find(
    (a) => certificate.checkIssued(a.certificate) && certificate.verify(a.certificate.publicKey) && withinValidity(a.certificate, now) === 'valid',
  );
  if (!anchor || certificate.ca) return { ok: false, reason: 'untrusted-chain' };

  const validity = withinValidity(certificate, now);
  if (validity === 'not-yet-valid') return { ok: false, reason: 'certificate-not-yet-valid' };
  if (validity === 'expired') return { ok: false, reason: 'certificate-expired' };

  const current = anchor.crls.filter((crl) => crlCurrent(crl, input.now));
  if (current.length === 0) return { ok: false, reason: 'revocation-unknown' };
  const serialNumber = normaliseSerial(certificate.serialNumber);
  if (current.some((crl) => crl.revokedSerials.has(serialNumber))) return { ok: false, reason: 'revoked' };

  return { ok: true, identity: { issuer: certificate.issuer, serialNumber, fingerprint256: certificate.fingerprint256 } };
}

function signatureValid(certificate: X509Certificate, challenge: Buffer, signature: Buffer): boolean {
  const key = certificate.publicKey;
  if (key.asymmetricKeyType !== 'rsa') return false;
  try {
    return verifySignature('sha256', challenge, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
}

function withinValidity(certificate: X509Certificate, now: number): 'valid' | 'not-yet-valid' | 'expired' {
  // node 20 gives the dates only as text ("Nov 25 02:00:00 2026 GMT"), which Date parses.
  if (now < Date.parse(certificate.validFrom)) return 'not-yet-valid';
  if (now > Date.parse(certificate.validTo)) return 'expired';
  return 'valid';
}
