import { createHash } from 'node:crypto';
import type { Random } from '../repositories/random.repository';

/**
 * Bearer session tokens, for technicians' consoles and facility users' terminal sessions alike: 32
 * random bytes (base64url) handed to the client once; only their SHA-256 is stored, so a copy of the
 * database signs no one in.
 */
export function newSessionToken(random: Random): string {
  return random.bytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
