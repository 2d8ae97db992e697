import { hashSecret, matchesSecret, parseStoredSecret } from '../domain/secret-hash';

/** Technician passwords: scrypt hashes in the hub's one stored format (domain/secret-hash.ts). */
export { DEFAULT_SCRYPT_PARAMS, SALT_BYTES, type ScryptParams } from '../domain/secret-hash';

export const hashPassword = hashSecret;

/** False for a wrong password and for a stored value that is not a hash this code wrote. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const stored = parseStoredSecret(encoded);
  return stored !== undefined && (await matchesSecret(password, stored));
}
