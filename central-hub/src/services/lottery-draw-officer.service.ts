import { Inject, Injectable } from '@nestjs/common';
import type { DrawWitness, DrawWitnessRequest, DrawWitnessResult } from '@kiosk/protocols';
import { conflict, forbidden, notFound } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { LOTTERY_CLOCK, type Clock } from '../repositories/lottery-clock.repository';
import { LOTTERY_REPOSITORY, type LotteryRepository } from '../repositories/lottery.repository';
import { refusal, type Principal } from './access.rules';
import { AuditService, type AuditRecorder } from './audit.service';
import { refused } from './lottery.errors';
import { LotteryRoundsService } from './lottery-rounds.service';

/**
 * The draw officer's one act (DRAW.md, "The witness"): at a round's draw time, an administrator of its
 * municipality enters the witness value, a public value fixed after the entries closed; the hub keeps it
 * (once, never changed) and draws at once with SHA-256(seed || witness). Until then the round's draw waits.
 */
@Injectable()
export class LotteryDrawOfficerService {
  private readonly log: Logger;

  constructor(
    @Inject(LOTTERY_REPOSITORY) private readonly lottery: LotteryRepository,
    @Inject(LotteryRoundsService) private readonly rounds: LotteryRoundsService,
    @Inject(LOTTERY_CLOCK) private readonly clock: Clock,
    @Inject(AuditService) private readonly audit: AuditRecorder,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'lottery-draw-officer' });
  }

  /**
   * Enters the witness and draws. Entering the same value and source again is answered like the first
   * time (a retried request); another value once one is kept is refused (409), as is any before the
   * draw time (409 `outside_window`): nobody can fix the draw's randomness while entries are open.
   */
  async enterWitness(principal: Principal, roundId: string, request: DrawWitnessRequest): Promise<DrawWitnessResult> {
    const round = await this.lottery.findRound(roundId);
    const refusedFor = round ? refusal(principal, 'run-draw', round.municipality) : 'municipality';
    // A round outside the officer's municipality is "not found" to them, not a hint that it exists.
    if (!round || round.kind !== 'lottery' || refusedFor === 'municipality') throw notFound(`no lottery round ${roundId}`);
    // The witness value itself stays out of the trail: it is published with the results, not before.
    const facts = { action: 'lottery.witness.entered' as const, municipality: round.municipality, target: roundId };
    const refuse = async (reason: string, error: Error): Promise<never> => {
      await this.audit.record(this.audit.draft(principal, { ...facts, outcome: 'refused', detail: { reason, source: request.source } }));
      throw error;
    };
    if (refusedFor === 'role') return refuse('role', forbidden(`a ${principal.role} cannot enter a draw's witness`));
    const now = this.clock.now();
    if (now.getTime() < round.timetable.drawAt.getTime()) {
      return refuse('before-draw-time', refused('outside_window', `the witness is entered at the draw, from ${round.timetable.drawAt.toISOString()}`));
    }
    if (round.witness === null && round.drawnAt !== null) return refuse('drawn-without-witness', conflict(`round ${roundId} was drawn without a witness (format v1)`));
    const entered: DrawWitness = { value: request.value, source: request.source, enteredAt: now.toISOString() };
    const outcome = round.witness === null ? await this.lottery.enterWitness(roundId, entered, principal.username) : 'refused';
    const witness = outcome === 'entered' ? entered : (await this.lottery.findRound(roundId))?.witness;
    if (!witness || witness.value !== request.value || witness.source !== request.source) {
      return refuse('witness-kept', conflict(`round ${roundId} already has its witness; a witness never changes`));
    }
    if (outcome === 'entered') {
      await this.audit.record(this.audit.draft(principal, { ...facts, outcome: 'ok', detail: { source: witness.source } }));
      this.log.info({ roundId, by: principal.username, source: witness.source }, 'lottery draw witness entered');
    }
    let drawn = true;
    try {
      await this.rounds.draw(roundId);
    } catch (error) {
      // Kept with its witness: the scheduler draws it on its next tick.
      drawn = false;
      this.log.error({ roundId, err: error instanceof Error ? error.message : String(error) }, 'lottery draw after its witness failed; the scheduler retries');
    }
    return { roundId, witness, drawn };
  }
}
