import { constants, createHash, createPublicKey, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import {
  OFFLINE_PIN_SEAL_ALGORITHM,
  SealedPinPlaintextSchema,
  type OfflineEntryKey,
  type SealedPin,
  type SealedPinPlaintext,
} from '@kiosk/protocols';

/**
 * Sealing a facility PIN to the hub for an offline entry (OFFLINE.md §2): RSA-OAEP with SHA-256 (and
 * MGF1-SHA-256, no label) over the UTF-8 JSON of `{ v: 1, pin, userNumber, clientEntryId }`. The hub
 * opens it; `sealPin` is here for tests and as the reference for terminals.
 */

/** Lowercase hex SHA-256 of the SPKI DER: the id a sealed PIN names its key by. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ format: 'der', type: 'spki' })).digest('hex');
}

/** The public half as the terminal receives it (`lottery.offlineKey`). */
export function offlineEntryKeyOf(publicKey: KeyObject): OfflineEntryKey {
  return {
    keyId: keyIdOf(publicKey),
    algorithm: OFFLINE_PIN_SEAL_ALGORITHM,
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

export function sealPin(key: OfflineEntryKey, plaintext: SealedPinPlaintext): SealedPin {
  const publicKey = createPublicKey({ key: Buffer.from(key.publicKey, 'base64'), format: 'der', type: 'spki' });
  const ciphertext = publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    Buffer.from(JSON.stringify(plaintext), 'utf8'),
  );
  return { keyId: key.keyId, ciphertext: ciphertext.toString('base64') };
}

export type OpenedPin = { ok: true; pin: string } | { ok: false; problem: 'unknown-key' | 'undecryptable' | 'malformed' | 'not-this-entry' };

/**
 * Opens a sealed PIN and checks that it was sealed for this entry (same user number and client entry
 * id as the event carries in clear). Any failure is only a problem code: no detail of the plaintext.
 */
export function openSealedPin(
  privateKey: KeyObject,
  keyId: string,
  sealed: Pick<SealedPin, 'keyId' | 'ciphertext'>,
  /** `offlineSessionId`: the entry's offline sign-in (a v2 seal must name it; a v1 seal names the entry). */
  expected: { userNumber: string; clientEntryId: string; offlineSessionId?: string | null },
): OpenedPin {
  if (sealed.keyId !== keyId) return { ok: false, problem: 'unknown-key' };
  let plaintext: Buffer;
  try {
    plaintext = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(sealed.ciphertext, 'base64'),
    );
  } catch {
    return { ok: false, problem: 'undecryptable' };
  }
  let json: unknown;
  try {
    json = JSON.parse(plaintext.toString('utf8'));
  } catch {
    return { ok: false, problem: 'malformed' };
  } finally {
    plaintext.fill(0);
  }
  const parsed = SealedPinPlaintextSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: 'malformed' };
  const opened = parsed.data;
  const boundHere = opened.v === 1 ? opened.clientEntryId === expected.clientEntryId : opened.offlineSessionId === expected.offlineSessionId;
  if (opened.userNumber !== expected.userNumber || !boundHere) return { ok: false, problem: 'not-this-entry' };
  return { ok: true, pin: parsed.data.pin };
}
