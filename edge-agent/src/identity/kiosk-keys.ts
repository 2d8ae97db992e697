import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { PROTOCOL_VERSION, kioskAuthMessage, type KioskAuth } from '@kiosk/protocols';
import type { Clock } from '../clock';

export interface KioskKeyPair {
  privateKeyPem: string;
  /** Ed25519 public key, SPKI DER, base64: what the hub stores at enrolment. */
  publicKeySpkiBase64: string;
}

export function generateKioskKeyPair(): KioskKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeySpkiBase64: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

/**
 * Builds the handshake `auth` for one connection attempt. Each call takes a fresh timestamp and nonce:
 * the hub accepts a nonce once, so an auth object must never be reused across attempts.
 */
export class KioskSigner {
  private readonly key: KeyObject;

  constructor(
    readonly kioskId: string,
    privateKeyPem: string,
    private readonly clock: Clock,
    private readonly random: (size: number) => Buffer = randomBytes,
  ) {
    this.key = createPrivateKey(privateKeyPem);
  }

  handshake(): KioskAuth {
    const unsigned = {
      kioskId: this.kioskId,
      protocolVersion: PROTOCOL_VERSION,
      timestamp: this.clock.now().getTime(),
      nonce: this.random(16).toString('base64url'),
    };
    const signature = sign(null, Buffer.from(kioskAuthMessage(unsigned)), this.key).toString('base64');
    return { ...unsigned, signature };
  }
}
