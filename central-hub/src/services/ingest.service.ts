import { Inject, Injectable, Optional } from '@nestjs/common';
import { failure, type BatchAck, type EventBatch } from '@kiosk/protocols';
import { LOGGER, type Logger } from '../logger';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { EVENT_REPOSITORY, SeqConflictError, type EventRepository } from '../repositories/event.repository';
import { METRICS, type Metrics } from '../repositories/metrics.repository';
import { CashReconciliationService } from './cash-reconciliation.service';
import { ChaosService } from './chaos.service';
import { LotteryOfflineService } from './lottery-offline.service';
import { CommandService } from './command.service';
import { effectsOf } from './event-projection.rules';
import { MonitorService } from './monitor.service';

/**
 * Exactly-once ingest of outbox batches: the batch is checked whole, stored with its effects in one
 * transaction under the (kiosk, event id) key, and acked only after the commit with the highest
 * contiguous seq the hub holds. A malformed or conflicting batch changes nothing.
 */
@Injectable()
export class IngestService {
  private readonly log: Logger;
  /**
   * Kiosks whose collections this process has settled (issue 12: the unsettled query after every cash
   * batch cost more than storing the batch). A kiosk's first cash batch after a start settles whatever
   * an earlier process left unsettled; a failed settle drops the kiosk, so its next cash batch retries.
   */
  private readonly cashSettled = new Set<string>();

  constructor(
    @Inject(EVENT_REPOSITORY) private readonly events: EventRepository,
    @Inject(MonitorService) private readonly monitor: MonitorService,
    @Inject(CommandService) private readonly commands: CommandService,
    @Inject(ChaosService) private readonly chaos: ChaosService,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) root: Logger,
    @Optional() @Inject(LotteryOfflineService) private readonly lotteryOffline?: LotteryOfflineService,
    @Optional() @Inject(CashReconciliationService) private readonly cash?: CashReconciliationService,
  ) {
    this.log = root.child({ module: 'ingest' });
  }

  /** `batch` has been parsed by the gateway; the rules here are the ones a schema cannot state. */
  async ingest(kioskId: string, batch: EventBatch): Promise<BatchAck> {
    const { events } = batch;
    const foreign = events.findIndex((event) => event.kioskId !== kioskId);
    if (foreign >= 0) {
      this.log.warn({ kioskId, code: 'kiosk_mismatch', index: foreign }, 'event batch refused');
      this.metrics.eventBatch('refused');
      return failure('kiosk_mismatch', `event ${foreign} belongs to another kiosk; a kiosk may only send its own events`);
    }

    let outcome;
    try {
      const items = events.map((event) => ({ event, effects: effectsOf(event) }));
      outcome = await this.events.ingest(kioskId, items, this.clock.now().toISOString());
    } catch (error) {
      if (!(error instanceof SeqConflictError)) throw error;
      this.log.warn({ kioskId, code: 'invalid_message', reason: error.reason, seq: error.seq }, 'event batch refused');
      this.metrics.eventBatch('refused');
      return failure('invalid_message', error.message);
    }
    this.chaos.afterBatchCommitted();

    const { stored, duplicates, ackedThroughSeq, nextHeldSeq, appliedEffects, completedCommands, auditEntries } = outcome;
    this.log.debug({ kioskId, stored, duplicates, ackedThroughSeq }, 'event batch stored');
    this.metrics.eventBatch('stored');
    this.metrics.eventsIngested(stored, duplicates);
    if (completedCommands.length > 0 || auditEntries.length > 0) await this.commands.completed(completedCommands, auditEntries);
    if (appliedEffects.has('device-health') || appliedEffects.has('agent-version')) await this.monitor.evaluate(kioskId);
    // A collection whose period is now complete is settled (its cash box outcome kept, its alert raised).
    if (this.cash && events.some((event) => event.type.startsWith('cash.')) && this.mayCompleteCollection(kioskId, events, outcome.ackedPastBatch)) {
      this.cashSettled.add(kioskId);
      await this.cash.settle(kioskId).catch((error: unknown) => {
        this.cashSettled.delete(kioskId);
        this.log.error({ err: error, kioskId }, 'cash collection not settled; the next cash batch retries');
      });
    }
    // Recorded as pending in the batch's transaction; judged now, after the ack is decided (and at every lottery tick).
    if (appliedEffects.has('lottery-provisional')) this.lotteryOffline?.judgeSoon();
    if (nextHeldSeq === null) return { ok: true, ackedThroughSeq, stored, duplicates };
    this.log.warn({ kioskId, missingFromSeq: ackedThroughSeq + 1, nextHeldSeq }, 'gap in kiosk event sequence');
    return { ok: true, ackedThroughSeq, stored, duplicates, gap: { missingFromSeq: ackedThroughSeq + 1, nextHeldSeq } };
  }

  /**
   * Whether a collection may have become complete (acknowledged) with this batch: it holds one, or it
   * filled a hole beyond which one may be held, or this process has not settled the kiosk yet.
   */
  private mayCompleteCollection(kioskId: string, events: EventBatch['events'], ackedPastBatch: boolean): boolean {
    return ackedPastBatch || !this.cashSettled.has(kioskId) || events.some((event) => event.type === 'cash.collected');
  }
}
