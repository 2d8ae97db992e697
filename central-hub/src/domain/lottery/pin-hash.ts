import { scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Facility PINs are kept only as scrypt hashes with a per-user salt. Four digits are 10,000
 * possibilities, so the hash cannot make a stolen table safe on its own; scrypt makes each guess cost
 * tens of milliseconds and a lot of memory, and the online lock-out stops guessing at the hub.
 *
 * Stored form: `scrypt$<log2 N>$<r>$<p>$<salt base64>$<hash base64>`, so parameters can be raised later
 * and old hashes still verify.
 */
export interface ScryptParams {
  log2N: number;
  r: number;
  p: number;
}

/** N = 2^14, r = 8, p = 1: 16 MiB and roughly 30–60 ms per hash on a small machine. */
export const PIN_SCRYPT: ScryptParams = { log2N: 14, r: 8, p: 1 };
const KEY_LENGTH = 32;
export const PIN_SALT_BYTES = 16;

export class PinHashError extends Error {
  override readonly name = 'PinHashError';
  constructor(readonly reason: 'bad-pin' | 'bad-salt' | 'bad-stored-hash') {
    super(reason);
  }
}

function derive(pin: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.log2N;
  return new Promise((resolve, reject) => {
    scrypt(pin, salt, KEY_LENGTH, { N, r: params.r, p: params.p, maxmem: 256 * N * params.r }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPin(pin: string, salt: Buffer, params: ScryptParams = PIN_SCRYPT): Promise<string> {
  if (!/^[0-9]{4}$/.test(pin)) throw new PinHashError('bad-pin');
  if (salt.length < 16) throw new PinHashError('bad-salt');
  const key = await derive(pin, salt, params);
  return ['scrypt', params.log2N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time comparison of the derived key; a malformed PIN is simply not a match. */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  const [scheme, log2N, r, p, salt, hash] = parts;
  if (parts.length !== 6 || scheme !== 'scrypt' || !salt || !hash) throw new PinHashError('bad-stored-hash');
  const params = { log2N: Number(log2N), r: Number(r), p: Number(p) };
  if (![params.log2N, params.r, params.p].every((n) => Number.isInteger(n) && n > 0) || params.log2N > 20) {
    throw new PinHashError('bad-stored-hash');
  }
  const expected = Buffer.from(hash, 'base64');
  // A malformed PIN still costs one derivation, so its answer takes as long as a wrong one.
  const key = await derive(/^[0-9]{4}$/.test(pin) ? pin : '----', Buffer.from(salt, 'base64'), params);
  return /^[0-9]{4}$/.test(pin) && expected.length === key.length && timingSafeEqual(key, expected);
}
