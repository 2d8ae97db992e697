import { v7 as uuidv7 } from 'uuid';
import { OutboxEventSchema, type AuditEntry, type EventBatch, type OutboxEvent } from '@kiosk/protocols';
import { ManualClock } from '../../test/support/manual-clock';
import { silentLogger } from '../../test/support/silent-logger';
import { strictMock } from '../../test/support/strict-mock';
import { SeqConflictError, type EventRepository, type IngestOutcome } from '../repositories/event.repository';
import type { Metrics } from '../repositories/metrics.repository';
import type { CashReconciliationService } from './cash-reconciliation.service';
import type { ChaosService } from './chaos.service';
import type { CommandService } from './command.service';
import { IngestService } from './ingest.service';
import type { MonitorService } from './monitor.service';

const kioskId = 'kiosk-abcd1234';

function credit(seq: number, kiosk = kioskId): OutboxEvent {
  return OutboxEventSchema.parse({
    id: uuidv7(),
    kioskId: kiosk,
    seq,
    occurredAt: '2026-11-26T01:00:00.000Z',
    type: 'cash.credit',
    payload: { transactionId: uuidv7(), coinYen: 100 },
  });
}

function collected(seq: number): OutboxEvent {
  return OutboxEventSchema.parse({
    id: uuidv7(),
    kioskId,
    seq,
    occurredAt: '2026-11-26T01:00:00.000Z',
    type: 'cash.collected',
    payload: { commandId: uuidv7(), recordedCoins: 1, recordedYen: 100 },
  });
}

const outcome = (over: Partial<IngestOutcome>): IngestOutcome => ({
  stored: 0,
  duplicates: 0,
  ackedThroughSeq: 0,
  nextHeldSeq: null,
  ackedPastBatch: false,
  appliedEffects: new Set(),
  completedCommands: [],
  auditEntries: [],
  ...over,
});

describe('IngestService', () => {
  const clock = new ManualClock('2026-11-26T02:00:00.000Z');
  let events: ReturnType<typeof strictMock<EventRepository>>;
  let monitor: ReturnType<typeof strictMock<MonitorService>>;
  let commands: ReturnType<typeof strictMock<CommandService>>;
  let chaos: ReturnType<typeof strictMock<ChaosService>>;
  let metrics: ReturnType<typeof strictMock<Metrics>>;
  let service: IngestService;

  beforeEach(() => {
    events = strictMock<EventRepository>('EventRepository');
    monitor = strictMock<MonitorService>('MonitorService');
    commands = strictMock<CommandService>('CommandService');
    chaos = strictMock<ChaosService>('ChaosService');
    metrics = strictMock<Metrics>('Metrics');
    service = new IngestService(events, monitor, commands, chaos, metrics, clock, silentLogger());
  });

  function expectStored(): void {
    chaos.afterBatchCommitted.mockReturnValue(undefined);
    metrics.eventBatch.mockReturnValue(undefined);
    metrics.eventsIngested.mockReturnValue(undefined);
  }

  it('stores the batch with each event’s effects and acks what the repository reports', async () => {
    events.ingest.mockResolvedValue(outcome({ stored: 2, ackedThroughSeq: 2 }));
    expectStored();
    const batch: EventBatch = { events: [credit(1), credit(2)] };

    expect(await service.ingest(kioskId, batch)).toEqual({ ok: true, ackedThroughSeq: 2, stored: 2, duplicates: 0 });
    expect(events.ingest).toHaveBeenCalledWith(
      kioskId,
      batch.events.map((event) => ({ event, effects: [expect.objectContaining({ kind: 'cash', direction: 'credit', amountYen: 100 })] })),
      '2026-11-26T02:00:00.000Z',
    );
    expect(chaos.afterBatchCommitted).toHaveBeenCalledTimes(1);
    expect(metrics.eventsIngested).toHaveBeenCalledWith(2, 0);
  });

  it('refuses a batch holding another kiosk’s event without touching storage', async () => {
    metrics.eventBatch.mockReturnValue(undefined);
    const ack = await service.ingest(kioskId, { events: [credit(1), credit(2, 'kiosk-other123')] });
    expect(ack).toMatchObject({ ok: false, error: { code: 'kiosk_mismatch' } });
    expect(events.ingest).not.toHaveBeenCalled();
    expect(metrics.eventBatch).toHaveBeenCalledWith('refused');
  });

  it('reports a gap after the highest contiguous seq', async () => {
    events.ingest.mockResolvedValue(outcome({ stored: 1, ackedThroughSeq: 4, nextHeldSeq: 7 }));
    expectStored();
    expect(await service.ingest(kioskId, { events: [credit(7)] })).toEqual({
      ok: true,
      ackedThroughSeq: 4,
      stored: 1,
      duplicates: 0,
      gap: { missingFromSeq: 5, nextHeldSeq: 7 },
    });
  });

  it('turns a seq conflict into invalid_message, and never reaches the chaos hook', async () => {
    events.ingest.mockRejectedValue(new SeqConflictError('seq-taken', 3));
    metrics.eventBatch.mockReturnValue(undefined);
    expect(await service.ingest(kioskId, { events: [credit(3)] })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(chaos.afterBatchCommitted).not.toHaveBeenCalled();
  });

  it('lets other storage errors through (the gateway answers them as internal)', async () => {
    events.ingest.mockRejectedValue(new Error('disk I/O error'));
    await expect(service.ingest(kioskId, { events: [credit(1)] })).rejects.toThrow('disk I/O error');
  });

  it('re-evaluates the kiosk (status, alerts, push) when a device health changed', async () => {
    events.ingest.mockResolvedValue(outcome({ stored: 1, ackedThroughSeq: 1, appliedEffects: new Set(['device-health']) }));
    expectStored();
    monitor.evaluate.mockResolvedValue(undefined);
    await service.ingest(kioskId, { events: [credit(1)] });
    expect(monitor.evaluate).toHaveBeenCalledWith(kioskId);
  });

  it('hands completed commands and their audit rows on', async () => {
    const entry = { seq: 9 } as AuditEntry;
    events.ingest.mockResolvedValue(outcome({ stored: 1, ackedThroughSeq: 1, completedCommands: ['c1'], auditEntries: [entry] }));
    expectStored();
    commands.completed.mockResolvedValue(undefined);
    await service.ingest(kioskId, { events: [credit(1)] });
    expect(commands.completed).toHaveBeenCalledWith(['c1'], [entry]);
  });

  describe('settling cash collections (issue 12: only after a batch that may have completed one)', () => {
    let cash: ReturnType<typeof strictMock<CashReconciliationService>>;

    beforeEach(() => {
      cash = strictMock<CashReconciliationService>('CashReconciliationService');
      service = new IngestService(events, monitor, commands, chaos, metrics, clock, silentLogger(), undefined, cash);
      expectStored();
    });

    const send = (batch: OutboxEvent[], over: Partial<IngestOutcome> = {}) => {
      events.ingest.mockResolvedValueOnce(outcome({ stored: batch.length, ackedThroughSeq: batch.at(-1)?.seq ?? 0, ...over }));
      return service.ingest(kioskId, { events: batch });
    };

    it('settles on the kiosk’s first cash batch since the start, then only for a collection or a filled hole', async () => {
      cash.settle.mockResolvedValue(undefined);
      await send([credit(1)]);
      expect(cash.settle).toHaveBeenCalledTimes(1);
      await send([credit(2)]);
      expect(cash.settle).toHaveBeenCalledTimes(1);
      await send([collected(3)]);
      expect(cash.settle).toHaveBeenCalledTimes(2);
      await send([credit(4)], { ackedThroughSeq: 6, ackedPastBatch: true });
      expect(cash.settle).toHaveBeenCalledTimes(3);
      expect(cash.settle).toHaveBeenLastCalledWith(kioskId);
    });

    it('settles again on the next cash batch when settling failed', async () => {
      cash.settle.mockRejectedValueOnce(new Error('disk I/O error')).mockResolvedValue(undefined);
      expect(await send([collected(1)])).toMatchObject({ ok: true, ackedThroughSeq: 1 });
      await send([credit(2)]);
      await send([credit(3)]);
      expect(cash.settle).toHaveBeenCalledTimes(2);
    });
  });
});
