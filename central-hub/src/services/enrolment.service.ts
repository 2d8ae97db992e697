import { Inject, Injectable } from '@nestjs/common';
import type { EnrolRequest, EnrolResponse, EnrolmentCodeRequest, EnrolmentCodeResponse } from '@kiosk/protocols';
import { badRequest, forbidden } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { ENROLMENT_REPOSITORY, KioskIdTakenError, type EnrolmentRepository } from '../repositories/enrolment.repository';
import { RANDOM, type Random } from '../repositories/random.repository';
import {
  ENROLMENT_CODE_TTL_MS,
  formatEnrolmentCode,
  hashEnrolmentCode,
  isEd25519SpkiKey,
  newKioskId,
} from './enrolment-code.rules';
import { can, type Principal } from './access.rules';
import { AuditService } from './audit.service';
import { runInBackground } from './background';
import { MonitorService } from './monitor.service';

/**
 * Kiosk enrolment: an operator creates a one-time code (the hub picks the kiosk id); the agent
 * presents it once with its Ed25519 public key. The code is a bearer secret: only its hash is stored,
 * and it is never logged.
 */
@Injectable()
export class EnrolmentService {
  private readonly log: Logger;

  constructor(
    @Inject(ENROLMENT_REPOSITORY) private readonly enrolments: EnrolmentRepository,
    @Inject(MonitorService) private readonly monitor: MonitorService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'enrolment' });
  }

  /** Administrators only, and only for their own municipality (unless they have every one). */
  async createCode(principal: Principal, request: EnrolmentCodeRequest): Promise<EnrolmentCodeResponse> {
    if (!can(principal, 'enrol', request.municipality)) {
      this.log.warn({ username: principal.username, code: 'forbidden' }, 'enrolment code refused');
      await this.audit.record(
        this.audit.draft(principal, {
          action: 'enrolment-code.created',
          outcome: 'refused',
          municipality: request.municipality,
          detail: { site: request.site, role: principal.role },
        }),
      );
      throw forbidden('only an administrator of that municipality may create enrolment codes');
    }
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + ENROLMENT_CODE_TTL_MS).toISOString();
    // Kiosk ids have 36^8 values; a clash is unlikely but must not become a 500.
    for (let attempt = 1; ; attempt++) {
      const kioskId = newKioskId(this.random);
      const code = formatEnrolmentCode(this.random.bytes(10));
      try {
        const entry = await this.enrolments.createCode(
          { codeHash: hashEnrolmentCode(code), kiosk: { kioskId, ...request }, createdAt: now.toISOString(), expiresAt },
          this.audit.draft(principal, {
            action: 'enrolment-code.created',
            outcome: 'ok',
            municipality: request.municipality,
            kioskId,
            detail: { site: request.site, kind: request.kind, expiresAt },
          }),
        );
        this.audit.published(entry);
      } catch (error) {
        if (error instanceof KioskIdTakenError && attempt < 5) continue;
        throw error;
      }
      this.log.info({ kioskId, expiresAt }, 'enrolment code created');
      runInBackground(this.log, 'publish new kiosk', () => this.monitor.evaluate(kioskId));
      return { code, kioskId, expiresAt };
    }
  }

  async enrol(request: EnrolRequest): Promise<EnrolResponse> {
    // The key is checked before the code is used, so a bad key does not burn the code.
    if (!isEd25519SpkiKey(request.publicKey)) {
      this.log.warn({ code: 'invalid_message' }, 'enrolment refused: not an Ed25519 SPKI public key');
      throw badRequest('invalid_message', 'publicKey must be an Ed25519 public key (SPKI DER, base64)', [
        { path: 'publicKey', message: 'not an Ed25519 SPKI public key' },
      ]);
    }
    const redeemed = await this.enrolments.redeem(
      { codeHash: hashEnrolmentCode(request.code), publicKey: request.publicKey, now: this.clock.now().toISOString() },
      (kiosk) =>
        this.audit.systemDraft(
          { actor: `kiosk:${kiosk.kioskId}`, actorKind: 'kiosk' },
          { action: 'kiosk.enrolled', outcome: 'ok', municipality: kiosk.municipality, kioskId: kiosk.kioskId },
        ),
    );
    if (redeemed === undefined) {
      this.log.warn({ code: 'invalid_enrolment_code' }, 'enrolment refused');
      throw badRequest('invalid_enrolment_code', 'enrolment code is unknown, expired or already used');
    }
    const { kioskId, entry } = redeemed;
    if (redeemed.repeated) {
      // The kiosk's agent did not hear the first answer, or died before saving it: same key, same answer.
      this.log.info({ kioskId }, 'kiosk enrolment repeated with the key it enrolled');
      return { kioskId };
    }
    this.audit.published(entry);
    this.log.info({ kioskId }, 'kiosk enrolled');
    runInBackground(this.log, 'publish enrolled kiosk', () => this.monitor.evaluate(kioskId));
    return { kioskId };
  }
}
