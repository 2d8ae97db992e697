import { Inject, Injectable } from '@nestjs/common';
import { KioskAuthSchema, failure, parseMessage, type Failure } from '@kiosk/protocols';
import { HUB_CONFIG, type HubConfig } from '../config';
import { LOGGER, type Logger } from '../logger';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { KIOSK_REPOSITORY, type KioskRepository } from '../repositories/kiosk.repository';
import { NONCE_REPOSITORY, type NonceRepository } from '../repositories/nonce.repository';
import { checkHandshake, protocolMismatch } from './handshake.rules';

export type Authentication = { ok: true; kioskId: string } | Failure;

/**
 * Authenticates an agent's connection from its signed handshake (timestamp + nonce, Ed25519). Every
 * refusal is logged with the kiosk id it claimed and the reason; never the signature or the nonce.
 */
@Injectable()
export class AgentAuthService {
  private readonly log: Logger;

  constructor(
    @Inject(KIOSK_REPOSITORY) private readonly kiosks: KioskRepository,
    @Inject(NONCE_REPOSITORY) private readonly nonces: NonceRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'agent-auth' });
  }

  async authenticate(rawAuth: unknown, peer: string): Promise<Authentication> {
    const mismatch = protocolMismatch(rawAuth);
    if (mismatch) return this.refuse(failure(mismatch.code, mismatch.message), undefined, peer);
    const parsed = parseMessage(KioskAuthSchema, rawAuth, 'handshake auth');
    if (!parsed.ok) return this.refuse(parsed, undefined, peer);
    const auth = parsed.value;

    const now = this.clock.now().getTime();
    const kiosk = await this.kiosks.findById(auth.kioskId);
    const refusal = checkHandshake(auth, kiosk, now, this.config.handshakeWindowMs);
    if (refusal) return this.refuse(failure(refusal.code, refusal.message), auth.kioskId, peer, refusal.reason);

    // Kept until the timestamp leaves the window; after that the freshness check refuses it anyway.
    const fresh = await this.nonces.claim(auth.kioskId, auth.nonce, auth.timestamp + this.config.handshakeWindowMs, now);
    if (!fresh) return this.refuse(failure('replayed_handshake', 'this handshake was already used'), auth.kioskId, peer);
    return { ok: true, kioskId: auth.kioskId };
  }

  private refuse(result: Failure, kioskId: string | undefined, peer: string, reason?: string): Failure {
    this.log.warn({ kioskId, code: result.error.code, peer, ...(reason ? { reason } : {}) }, 'agent handshake refused');
    return result;
  }
}
