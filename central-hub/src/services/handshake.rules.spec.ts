import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { PROTOCOL_VERSION, kioskAuthMessage, type KioskAuth } from '@kiosk/protocols';
import { checkHandshake, hasValidSignature, isFresh, protocolMismatch } from './handshake.rules';

function signed(privateKey: KeyObject, overrides: Partial<KioskAuth> = {}): KioskAuth {
  const unsigned = { kioskId: 'kiosk-abcd1234', protocolVersion: PROTOCOL_VERSION, timestamp: 1_000_000, nonce: 'bm9uY2Utbm9uY2Utbm9uY2U', ...overrides };
  return { ...unsigned, signature: sign(null, Buffer.from(kioskAuthMessage(unsigned)), privateKey).toString('base64') };
}

describe('handshake rules', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const enrolled = { publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
  const window = 60_000;

  it('accepts a fresh handshake signed by the enrolled key', () => {
    expect(checkHandshake(signed(privateKey), enrolled, 1_000_000 + window, window)).toBeNull();
  });

  it('refuses, in order: protocol, staleness, signature', () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    expect(checkHandshake(signed(privateKey, { protocolVersion: 2 }), enrolled, 1_000_000, window)?.code).toBe('unsupported_protocol');
    // A stale handshake signed by a stranger is reported as stale: freshness is checked first.
    expect(checkHandshake(signed(other), enrolled, 1_000_000 + window + 1, window)?.code).toBe('stale_handshake');
    expect(checkHandshake(signed(other), undefined, 1_000_000 + window + 1, window)?.code).toBe('stale_handshake');
    expect(checkHandshake(signed(other), enrolled, 1_000_000, window)).toEqual({ code: 'bad_signature', message: expect.any(String) as string });
  });

  it('answers an unknown or unenrolled kiosk id exactly as a wrong key, so a stranger learns no kiosk id (issue 15)', () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    const wrongKey = checkHandshake(signed(other), enrolled, 1_000_000, window);
    for (const kiosk of [undefined, { publicKey: null }]) {
      const refusal = checkHandshake(signed(privateKey), kiosk, 1_000_000, window);
      expect(refusal).toEqual({ ...wrongKey, reason: 'unknown_kiosk' });
    }
  });

  it('judges freshness symmetrically, inclusive of the window edge', () => {
    expect(isFresh(1000, 1000 + window, window)).toBe(true);
    expect(isFresh(1000, 1000 + window + 1, window)).toBe(false);
    expect(isFresh(1000 + window + 1, 1000, window)).toBe(false);
  });

  it('treats a tampered field, a garbage signature or a garbage key as a bad signature', () => {
    const auth = signed(privateKey);
    expect(hasValidSignature(auth, enrolled.publicKey)).toBe(true);
    expect(hasValidSignature({ ...auth, nonce: 'b3RoZXItbm9uY2Utb3RoZXI' }, enrolled.publicKey)).toBe(false);
    expect(hasValidSignature({ ...auth, signature: 'AAAA' }, enrolled.publicKey)).toBe(false);
    expect(hasValidSignature(auth, 'bm90IGEga2V5')).toBe(false);
  });

  it('spots another protocol version before the auth is parsed', () => {
    expect(protocolMismatch({ protocolVersion: PROTOCOL_VERSION + 1, anything: true })?.code).toBe('unsupported_protocol');
    expect(protocolMismatch({ protocolVersion: PROTOCOL_VERSION })).toBeNull();
    expect(protocolMismatch(undefined)).toBeNull();
    expect(protocolMismatch({ protocolVersion: 'one' })).toBeNull();
  });
});
