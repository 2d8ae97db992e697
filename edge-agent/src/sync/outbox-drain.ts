import type { OutboxEvent } from '@kiosk/protocols';
import type { ChaosHooks } from '../chaos';
import { sleep, type Clock } from '../clock';
import type { Logger } from '../logger';
import type { AgentState } from '../status/agent-state';
import type { Outbox } from '../store/outbox';
import { decideBatchAck, type SentBatch } from './ack-decision';
import { backoffDelay, type BackoffPolicy } from './backoff';
import { AckTimeoutError, ConnectionLostError, InvalidReplyError } from './errors';
import type { HubSession } from './hub-session';
import type { WakeSignal } from './wake-signal';

export interface OutboxDrainDeps {
  outbox: Outbox;
  batchSize: number;
  pollMs: number;
  /** Pause between resends when the hub answers but does not take the batch. */
  retryBackoff: BackoffPolicy;
  wake: WakeSignal;
  state: AgentState;
  chaos: ChaosHooks;
  clock: Clock;
  logger: Logger;
  random?: () => number;
}

/**
 * Sends the outbox to the hub over one session, one batch in flight at a time, lowest seq first. A row
 * leaves the outbox only after the hub's ok ack for it; anything else (refusal, timeout, lost connection)
 * leaves it where it is, to be sent again. Resending is harmless: the hub absorbs duplicates by event id.
 */
export class OutboxDrain {
  private okAcks = 0;
  /** While the next seq is ≤ this, batches carry one event (finding the one the hub refuses). */
  private isolateThroughSeq = 0;
  private failuresInARow = 0;
  private lastGapLogged = 0;

  constructor(private readonly deps: OutboxDrainDeps) {}

  /** After hello: forget rows the hub already holds (their ack was lost, e.g. we crashed before deleting). */
  dropHeldByHub(ackedThroughSeq: number): number {
    const { lastSeq } = this.deps.outbox.stats();
    if (ackedThroughSeq > lastSeq) {
      // The hub holds seqs we never issued: this database was replaced or reset. Deleting on that basis
      // could drop events the hub never saw under these ids, so delete nothing and say so.
      this.deps.logger.error({ hubAckedThroughSeq: ackedThroughSeq, localLastSeq: lastSeq }, 'hub holds seqs this outbox never issued; local database replaced?');
      return 0;
    }
    return this.deps.outbox.ackThrough(ackedThroughSeq);
  }

  /** Runs until the session closes (returns normally) or an unexpected error (throws). */
  async run(session: HubSession): Promise<void> {
    const { outbox, logger } = this.deps;
    // One subscription per session (not per wait): waits and pauses end as soon as the connection does.
    const ended = new AbortController();
    void session.closed.then(() => {
      ended.abort();
      this.deps.wake.notify();
    });
    while (session.open) {
      const peeked = outbox.peek(this.deps.batchSize);
      const first = peeked[0];
      if (first === undefined) {
        this.isolateThroughSeq = 0;
        await this.deps.wake.wait(this.deps.pollMs);
        continue;
      }
      const events = first.seq <= this.isolateThroughSeq ? [first] : peeked;
      const sent = describe(events);
      let ack;
      try {
        ack = await session.sendEvents({ events });
      } catch (error) {
        if (error instanceof ConnectionLostError) return;
        if (error instanceof AckTimeoutError) {
          // Whether the hub committed is unknown; a fresh connection and its hello will tell.
          logger.warn({ firstSeq: sent.firstSeq, lastSeq: sent.lastSeq }, 'batch not acked in time; reconnecting');
          session.close('ack timeout');
          return;
        }
        if (error instanceof InvalidReplyError) {
          logger.error({ issues: error.issues }, 'hub answered a batch with a malformed ack; keeping the rows');
          await this.pause(ended.signal);
          continue;
        }
        throw error;
      }
      this.deps.state.hubContact(this.deps.clock.now());
      const decision = decideBatchAck(sent, ack);
      switch (decision.kind) {
        case 'delete': {
          this.okAcks += 1;
          // Test-only fault injection point: between the hub's commit/ack and our delete.
          this.deps.chaos.batchAcked(this.okAcks);
          const deleted = outbox.ackThrough(decision.throughSeq);
          if (decision.throughSeq >= this.isolateThroughSeq) this.isolateThroughSeq = 0;
          if (decision.gap) this.logGap(decision.gap);
          logger.debug({ firstSeq: sent.firstSeq, lastSeq: sent.lastSeq, deleted, ack }, 'batch acked');
          if (decision.progress) {
            this.failuresInARow = 0;
          } else {
            logger.warn({ firstSeq: sent.firstSeq, hubAckedThroughSeq: ack.ok ? ack.ackedThroughSeq : null }, 'hub acked but took nothing of the batch; waiting');
            await this.pause(ended.signal);
          }
          break;
        }
        case 'isolate':
          logger.warn(
            { firstSeq: sent.firstSeq, lastSeq: sent.lastSeq, issues: decision.error.issues },
            'hub refused a batch as malformed; resending its events one at a time',
          );
          this.isolateThroughSeq = Math.max(this.isolateThroughSeq, decision.throughSeq);
          break;
        case 'quarantine':
          outbox.quarantine(decision.seq, decision.error);
          logger.error(
            { seq: decision.seq, eventId: first.id, type: first.type, issues: decision.error.issues },
            'hub refused an event as malformed; moved it to outbox_dead (its seq stays reserved: the hub reports a gap until it is requeued)',
          );
          break;
        case 'reconnect':
          logger.error({ code: decision.error.code, message: decision.error.message }, 'hub refused the session; reconnecting');
          session.close(`hub refused: ${decision.error.code}`);
          return;
        case 'retry':
          logger.warn({ code: decision.error.code, message: decision.error.message, firstSeq: sent.firstSeq }, 'hub refused a batch; keeping the rows and retrying');
          await this.pause(ended.signal);
          break;
      }
    }
  }

  private logGap(gap: { missingFromSeq: number; nextHeldSeq: number }): void {
    if (gap.missingFromSeq === this.lastGapLogged) return;
    this.lastGapLogged = gap.missingFromSeq;
    const quarantined = this.deps.outbox.listDead().some((dead) => dead.seq === gap.missingFromSeq);
    const fields = { missingFromSeq: gap.missingFromSeq, nextHeldSeq: gap.nextHeldSeq };
    if (quarantined) this.deps.logger.warn(fields, 'hub reports a gap at a quarantined seq');
    else this.deps.logger.error(fields, 'hub reports a gap at a seq this outbox no longer holds');
  }

  /** Waits a backoff step, cut short if the session closes. */
  private async pause(ended: AbortSignal): Promise<void> {
    this.failuresInARow += 1;
    const delay = backoffDelay(this.failuresInARow, this.deps.retryBackoff, this.deps.random ?? Math.random);
    await sleep(delay, ended);
  }
}

function describe(events: readonly OutboxEvent[]): SentBatch {
  const first = events[0];
  const last = events[events.length - 1];
  if (first === undefined || last === undefined) throw new Error('describe: empty batch');
  return { firstSeq: first.seq, lastSeq: last.seq, count: events.length };
}
