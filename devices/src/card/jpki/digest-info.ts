import { createHash } from 'node:crypto';
import { CardArgumentError } from '../errors';

/**
 * DER prefix of a PKCS#1 v1.5 DigestInfo for SHA-256 (RFC 8017 §9.2 note 1):
 *   30 31                      SEQUENCE, 49 bytes
 *     30 0d                    SEQUENCE (AlgorithmIdentifier), 13 bytes
 *       06 09 60864801650304 0201   OID 2.16.840.1.101.3.4.2.1 (sha256)
 *       05 00                  NULL parameters
 *     04 20                    OCTET STRING, 32 bytes: the hash follows
 */
export const SHA256_DIGEST_INFO_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex');

export function sha256DigestInfo(hash: Buffer): Buffer {
  if (hash.length !== 32) throw new CardArgumentError(`a SHA-256 hash has 32 bytes, got ${hash.length}`);
  return Buffer.concat([SHA256_DIGEST_INFO_PREFIX, hash]);
}

/** The DigestInfo the card signs for a challenge: what `crypto.verify('sha256', challenge, key, sig)` checks. */
export function challengeDigestInfo(challenge: Buffer): Buffer {
  return sha256DigestInfo(createHash('sha256').update(challenge).digest());
}
