/** The outbox on real SQLite files in a temporary directory. */
import Database from 'better-sqlite3';
import path from 'node:path';
import type { NewOutboxEvent } from '@kiosk/protocols';
import { systemClock } from '../src/clock';
import { openDatabase } from '../src/store/database';
import { InvalidOutboxEventError, Outbox } from '../src/store/outbox';
import { AgentStore } from '../src/store/agent-store';
import { tempDir } from './support/agent-harness';

const KIOSK = 'kiosk-outbox-test';

function credit(coinYen: 10 | 50 | 100 | 500 = 100): NewOutboxEvent {
  return { type: 'cash.credit', payload: { transactionId: '0190a7e2-1c2d-7e3f-8a4b-5c6d7e8f9a0b', coinYen } };
}

describe('Outbox (real SQLite file)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let file: string;
  const stores: AgentStore[] = [];

  function open(): AgentStore {
    const store = AgentStore.open(file, KIOSK, systemClock);
    stores.push(store);
    return store;
  }

  beforeEach(() => {
    tmp = tempDir('outbox');
    file = path.join(tmp.dir, 'agent.sqlite');
  });

  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
    tmp.cleanup();
  });

  it('runs in WAL mode with synchronous=FULL', () => {
    const db = openDatabase(file);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      // 2 = FULL
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      db.close();
    }
  });

  it('assigns seqs 1, 2, 3… and returns the full validated event', () => {
    const { outbox } = open();
    const first = outbox.enqueue(credit());
    const second = outbox.enqueue({ type: 'agent.started', payload: { agentVersion: '1.2.3' }, occurredAt: '2025-01-02T03:04:05.000Z' });
    expect(first).toMatchObject({ kioskId: KIOSK, seq: 1, type: 'cash.credit', payload: { coinYen: 100 } });
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second).toMatchObject({ seq: 2, occurredAt: '2025-01-02T03:04:05.000Z' });
    expect(new Set([first.id, second.id]).size).toBe(2);
  });

  it('never reuses a seq after rows are deleted, even after deleting all of them and reopening', () => {
    const store = open();
    for (let i = 0; i < 5; i++) store.outbox.enqueue(credit());
    expect(store.outbox.ackThrough(5)).toBe(5);
    expect(store.outbox.stats()).toMatchObject({ backlog: 0, lastSeq: 5, oldestOccurredAt: null });
    expect(store.outbox.enqueue(credit()).seq).toBe(6);
    store.close();
    expect(open().outbox.enqueue(credit()).seq).toBe(7);
  });

  it('keeps seqs strictly increasing and unique across two Outbox instances on the same file', () => {
    const a = open().outbox;
    const b = open().outbox;
    const seqs: number[] = [];
    for (let i = 0; i < 50; i++) {
      seqs.push(a.enqueue(credit()).seq);
      seqs.push(b.enqueue(credit()).seq);
      if (i % 10 === 9) a.ackThrough(seqs[seqs.length - 1] ?? 0);
    }
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(b.stats().lastSeq).toBe(100);
  });

  it('commits before enqueue returns: another connection sees the row at once, and a reopen keeps it', () => {
    const { outbox } = open();
    const event = outbox.enqueue(credit(500));
    const other = new Database(file, { readonly: true });
    try {
      expect(other.prepare('SELECT seq, event_id FROM outbox').all()).toEqual([{ seq: 1, event_id: event.id }]);
    } finally {
      other.close();
    }
    for (const store of stores.splice(0)) store.close();
    expect(open().outbox.peek(10)).toEqual([event]);
  });

  it('refuses a malformed event with its issues and changes nothing (not even the counter)', () => {
    const { outbox } = open();
    outbox.enqueue(credit());
    const bad = { type: 'cash.credit', payload: { transactionId: 'not-a-uuid', coinYen: 30 } } as unknown as NewOutboxEvent;
    expect(() => outbox.enqueue(bad)).toThrow(InvalidOutboxEventError);
    try {
      outbox.enqueue(bad);
    } catch (error) {
      expect((error as InvalidOutboxEventError).issues.map((issue) => issue.path).sort()).toEqual(['payload.coinYen', 'payload.transactionId']);
    }
    expect(outbox.stats()).toMatchObject({ backlog: 1, lastSeq: 1 });
    expect(outbox.enqueue(credit()).seq).toBe(2);
  });

  it('enqueueAll is all or nothing', () => {
    const { outbox } = open();
    const bad = { type: 'agent.started', payload: {} } as unknown as NewOutboxEvent;
    expect(() => outbox.enqueueAll([credit(), credit(), bad])).toThrow(InvalidOutboxEventError);
    expect(outbox.stats()).toMatchObject({ backlog: 0, lastSeq: 0 });
    expect(outbox.enqueueAll([credit(), credit()]).map((event) => event.seq)).toEqual([1, 2]);
  });

  it('peeks lowest seq first up to the limit, and ackThrough deletes exactly the rows ≤ seq', () => {
    const { outbox } = open();
    const events = Array.from({ length: 10 }, () => outbox.enqueue(credit()));
    expect(outbox.peek(3)).toEqual(events.slice(0, 3));
    expect(outbox.ackThrough(4)).toBe(4);
    expect(outbox.peek(100).map((event) => event.seq)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(outbox.ackThrough(4)).toBe(0);
    expect(outbox.stats()).toMatchObject({ backlog: 6, lastSeq: 10, oldestOccurredAt: events[4]?.occurredAt });
  });

  it('quarantines an event with its seq and reason, and can requeue it with the same seq and id', () => {
    const { outbox } = open();
    const events = Array.from({ length: 3 }, () => outbox.enqueue(credit()));
    const target = events[1];
    if (!target) throw new Error('no event');
    expect(outbox.quarantine(target.seq, { code: 'invalid_message', message: 'refused' })).toBe(true);
    expect(outbox.peek(10).map((event) => event.seq)).toEqual([1, 3]);
    expect(outbox.stats()).toMatchObject({ backlog: 2, quarantined: 1, lastSeq: 3 });
    expect(outbox.listDead()).toEqual([
      expect.objectContaining({ seq: 2, eventId: target.id, type: 'cash.credit', error: { code: 'invalid_message', message: 'refused' } }),
    ]);
    expect(outbox.enqueue(credit()).seq).toBe(4);
    expect(outbox.requeueDead(2)).toBe(true);
    expect(outbox.requeueDead(2)).toBe(false);
    expect(outbox.peek(10)).toEqual([events[0], target, events[2], expect.objectContaining({ seq: 4 })]);
  });

  it('moves a stored row that no longer parses out of the send path instead of blocking the queue', () => {
    const { outbox } = open();
    outbox.enqueue(credit());
    outbox.enqueue(credit());
    const raw = new Database(file);
    try {
      raw.prepare('UPDATE outbox SET payload_json = ? WHERE seq = 1').run('{"coinYen": 7}');
    } finally {
      raw.close();
    }
    expect(outbox.peek(10).map((event) => event.seq)).toEqual([2]);
    expect(outbox.listDead()).toEqual([expect.objectContaining({ seq: 1, error: expect.objectContaining({ code: 'invalid_message' }) })]);
  });

  it('tells listeners about local commits (the drain loop wakes on them)', () => {
    const { outbox } = open();
    let calls = 0;
    const unsubscribe = outbox.onEnqueued(() => (calls += 1));
    outbox.enqueue(credit());
    outbox.enqueueAll([credit(), credit()]);
    unsubscribe();
    outbox.enqueue(credit());
    expect(calls).toBe(2);
  });

  it('opens the same outbox through a second, independent class instance (as the operator tool does)', () => {
    open().outbox.enqueue(credit());
    const db = openDatabase(file);
    try {
      expect(new Outbox(db, KIOSK, systemClock).stats()).toMatchObject({ backlog: 1, lastSeq: 1 });
    } finally {
      db.close();
    }
  });
});
