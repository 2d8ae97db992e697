import { createPublicKey, verify } from 'node:crypto';
import { PROTOCOL_VERSION, kioskAuthMessage, type ErrorCode, type KioskAuth } from '@kiosk/protocols';

export interface HandshakeRefusal {
  code: ErrorCode;
  message: string;
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
 * The checks that need no storage, in the order that tells a legitimate peer the most useful reason:
 * who (enrolled kiosk), when (fresh), proof (signature). The replay check comes after, in the service,
 * because it writes: an unsigned handshake must not be able to burn a nonce.
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
  if (!kiosk || kiosk.publicKey === null) return { code: 'unknown_kiosk', message: 'no enrolled kiosk has this id' };
  if (!isFresh(auth.timestamp, nowMs, windowMs)) {
    return { code: 'stale_handshake', message: `handshake timestamp is more than ${windowMs} ms away from the hub's clock` };
  }
  if (!hasValidSignature(auth, kiosk.publicKey)) return { code: 'bad_signature', message: 'signature does not verify' };
  return null;
}
