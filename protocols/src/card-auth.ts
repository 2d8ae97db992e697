import { z } from 'zod';

/**
 * The My Number card check both services run at the hub (CardAuthService): the card signs a one-time
 * challenge with its user-authentication key; the hub checks the certificate (chain, validity, CRL) and the
 * signature. Certificate issuance (`certificates.verify`) and lottery sign-in (`lottery.cardSignIn`) send
 * the same request and can be refused for the same reasons, so both take them from here. This module
 * imports nothing else from protocols, so either may import it without a cycle through outbox-events.
 */

/** The card's user-authentication certificate and its signature of the hub's challenge. The card PIN never leaves the terminal. */
export const CardSignedChallengeSchema = z.strictObject({
  challenge: z.base64().min(40).max(64),
  /** The user-authentication certificate, DER. */
  certificate: z.base64().min(100).max(16_384),
  /** PKCS#1 v1.5 signature of the SHA-256 DigestInfo of the challenge. */
  signature: z.base64().min(80).max(1024),
});
export type CardSignedChallenge = z.infer<typeof CardSignedChallengeSchema>;

/** Why the card check refused a card; each service adds its own reasons after a passed check. */
export const CARD_CHECK_FAILURES = [
  'challenge-unknown',
  'challenge-expired',
  'malformed-certificate',
  'bad-signature',
  'untrusted-chain',
  'certificate-expired',
  'certificate-not-yet-valid',
  'revoked',
  /** No current, verified revocation list for the card's issuer: the hub fails closed. */
  'revocation-unknown',
] as const;
export const CardCheckFailureSchema = z.enum(CARD_CHECK_FAILURES);
export type CardCheckFailure = z.infer<typeof CardCheckFailureSchema>;
