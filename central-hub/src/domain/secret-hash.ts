import { scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Secrets the hub checks but never keeps: technician passwords (services/password.rules.ts) and facility
 * users' PINs (domain/lottery/pin-hash.ts), as scrypt hashes with a random per-secret salt. The stored
 * form carries its own parameters, `scrypt$N$r$p$salt$key` (base64), so they can be raised later without
 * invalidating existing hashes. Comparison is constant-time.
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
/** The most a stored hash may ask for (2^20 with r = 8 is 1 GiB): an edited row cannot exhaust memory. */
const MAX_N = 2 ** 20;
const MIN_KEY_BYTES = 16;

/** A stored hash, taken apart. */
export interface StoredSecret {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function derive(secret: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const { N, r, p } = params;
  return new Promise((resolve, reject) => {
    // NFKC: the same secret typed with full-width or half-width characters (Japanese IMEs) matches.
    scrypt(secret.normalize('NFKC'), salt, params.keyLength, { N, r, p, maxmem: 256 * N * r * p }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashSecret(secret: string, salt: Buffer, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  if (salt.length < SALT_BYTES) throw new RangeError(`a salt has at least ${SALT_BYTES} bytes`);
  const key = await derive(secret, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

const ENCODED = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** Undefined for anything that is not a hash this code writes (or asks for more than MAX_N). */
export function parseStoredSecret(encoded: string): StoredSecret | undefined {
  const match = ENCODED.exec(encoded);
  if (!match) return undefined;
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const powerOfTwo = N >= 2 && (N & (N - 1)) === 0;
  const key = Buffer.from(match[5] ?? '', 'base64');
  if (!powerOfTwo || N > MAX_N || r < 1 || p < 1 || key.length < MIN_KEY_BYTES) return undefined;
  return { params: { N, r, p, keyLength: key.length }, salt: Buffer.from(match[4] ?? '', 'base64'), key };
}

/** Whether `secret` is the one `stored` was made from. */
export async function matchesSecret(secret: string, stored: StoredSecret): Promise<boolean> {
  return timingSafeEqual(await derive(secret, stored.salt, stored.params), stored.key);
}
