import { createHash } from 'node:crypto';

/**
 * How the lottery names a My Number card's user-authentication certificate when it is linked to a user
 * card (`identity_certificates.fingerprint`, protocols `CertificateFingerprintSchema`): lowercase hex
 * SHA-256 of the certificate's DER, so a linked card is found again whichever terminal reads it.
 */
export function certificateFingerprint(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}
