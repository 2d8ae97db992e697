import { v7 as uuidv7 } from 'uuid';
import { OutboxEventSchema, type OutboxEvent } from '@kiosk/protocols';
import { TEST_ENGINE, openTestStore } from '../../test/support/test-store';
import type { HubStore } from '../storage/hub-store';
import { effectsOf } from '../services/event-projection.rules';
import { SeqConflictError, KyselyEventRepository } from './event.repository';

/** The repository against a real store (the run's engine): the transaction, the unique keys and the seq walk. */
describe('KyselyEventRepository', () => {
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let store: HubStore;
  let repository: KyselyEventRepository;
  const kioskId = 'kiosk-abcd1234';

  beforeEach(async () => {
    opened = await openTestStore();
    store = opened.store;
    repository = new KyselyEventRepository(store);
    await store.db
      .insertInto('kiosks')
      .values({ kiosk_id: kioskId, name: 'n', municipality: 'm', site: 's', kind: 'certificate-kiosk', created_at: '2026-11-26T00:00:00.000Z' })
      .execute();
  });

  afterEach(() => opened.close());

  const event = (seq: number, type: string, payload: unknown): OutboxEvent =>
    OutboxEventSchema.parse({ id: uuidv7(), kioskId, seq, occurredAt: '2026-11-26T01:00:00+09:00', type, payload });
  const credit = (seq: number): OutboxEvent => event(seq, 'cash.credit', { transactionId: uuidv7(), coinYen: 500 });
  const items = (events: OutboxEvent[]) => events.map((e) => ({ event: e, effects: effectsOf(e) }));
  const count = async (table: 'events' | 'cash_ledger' | 'audit_log') =>
    Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const ackedThrough = async () =>
    (await store.db.selectFrom('kiosks').select('acked_through_seq').where('kiosk_id', '=', kioskId).executeTakeFirstOrThrow()).acked_through_seq;

  it('stores new events with their effects and walks the contiguous seq', async () => {
    const outcome = await repository.ingest(kioskId, items([credit(1), credit(2), credit(4)]), 'now');
    expect(outcome).toMatchObject({ stored: 3, duplicates: 0, ackedThroughSeq: 2, nextHeldSeq: 4, ackedPastBatch: false });
    expect([...outcome.appliedEffects]).toEqual(['cash']);
    expect(await count('cash_ledger')).toBe(3);
    // Instants in the ledger are normalised to UTC.
    expect((await store.db.selectFrom('cash_ledger').select('occurred_at').executeTakeFirstOrThrow()).occurred_at).toBe('2026-11-25T16:00:00.000Z');
    // Seq 3 fills the hole: seq 4, stored before, is acked with it.
    expect(await repository.ingest(kioskId, items([credit(3)]), 'now')).toMatchObject({ ackedThroughSeq: 4, nextHeldSeq: null, ackedPastBatch: true });
    expect(await ackedThrough()).toBe(4);
    expect(await repository.ingest(kioskId, items([credit(5)]), 'now')).toMatchObject({ ackedThroughSeq: 5, ackedPastBatch: false });
  });

  it('walks the acked-through seq over more than one page of held seqs', async () => {
    const batch = Array.from({ length: 1000 }, (_, index) => credit(index + 2));
    expect(await repository.ingest(kioskId, items(batch), 'now')).toMatchObject({ stored: 1000, ackedThroughSeq: 0, nextHeldSeq: 2 });
    expect(await repository.ingest(kioskId, items(Array.from({ length: 1000 }, (_, index) => credit(index + 1002))), 'now')).toMatchObject({
      ackedThroughSeq: 0,
      nextHeldSeq: 2,
    });
    expect(await repository.ingest(kioskId, items([credit(1)]), 'now')).toMatchObject({ stored: 1, ackedThroughSeq: 2001, nextHeldSeq: null, ackedPastBatch: true });
    expect(await count('cash_ledger')).toBe(2001);
  });

  it('counts a re-sent event as a duplicate and does not apply its effect again', async () => {
    const batch = items([credit(1), credit(2)]);
    await repository.ingest(kioskId, batch, 'now');
    expect(await repository.ingest(kioskId, [...batch, ...items([credit(3)])], 'later')).toMatchObject({ stored: 1, duplicates: 2, ackedThroughSeq: 3 });
    expect(await count('cash_ledger')).toBe(3);
    expect(await count('events')).toBe(3);
  });

  it('counts an event repeated within one batch once', async () => {
    const once = credit(1);
    expect(await repository.ingest(kioskId, items([once, once, credit(2)]), 'now')).toMatchObject({ stored: 2, duplicates: 1, ackedThroughSeq: 2 });
    expect(await count('cash_ledger')).toBe(2);
  });

  it('rolls the whole batch back on a seq already used by another event', async () => {
    await repository.ingest(kioskId, items([credit(1)]), 'now');
    await expect(repository.ingest(kioskId, items([credit(2), credit(3), credit(1)]), 'now')).rejects.toEqual(new SeqConflictError('seq-taken', 1));
    await expect(repository.ingest(kioskId, items([credit(2), credit(2)]), 'now')).rejects.toEqual(new SeqConflictError('seq-taken', 2));
    expect(await count('events')).toBe(1);
    expect(await count('cash_ledger')).toBe(1);
    expect(await ackedThrough()).toBe(1);
  });

  it('isolates a refused batch from the batches committed in the same group', async () => {
    await repository.ingest(kioskId, items([credit(1)]), 'now');
    // Submitted in the same turn of the event loop: one group transaction, one savepoint each.
    const [good, refused, next] = await Promise.allSettled([
      repository.ingest(kioskId, items([credit(2)]), 'now'),
      repository.ingest(kioskId, items([credit(3), credit(1)]), 'now'),
      repository.ingest(kioskId, items([credit(3)]), 'now'),
    ]);
    expect(good).toMatchObject({ status: 'fulfilled', value: { stored: 1, ackedThroughSeq: 2 } });
    expect(refused.status === 'rejected' ? refused.reason : refused.value).toEqual(new SeqConflictError('seq-taken', 1));
    expect(next).toMatchObject({ status: 'fulfilled', value: { stored: 1, ackedThroughSeq: 3, nextHeldSeq: null } });
    expect(await count('events')).toBe(3);
    expect(await count('cash_ledger')).toBe(3);
  });

  it('refuses an event id it holds under another seq', async () => {
    const first = credit(1);
    await repository.ingest(kioskId, items([first]), 'now');
    await expect(repository.ingest(kioskId, items([{ ...first, seq: 2 }]), 'now')).rejects.toMatchObject({ reason: 'id-under-other-seq' });
    // Within one batch too, whichever of the two the insert kept.
    const twice = credit(3);
    await expect(repository.ingest(kioskId, items([twice, { ...twice, seq: 4 }]), 'now')).rejects.toEqual(new SeqConflictError('id-under-other-seq', 4));
    await expect(repository.ingest(kioskId, items([{ ...twice, seq: 1 }, twice]), 'now')).rejects.toEqual(new SeqConflictError('id-under-other-seq', 1));
    expect(await count('events')).toBe(1);
  });

  /** Holds `row` in a transaction of its own (as another hub process would) until `release` is called. */
  function heldElsewhere(row: OutboxEvent): { release(): void; done: Promise<void> } {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const done = store.transaction(
      async (tx) => {
        await tx
          .insertInto('events')
          .values({ kiosk_id: kioskId, event_id: row.id, seq: row.seq, type: row.type, occurred_at: row.occurredAt, payload_json: '{}', received_at: 'elsewhere' })
          .execute();
        await released;
      },
      { isolation: 'read committed' },
    );
    return { release, done };
  }
  const settleSoon = () => new Promise((resolve) => setTimeout(resolve, 300));

  // Two hub processes on one PostgreSQL: the batch's read cannot see the other's uncommitted insert.
  (TEST_ENGINE === 'postgres' ? it : it.skip)('counts an event another transaction stored meanwhile as a duplicate (PostgreSQL)', async () => {
    const [raced, other] = [credit(1), credit(2)];
    const elsewhere = heldElsewhere(raced);
    await settleSoon();
    const ingesting = repository.ingest(kioskId, items([raced, other]), 'now');
    await settleSoon();
    elsewhere.release();
    await elsewhere.done;
    expect(await ingesting).toMatchObject({ stored: 1, duplicates: 1, ackedThroughSeq: 2 });
    // The raced event's effect was not applied by this batch.
    expect(await count('cash_ledger')).toBe(1);
  });

  (TEST_ENGINE === 'postgres' ? it : it.skip)('refuses a batch whose seq another transaction took meanwhile (PostgreSQL)', async () => {
    const elsewhere = heldElsewhere(credit(1));
    await settleSoon();
    // The refusal is awaited from the start: it can come while the other transaction is still finishing,
    // and a rejection nobody awaits yet fails the test on its own.
    const refused = expect(repository.ingest(kioskId, items([credit(1), credit(2)]), 'now')).rejects.toEqual(new SeqConflictError('seq-taken', 1));
    await settleSoon();
    elsewhere.release();
    await elsewhere.done;
    await refused;
    expect(await count('events')).toBe(1);
    expect(await count('cash_ledger')).toBe(0);
  });

  it('completes a command once, with its audit row, and records device health and the agent version', async () => {
    const commandId = uuidv7();
    await store.db
      .insertInto('commands')
      .values({ command_id: commandId, kiosk_id: kioskId, type: 'agent.restart', params_json: '{}', issued_at: 'then', expires_at: '9999', status: 'delivered' })
      .execute();
    const batch = items([
      event(1, 'command.result', { commandId, status: 'succeeded' }),
      event(2, 'agent.started', { agentVersion: '1.2.3' }),
      event(3, 'device.health.changed', { deviceId: 'printer', kind: 'receipt-printer', status: 'ok', reasons: [], since: '2026-11-26T01:00:00+09:00' }),
    ]);
    const outcome = await repository.ingest(kioskId, batch, 'now');
    expect(outcome).toMatchObject({ stored: 3, completedCommands: [commandId], auditEntries: [{ action: 'command.succeeded', municipality: 'm', target: commandId }] });
    expect([...outcome.appliedEffects]).toEqual(['command-result', 'agent-version', 'device-health']);
    expect(await store.db.selectFrom('commands').select(['status', 'completed_at']).executeTakeFirstOrThrow()).toEqual({
      status: 'succeeded',
      completed_at: '2026-11-25T16:00:00.000Z',
    });
    expect((await store.db.selectFrom('kiosks').select('agent_version').executeTakeFirstOrThrow()).agent_version).toBe('1.2.3');
    expect(await store.db.selectFrom('device_health').select(['device_id', 'status']).execute()).toEqual([{ device_id: 'printer', status: 'ok' }]);
    expect(await repository.ingest(kioskId, batch, 'later')).toMatchObject({ stored: 0, duplicates: 3, completedCommands: [], auditEntries: [] });
    expect(await count('audit_log')).toBe(1);
  });

  it('writes a batch\'s reports of one device as if one by one: the last saying the newest since stands', async () => {
    const health = (seq: number, deviceId: string, status: string, since: string) =>
      event(seq, 'device.health.changed', { deviceId, kind: 'receipt-printer', status, reasons: [], since });
    const devices = async () =>
      (await store.db.selectFrom('device_health').select(['device_id', 'status', 'since']).orderBy('device_id').execute()).map((row) => ({ ...row }));
    await repository.ingest(kioskId, items([health(1, 'scanner', 'ok', '2026-11-26T00:00:05.000Z')]), 'now');
    await repository.ingest(
      kioskId,
      items([
        health(2, 'printer', 'warning', '2026-11-26T00:00:02.000Z'),
        // Older than the report before it (a kiosk's clock stepped back): it does not turn the device back.
        health(3, 'printer', 'error', '2026-11-26T00:00:01.000Z'),
        health(4, 'scanner', 'error', '2026-11-26T00:00:04.000Z'),
        // Same instant as the report before it: the later one wins, as one by one.
        health(5, 'printer', 'ok', '2026-11-26T09:00:02.000+09:00'),
      ]),
      'now',
    );
    expect(await devices()).toEqual([
      { device_id: 'printer', status: 'ok', since: '2026-11-26T00:00:02.000Z' },
      // The stored report of the scanner is newer than the batch's.
      { device_id: 'scanner', status: 'ok', since: '2026-11-26T00:00:05.000Z' },
    ]);
  });
});
