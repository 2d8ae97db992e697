import { DEFAULT_SCRYPT_PARAMS, SALT_BYTES, hashSecret, matchesSecret, parseStoredSecret, type ScryptParams } from '../secret-hash';

/**
 * Facility PINs are kept only as scrypt hashes with a per-user salt, in the hub's one stored format
 * (../secret-hash.ts, shared with technician passwords). Four digits are 10,000 possibilities, so the
 * hash cannot make a stolen table safe on its own; scrypt makes each guess cost tens of milliseconds
 * and a lot of memory, and the online lock-out stops guessing at the hub.
 */
export const PIN_SCRYPT: ScryptParams = DEFAULT_SCRYPT_PARAMS;
export const PIN_SALT_BYTES = SALT_BYTES;

export class PinHashError extends Error {
  override readonly name = 'PinHashError';
  constructor(readonly reason: 'bad-pin' | 'bad-salt' | 'bad-stored-hash') {
    super(reason);
  }
}

const isPin = (pin: string) => /^[0-9]{4}$/.test(pin);

export async function hashPin(pin: string, salt: Buffer, params: ScryptParams = PIN_SCRYPT): Promise<string> {
  if (!isPin(pin)) throw new PinHashError('bad-pin');
  if (salt.length < PIN_SALT_BYTES) throw new PinHashError('bad-salt');
  return hashSecret(pin, salt, params);
}

/**
 * Constant-time comparison of the derived key; a malformed PIN is simply not a match. A stored value
 * that is not a PIN hash is an error (the users table was damaged), not a wrong PIN.
 */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parsed = parseStoredSecret(stored);
  if (!parsed) throw new PinHashError('bad-stored-hash');
  // A malformed PIN still costs one derivation, so its answer takes as long as a wrong one.
  const matches = await matchesSecret(isPin(pin) ? pin : '----', parsed);
  return isPin(pin) && matches;
}
