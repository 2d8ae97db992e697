import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { PROTOCOL_VERSION, kioskAuthMessage, type ErrorCode, type KioskAuth } from '@kiosk/protocols';

export interface HandshakeRefusal {
  code: ErrorCode;
  message: string;
  /** For the hub's log only, never the peer: the refusal a stranger must not tell apart (no such kiosk). */
  reason?: 'unknown_kiosk';
}

/**
 * A peer on another protocol version may not even send an auth shape this hub can parse, so the
 * version is looked at before the schema: it then hears `unsupported_protocol`, which tells its operator
 * what to do, rather than `invalid_message`.
 */
export function protocolMismatch(rawAuth: unknown): HandshakeRefusal | null {
  if (typeof rawAuth !== 'object' || rawAuth === null) return null;
  const version = (rawAuth as { protocolVersion?: unknown }).protocolVersion;
  if (typeof version === 'number' && version !== PROTOCOL_VERSION) {
    return { code: 'unsupported_protocol', message: `this hub speaks protocol ${PROTOCOL_VERSION}, not ${version}` };
  }
  return null;
}

/** |now - timestamp| within the window: a captured handshake is worthless once the window has passed. */
export function isFresh(timestampMs: number, nowMs: number, windowMs: number): boolean {
  return Math.abs(nowMs - timestampMs) <= windowMs;
}

/** Ed25519 over `kioskAuthMessage(auth)` with the key the kiosk enrolled (SPKI DER, base64). */
export function hasValidSignature(auth: KioskAuth, publicKeySpkiBase64: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKeySpkiBase64, 'base64'), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(kioskAuthMessage(auth)), key, Buffer.from(auth.signature, 'base64'));
  } catch {
    // A malformed signature or stored key verifies nothing.
    return false;
  }
}

/**
 * Stands in for the key of a kiosk id that is not enrolled, so that such a handshake costs the same
 * signature check as one with a wrong key (made once per process; nothing is signed with it).
 */
const DECOY_KEY = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

/** The one answer to "no kiosk enrolled this id" and "not this kiosk's key" (issue 15). */
const NOT_PROVEN = 'the signature does not verify with the key of an enrolled kiosk of this id';

/**
 * The checks that need no storage: protocol, freshness, then proof (the signature, with the enrolled
 * key). A kiosk id that is unknown or not enrolled yet gets the same answer as a wrong signature, after
 * the same work (a decoy key), so a stranger cannot learn which kiosk ids exist (issue 15); the hub's
 * log keeps the difference (`reason`). The replay check comes after, in the service, because it
 * writes: an unsigned handshake must not be able to burn a nonce.
 */
export function checkHandshake(
  auth: KioskAuth,
  kiosk: { publicKey: string | null } | undefined,
  nowMs: number,
  windowMs: number,
): HandshakeRefusal | null {
  if (auth.protocolVersion !== PROTOCOL_VERSION) {
    return { code: 'unsupported_protocol', message: `this hub speaks protocol ${PROTOCOL_VERSION}, not ${auth.protocolVersion}` };
  }
  if (!isFresh(auth.timestamp, nowMs, windowMs)) {
    return { code: 'stale_handshake', message: `handshake timestamp is more than ${windowMs} ms away from the hub's clock` };
  }
  const enrolledKey = kiosk?.publicKey ?? null;
  const verified = hasValidSignature(auth, enrolledKey ?? DECOY_KEY);
  if (enrolledKey === null) return { code: 'bad_signature', message: NOT_PROVEN, reason: 'unknown_kiosk' };
  if (!verified) return { code: 'bad_signature', message: NOT_PROVEN };
  return null;
}
