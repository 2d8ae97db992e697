import { createHash, createPublicKey } from 'node:crypto';
import type { Random } from '../repositories/random.repository';

/** RFC 4648 base32: no 0/1/8/9, so a code read aloud or copied by hand is less ambiguous. */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const KIOSK_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export const ENROLMENT_CODE_TTL_MS = 24 * 60 * 60 * 1000;

/** 80 random bits as 4 groups of 4 base32 characters: `K7QM-2XTA-9...`. */
export function formatEnrolmentCode(bytes: Buffer): string {
  if (bytes.length !== 10) throw new RangeError('an enrolment code is made of 10 random bytes');
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)?.join('-') ?? out;
}

/** What a person may type: any case, with or without dashes and spaces. */
export function normaliseEnrolmentCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

export function hashEnrolmentCode(code: string): string {
  return createHash('sha256').update(normaliseEnrolmentCode(code), 'utf8').digest('hex');
}

/** `kiosk-` and 8 characters of [a-z0-9], drawn without modulo bias. */
export function newKioskId(random: Random): string {
  let id = '';
  while (id.length < 8) {
    for (const byte of random.bytes(16)) {
      // 252 = 7 × 36: bytes above it would favour the first letters.
      if (byte < 252 && id.length < 8) id += KIOSK_ID_ALPHABET[byte % 36];
    }
  }
  return `kiosk-${id}`;
}

/** True when the text is an Ed25519 public key in SPKI DER, base64-encoded. */
export function isEd25519SpkiKey(publicKeyBase64: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}
