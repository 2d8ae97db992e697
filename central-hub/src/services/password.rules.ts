import { scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Technician passwords, hashed with scrypt (node:crypto) and a random per-password salt. The stored
 * form carries its own parameters, `scrypt$N$r$p$salt$hash` (base64), so they can be raised later
 * without invalidating existing hashes. Comparison is constant-time.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  keyLength: number;
}

/** 16 MiB and a few tens of milliseconds per hash on a small machine. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 16384, r: 8, p: 1, keyLength: 32 };
export const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r * params.p };
  return new Promise((resolve, reject) => {
    // NFKC: the same password typed with full-width or half-width characters (Japanese IMEs) matches.
    scrypt(password.normalize('NFKC'), salt, params.keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, salt: Buffer, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  if (salt.length < SALT_BYTES) throw new RangeError(`a salt has at least ${SALT_BYTES} bytes`);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

const ENCODED = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** False for a wrong password and for a stored value that is not a hash this code wrote. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const match = ENCODED.exec(encoded);
  if (!match) return false;
  const [, n, r, p, saltText, keyText] = match;
  const expected = Buffer.from(keyText ?? '', 'base64');
  if (expected.length < 16) return false;
  const key = await derive(password, Buffer.from(saltText ?? '', 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    keyLength: expected.length,
  });
  return timingSafeEqual(key, expected);
}
