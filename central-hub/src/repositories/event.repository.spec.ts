import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { OutboxEventSchema, type OutboxEvent } from '@kiosk/protocols';
import { silentLogger } from '../../test/support/silent-logger';
import { effectsOf } from '../services/event-projection.rules';
import { SqliteDatabase } from './database.repository';
import { SqliteEnrolmentRepository } from './enrolment.repository';
import { SeqConflictError, SqliteEventRepository } from './event.repository';

/** The repository against a real SQLite file: the transaction, the unique keys and the seq walk. */
describe('SqliteEventRepository', () => {
  let dir: string;
  let database: SqliteDatabase;
  let repository: SqliteEventRepository;
  const kioskId = 'kiosk-abcd1234';

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hub-events-'));
    database = new SqliteDatabase(dir, silentLogger());
    repository = new SqliteEventRepository(database);
    await new SqliteEnrolmentRepository(database).createCode({
      codeHash: 'h',
      kiosk: { kioskId, name: 'n', municipality: 'm', site: 's', kind: 'certificate-kiosk' },
      createdAt: '2026-11-26T00:00:00.000Z',
      expiresAt: '2026-11-27T00:00:00.000Z',
    });
  });

  afterEach(() => {
    database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const credit = (seq: number): OutboxEvent =>
    OutboxEventSchema.parse({
      id: uuidv7(),
      kioskId,
      seq,
      occurredAt: '2026-11-26T01:00:00+09:00',
      type: 'cash.credit',
      payload: { transactionId: uuidv7(), coinYen: 500 },
    });
  const items = (events: OutboxEvent[]) => events.map((event) => ({ event, effects: effectsOf(event) }));
  const count = (sql: string) => database.db.prepare(sql).pluck().get() as number;

  it('stores new events with their effects and walks the contiguous seq', async () => {
    const outcome = await repository.ingest(kioskId, items([credit(1), credit(2), credit(4)]), 'now');
    expect(outcome).toMatchObject({ stored: 3, duplicates: 0, ackedThroughSeq: 2, nextHeldSeq: 4 });
    expect([...outcome.appliedEffects]).toEqual(['cash']);
    expect(count('SELECT count(*) FROM cash_ledger')).toBe(3);
    // Instants in the ledger are normalised to UTC.
    expect(database.db.prepare('SELECT occurred_at FROM cash_ledger LIMIT 1').pluck().get()).toBe('2026-11-25T16:00:00.000Z');
    expect(await repository.ingest(kioskId, items([credit(3)]), 'now')).toMatchObject({ ackedThroughSeq: 4, nextHeldSeq: null });
    expect(count(`SELECT acked_through_seq FROM kiosks WHERE kiosk_id = '${kioskId}'`)).toBe(4);
  });

  it('counts a re-sent event as a duplicate and does not apply its effect again', async () => {
    const batch = items([credit(1), credit(2)]);
    await repository.ingest(kioskId, batch, 'now');
    expect(await repository.ingest(kioskId, batch, 'later')).toMatchObject({ stored: 0, duplicates: 2, ackedThroughSeq: 2 });
    expect(count('SELECT count(*) FROM cash_ledger')).toBe(2);
    expect(count('SELECT count(*) FROM events')).toBe(2);
  });

  it('rolls the whole batch back on a seq already used by another event', async () => {
    await repository.ingest(kioskId, items([credit(1)]), 'now');
    await expect(repository.ingest(kioskId, items([credit(2), credit(3), credit(1)]), 'now')).rejects.toEqual(
      new SeqConflictError('seq-taken', 1),
    );
    expect(count('SELECT count(*) FROM events')).toBe(1);
    expect(count('SELECT count(*) FROM cash_ledger')).toBe(1);
    expect(count(`SELECT acked_through_seq FROM kiosks WHERE kiosk_id = '${kioskId}'`)).toBe(1);
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
    expect(count('SELECT count(*) FROM events')).toBe(3);
    expect(count('SELECT count(*) FROM cash_ledger')).toBe(3);
  });

  it('refuses an event id it holds under another seq', async () => {
    const first = credit(1);
    await repository.ingest(kioskId, items([first]), 'now');
    await expect(repository.ingest(kioskId, items([{ ...first, seq: 2 }]), 'now')).rejects.toMatchObject({ reason: 'id-under-other-seq' });
  });
});
