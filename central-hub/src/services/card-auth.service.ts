import { Inject, Injectable } from '@nestjs/common';
import type { CardVerifyRequest } from '@kiosk/protocols';
import { verifyCardResponse, type CertificateIdentity } from '../domain/certificates/card-verification';
import { LOGGER, type Logger } from '../logger';
import { CARD_AUTH_REPOSITORY, type CardAuthRepository } from '../repositories/card-auth.repository';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { RANDOM, type Random } from '../repositories/random.repository';
import { RESIDENT_RECORDS, type ResidentRecords } from '../repositories/resident-records.repository';
import { TRUST_STORE, type TrustStore } from '../repositories/trust-store.repository';
import { CERTIFICATES_CONFIG, type CertificatesConfig } from './certificates.config';
import { refuse } from './certificate-refusal';

export const CHALLENGE_BYTES = 32;

/**
 * My Number card authentication: a one-time challenge, then the card's signature over it checked
 * against the certificate, the certificate against the trust anchors, its validity and revocation,
 * and finally the resident linked to it. Refusals are logged with the kiosk and the reason only:
 * nothing that identifies the card or the person.
 */
@Injectable()
export class CardAuthService {
  private readonly log: Logger;

  constructor(
    @Inject(CARD_AUTH_REPOSITORY) private readonly store: CardAuthRepository,
    @Inject(RESIDENT_RECORDS) private readonly residents: ResidentRecords,
    @Inject(TRUST_STORE) private readonly trust: TrustStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(CERTIFICATES_CONFIG) private readonly config: CertificatesConfig,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'card-auth' });
  }

  async issueChallenge(kioskId: string): Promise<{ challenge: Buffer; expiresAt: Date }> {
    const challenge = this.random.bytes(CHALLENGE_BYTES);
    const now = this.clock.now().getTime();
    const expiresAtMs = now + this.config.challengeTtlMs;
    await this.store.saveChallenge(kioskId, challenge.toString('hex'), expiresAtMs, now);
    return { challenge, expiresAt: new Date(expiresAtMs) };
  }

  /** The resident behind a card's answer, or a CertificateRefusal with the card reason. */
  async authenticate(kioskId: string, request: CardVerifyRequest): Promise<{ residentId: string; identity: CertificateIdentity }> {
    const identity = await this.verify(kioskId, request);
    const residentId = await this.residents.findResidentByCertificate(identity.issuer, identity.serialNumber);
    if (!residentId) return this.refuse(kioskId, 'unknown-resident');
    this.log.info({ kioskId }, 'card authenticated');
    return { residentId, identity };
  }

  /**
   * The card check alone (challenge, signature, chain, validity, revocation), for services that find
   * the person themselves (lottery sign-in by a linked card); a CertificateRefusal with the reason otherwise.
   */
  async verify(kioskId: string, request: CardVerifyRequest): Promise<CertificateIdentity> {
    const challenge = Buffer.from(request.challenge, 'base64');
    // Spent by this attempt whatever its outcome, so a challenge can never be tried twice.
    const taken = await this.store.takeChallenge(kioskId, challenge.toString('hex'));
    const now = this.clock.now();
    if (!taken) return this.refuse(kioskId, 'challenge-unknown');
    if (now.getTime() >= taken.expiresAtMs) return this.refuse(kioskId, 'challenge-expired');

    const check = verifyCardResponse({
      challenge,
      certificateDer: Buffer.from(request.certificate, 'base64'),
      signature: Buffer.from(request.signature, 'base64'),
      anchors: this.trust.anchors(),
      now,
    });
    if (!check.ok) return this.refuse(kioskId, check.reason);
    return check.identity;
  }

  private refuse(kioskId: string, reason: Parameters<typeof refuse>[0]): never {
    this.log.warn({ kioskId, code: reason }, 'card refused');
    throw refuse(reason);
  }
}
