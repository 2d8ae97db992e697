import { createHash } from 'node:crypto';
import type { CertificateOrder } from '@kiosk/protocols';

/** RFC 4648 base32 (no 0/1/8/9), so a code copied by hand from paper is less ambiguous. */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const VERIFICATION_CODE_BYTES = 8;

/**
 * A verification code: 60 random bits as three groups of four base32 characters (`K7QM-2XTA-PLRB`).
 * Unguessable: finding one valid code among a city's issuances by trying takes ~2^40 guesses per
 * million codes issued.
 */
export function formatVerificationCode(bytes: Buffer): string {
  if (bytes.length !== VERIFICATION_CODE_BYTES) throw new RangeError(`a verification code is made of ${VERIFICATION_CODE_BYTES} random bytes`);
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  // The top 60 of the 64 bits, 5 at a time, most significant first.
  const top60 = value >> 4n;
  let out = '';
  for (let i = 0n; i < 12n; i++) out += BASE32[Number((top60 >> (55n - 5n * i)) & 31n)];
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}`;
}

/** What a person may type or a QR may carry: any case, with or without dashes and spaces. Null when it cannot be a code. */
export function normaliseVerificationCode(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s-]/g, '');
  if (!/^[A-Z2-7]{12}$/.test(compact)) return null;
  return `${compact.slice(0, 4)}-${compact.slice(4, 8)}-${compact.slice(8, 12)}`;
}

/** A certificate's serial: municipality prefix, JST year and a six-digit yearly sequence (27203-2026-000042). */
export function formatSerial(prefix: string, year: number, seq: number): string {
  if (!Number.isInteger(seq) || seq < 1 || seq > 999_999) throw new RangeError('serial sequence out of range');
  return `${prefix}-${year}-${String(seq).padStart(6, '0')}`;
}

/**
 * Fingerprint of an issue request's content, to tell a retry (same key, same content) from a conflicting
 * reuse of the key. Canonical JSON: keys sorted, so field order on the wire does not matter.
 */
export function issueRequestHash(request: { kioskId: string; cardSessionId: string; order: CertificateOrder; paidFeeYen: number }): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
