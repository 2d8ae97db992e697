import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  LotteryCardRefusalSchema,
  MunicipalitySchema,
  failure,
  type LotteryCardChallengeAck,
  type LotteryCardSignIn,
  type LotteryCardSignInAck,
} from '@kiosk/protocols';
import { certificateFingerprint } from '../domain/lottery/certificate-fingerprint';
import { ProtocolException } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { KIOSK_REPOSITORY, type KioskRepository } from '../repositories/kiosk.repository';
import { CardAuthService } from './card-auth.service';
import { CertificateRefusal } from './certificate-refusal';
import { FacilityUsersService } from './facility-users.service';
import { SignInRefusedException } from './lottery.errors';

/**
 * Sign-in at a street terminal with a linked My Number card: the card check of certificate issuance
 * (CardAuthService: one-time challenge, signature, chain to the trust anchors, validity, CRL), then
 * the user card of the terminal's municipality linked to the certificate's fingerprint. Answers are
 * acks, refusals included; log lines carry the kiosk and the reason only, never the certificate.
 * Without the certificates module (a hub assembled without it) every card is refused, clearly.
 */
@Injectable()
export class LotteryCardSignInService {
  private readonly log: Logger;

  constructor(
    @Inject(FacilityUsersService) private readonly users: FacilityUsersService,
    @Inject(LOGGER) root: Logger,
    @Optional() @Inject(CardAuthService) private readonly cardAuth?: CardAuthService,
    @Optional() @Inject(KIOSK_REPOSITORY) private readonly kiosks?: KioskRepository,
  ) {
    this.log = root.child({ module: 'lottery-card-sign-in' });
  }

  async challenge(kioskId: string): Promise<LotteryCardChallengeAck> {
    if (!this.cardAuth) return unavailable();
    const { challenge, expiresAt } = await this.cardAuth.issueChallenge(kioskId);
    return { ok: true, challenge: challenge.toString('base64'), expiresAt: expiresAt.toISOString() };
  }

  async signIn(kioskId: string, request: LotteryCardSignIn): Promise<LotteryCardSignInAck> {
    if (!this.cardAuth || !this.kiosks) return unavailable();
    const kiosk = await this.kiosks.findById(kioskId);
    const municipality = MunicipalitySchema.safeParse(kiosk?.municipality);
    if (!municipality.success) return failure('forbidden', 'this terminal is not registered with a lottery municipality');
    try {
      await this.cardAuth.verify(kioskId, request);
    } catch (error) {
      if (!(error instanceof CertificateRefusal)) throw error;
      const reason = LotteryCardRefusalSchema.safeParse(error.code);
      if (!reason.success) throw error;
      return { ...failure('unauthorized', error.failure.error.message), cardRefusal: reason.data };
    }
    try {
      const signedIn = await this.users.signInWithVerifiedCertificate(certificateFingerprint(Buffer.from(request.certificate, 'base64')), municipality.data);
      return { ok: true, ...signedIn };
    } catch (error) {
      if (error instanceof SignInRefusedException && error.code === 'invalid_credentials') {
        this.log.info({ kioskId, code: 'not-linked' }, 'card sign-in refused');
        return { ...error.failure, cardRefusal: 'not-linked' };
      }
      if (error instanceof ProtocolException) return error.failure;
      throw error;
    }
  }
}

function unavailable(): ReturnType<typeof failure> {
  return failure('unauthorized', 'sign-in with a My Number card is not available on this hub; use the user card');
}
