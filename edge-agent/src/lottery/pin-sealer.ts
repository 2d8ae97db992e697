import { constants, createHash, createPublicKey, publicEncrypt } from 'node:crypto';
import { SealedPinPlaintextSchema, type OfflineEntryKey, type SealedPin, type SealedPinPlaintext } from '@kiosk/protocols';

/** The hub's key as it was answered: its id must be the SHA-256 of the public key it names. */
export function offlineKeyMatchesId(key: OfflineEntryKey): boolean {
  return createHash('sha256').update(Buffer.from(key.publicKey, 'base64')).digest('hex') === key.keyId;
}

/**
 * Seals a PIN for the hub (OFFLINE.md §2): RSA-OAEP with SHA-256 over the JSON of
 * `{ v, pin, userNumber, clientEntryId }`, so the sealed PIN only fits this card and this entry. The
 * plaintext buffer is zeroed after encryption; the PIN itself is the caller's buffer to zero.
 */
export function sealPin(key: OfflineEntryKey, pin: Buffer, userNumber: string, clientEntryId: string): SealedPin {
  return seal(key, SealedPinPlaintextSchema.parse({ v: 1, pin: pin.toString('ascii'), userNumber, clientEntryId }));
}

/**
 * Seals a PIN once for an offline sign-in (OFFLINE.md §2, v2): bound to the card and to the sign-in's
 * `offlineSessionId`, which every entry of that sign-in carries with this same sealed PIN, so the hub
 * counts one PIN attempt per sign-in however many entries were made (issue 15).
 */
export function sealSessionPin(key: OfflineEntryKey, pin: Buffer, userNumber: string, offlineSessionId: string): SealedPin {
  return seal(key, SealedPinPlaintextSchema.parse({ v: 2, pin: pin.toString('ascii'), userNumber, offlineSessionId }));
}

function seal(key: OfflineEntryKey, plaintext: SealedPinPlaintext): SealedPin {
  const bytes = Buffer.from(JSON.stringify(plaintext), 'utf8');
  try {
    const publicKey = createPublicKey({ key: Buffer.from(key.publicKey, 'base64'), format: 'der', type: 'spki' });
    const ciphertext = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, bytes);
    return { keyId: key.keyId, ciphertext: ciphertext.toString('base64') };
  } finally {
    bytes.fill(0);
  }
}
