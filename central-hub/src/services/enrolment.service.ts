import { Inject, Injectable } from '@nestjs/common';
import type { EnrolRequest, EnrolResponse, EnrolmentCodeRequest, EnrolmentCodeResponse } from '@kiosk/protocols';
import { badRequest } from '../errors';
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
import { runInBackground } from './background';
import { FleetService } from './fleet.service';

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
    @Inject(FleetService) private readonly fleet: FleetService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'enrolment' });
  }

  async createCode(request: EnrolmentCodeRequest): Promise<EnrolmentCodeResponse> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + ENROLMENT_CODE_TTL_MS).toISOString();
    // Kiosk ids have 36^8 values; a clash is unlikely but must not become a 500.
    for (let attempt = 1; ; attempt++) {
      const kioskId = newKioskId(this.random);
      const code = formatEnrolmentCode(this.random.bytes(10));
      try {
        await this.enrolments.createCode({
          codeHash: hashEnrolmentCode(code),
          kiosk: { kioskId, ...request },
          createdAt: now.toISOString(),
          expiresAt,
        });
      } catch (error) {
        if (error instanceof KioskIdTakenError && attempt < 5) continue;
        throw error;
      }
      this.log.info({ kioskId, expiresAt }, 'enrolment code created');
      runInBackground(this.log, 'publish new kiosk', () => this.fleet.publish(kioskId));
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
    const kioskId = await this.enrolments.redeem({
      codeHash: hashEnrolmentCode(request.code),
      publicKey: request.publicKey,
      now: this.clock.now().toISOString(),
    });
    if (kioskId === undefined) {
      this.log.warn({ code: 'invalid_enrolment_code' }, 'enrolment refused');
      throw badRequest('invalid_enrolment_code', 'enrolment code is unknown, expired or already used');
    }
    this.log.info({ kioskId }, 'kiosk enrolled');
    runInBackground(this.log, 'publish enrolled kiosk', () => this.fleet.publish(kioskId));
    return { kioskId };
  }
}
