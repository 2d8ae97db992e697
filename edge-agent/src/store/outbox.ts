import { v7 as uuidv7 } from 'uuid';
import {
  OutboxEventSchema,
  ProtocolErrorSchema,
  toIssues,
  type ErrorIssue,
  type NewOutboxEvent,
  type OutboxEvent,
  type OutboxEventType,
  type ProtocolError,
} from '@kiosk/protocols';
import type { Clock } from '../clock';
import type { SqliteDatabase } from './database';

export interface OutboxStats {
  /** Events committed locally and not yet acked by the hub. */
  backlog: number;
  /** When the oldest waiting event (lowest seq) happened; null when nothing waits. */
  oldestOccurredAt: string | null;
  /** Highest seq ever assigned (0 before the first event); deleted rows do not lower it. */
  lastSeq: number;
  /** Events the hub refused as malformed, parked in `outbox_dead`. */
  quarantined: number;
}

export interface DeadEvent {
  seq: number;
  eventId: string;
  type: string;
  occurredAt: string;
  error: ProtocolError;
  quarantinedAt: string;
}

export class InvalidOutboxEventError extends Error {
  readonly code = 'invalid_outbox_event';
  constructor(readonly issues: ErrorIssue[]) {
    super(`refusing to enqueue a malformed event: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
  }
}

interface OutboxRow {
  seq: number;
  event_id: string;
  type: string;
  occurred_at: string;
  payload_json: string;
}

/**
 * The durable outbox: every event the hub must receive exactly once. `enqueue` returns only after the
 * row is committed (better-sqlite3 is synchronous and the file runs with synchronous=FULL). Seqs come
 * from a one-row counter bumped inside an IMMEDIATE transaction, so they are strictly increasing and
 * never reused, across deletes and across processes sharing the file.
 */
export class Outbox {
  private readonly listeners = new Set<() => void>();
  private readonly statements;

  constructor(
    private readonly db: SqliteDatabase,
    readonly kioskId: string,
    private readonly clock: Clock,
    private readonly newEventId: () => string = uuidv7,
  ) {
    this.statements = {
      nextSeq: db.prepare<[], { last_seq: number }>('UPDATE outbox_counter SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq'),
      insert: db.prepare('INSERT INTO outbox (seq, event_id, type, occurred_at, payload_json) VALUES (?, ?, ?, ?, ?)'),
      peek: db.prepare<[number], OutboxRow>('SELECT seq, event_id, type, occurred_at, payload_json FROM outbox ORDER BY seq LIMIT ?'),
      waiting: db.prepare<[string], OutboxRow>('SELECT seq, event_id, type, occurred_at, payload_json FROM outbox WHERE type = ? ORDER BY seq DESC'),
      deleteThrough: db.prepare('DELETE FROM outbox WHERE seq <= ?'),
      stats: db.prepare<[], { backlog: number; oldest: string | null; lastSeq: number; quarantined: number }>(
        `SELECT (SELECT count(*) FROM outbox) AS backlog,
                (SELECT occurred_at FROM outbox ORDER BY seq LIMIT 1) AS oldest,
                (SELECT last_seq FROM outbox_counter WHERE id = 1) AS lastSeq,
                (SELECT count(*) FROM outbox_dead) AS quarantined`,
      ),
      toDead: db.prepare(
        `INSERT INTO outbox_dead (seq, event_id, type, occurred_at, payload_json, error_json, quarantined_at)
         SELECT seq, event_id, type, occurred_at, payload_json, ?, ? FROM outbox WHERE seq = ?`,
      ),
      deleteOne: db.prepare('DELETE FROM outbox WHERE seq = ?'),
      listDead: db.prepare<[], OutboxRow & { error_json: string; quarantined_at: string }>(
        'SELECT seq, event_id, type, occurred_at, payload_json, error_json, quarantined_at FROM outbox_dead ORDER BY seq',
      ),
      fromDead: db.prepare(
        `INSERT INTO outbox (seq, event_id, type, occurred_at, payload_json)
         SELECT seq, event_id, type, occurred_at, payload_json FROM outbox_dead WHERE seq = ?`,
      ),
      deleteDead: db.prepare('DELETE FROM outbox_dead WHERE seq = ?'),
    };
  }

  /** Validates, assigns id and seq, commits; returns the event as it will be sent. Throws and changes nothing on bad input. */
  enqueue(event: NewOutboxEvent): OutboxEvent {
    const [stored] = this.enqueueAll([event]);
    if (stored === undefined) throw new Error('unreachable: one event in, one out');
    return stored;
  }

  /** Several events in one transaction (all or none); used by the operator tool's bulk loading. */
  enqueueAll(events: readonly NewOutboxEvent[]): OutboxEvent[] {
    const write = this.db.transaction((): OutboxEvent[] =>
      events.map((event) => {
        const seq = this.statements.nextSeq.get()?.last_seq;
        if (seq === undefined) throw new Error('outbox counter row is missing');
        const parsed = OutboxEventSchema.safeParse({
          id: this.newEventId(),
          kioskId: this.kioskId,
          seq,
          occurredAt: event.occurredAt ?? this.clock.now().toISOString(),
          type: event.type,
          payload: event.payload,
        });
        // Throwing inside the transaction rolls the counter back too: a refused event leaves no trace.
        if (!parsed.success) throw new InvalidOutboxEventError(toIssues(parsed.error));
        const valid = parsed.data;
        this.statements.insert.run(valid.seq, valid.id, valid.type, valid.occurredAt, JSON.stringify(valid.payload));
        return valid;
      }),
    );
    const stored = write.immediate();
    for (const listener of this.listeners) listener();
    return stored;
  }

  /**
   * The oldest waiting events, lowest seq first, re-validated. A row that no longer parses (damaged file,
   * or written by a newer agent before a downgrade) would block the queue for ever, so it is moved to
   * `outbox_dead` with the reason instead of being returned.
   */
  peek(limit: number): OutboxEvent[] {
    const events: OutboxEvent[] = [];
    for (const row of this.statements.peek.all(limit)) {
      const event = this.parseRow(row);
      if (event.ok) {
        events.push(event.value);
      } else {
        this.quarantine(row.seq, { code: 'invalid_message', message: 'stored outbox row no longer parses', issues: event.issues });
      }
    }
    return events;
  }

  /**
   * The events of one type still waiting for the hub's ack, newest first (a feature showing what it has
   * not delivered yet, e.g. the lottery's unsent offline entries). Read only: a row that no longer parses
   * is skipped here and quarantined by `peek` when its turn comes.
   */
  waiting<T extends OutboxEventType>(type: T): Array<Extract<OutboxEvent, { type: T }>> {
    const events: Array<Extract<OutboxEvent, { type: T }>> = [];
    for (const row of this.statements.waiting.all(type)) {
      const event = this.parseRow(row);
      if (event.ok && isOfType(event.value, type)) events.push(event.value);
    }
    return events;
  }

  /** Deletes every row with seq ≤ `seq` (the hub holds them); returns how many went. */
  ackThrough(seq: number): number {
    return this.db.transaction(() => this.statements.deleteThrough.run(seq).changes).immediate();
  }

  stats(): OutboxStats {
    const row = this.statements.stats.get();
    if (row === undefined) throw new Error('outbox stats query returned nothing');
    return { backlog: row.backlog, oldestOccurredAt: row.oldest, lastSeq: row.lastSeq, quarantined: row.quarantined };
  }

  /** Moves one event out of the send path into `outbox_dead`, keeping its seq and id. */
  quarantine(seq: number, error: ProtocolError): boolean {
    const move = this.db.transaction(() => {
      const moved = this.statements.toDead.run(JSON.stringify(error), this.clock.now().toISOString(), seq).changes;
      this.statements.deleteOne.run(seq);
      return moved === 1;
    });
    return move.immediate();
  }

  listDead(): DeadEvent[] {
    return this.statements.listDead.all().map((row) => ({
      seq: row.seq,
      eventId: row.event_id,
      type: row.type,
      occurredAt: row.occurred_at,
      error: parseStoredError(row.error_json),
      quarantinedAt: row.quarantined_at,
    }));
  }

  /**
   * Puts a quarantined event back in the send path with its original seq and id (after the hub was fixed),
   * which also fills the gap the hub has been reporting.
   */
  requeueDead(seq: number): boolean {
    const move = this.db.transaction(() => {
      const moved = this.statements.fromDead.run(seq).changes;
      this.statements.deleteDead.run(seq);
      return moved === 1;
    });
    const moved = move.immediate();
    if (moved) for (const listener of this.listeners) listener();
    return moved;
  }

  /** Called after every local commit that adds events (the drain loop wakes on it). */
  onEnqueued(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private parseRow(row: OutboxRow): { ok: true; value: OutboxEvent } | { ok: false; issues: ErrorIssue[] } {
    let payload: unknown;
    try {
      payload = JSON.parse(row.payload_json);
    } catch {
      return { ok: false, issues: [{ path: 'payload', message: 'not JSON' }] };
    }
    const parsed = OutboxEventSchema.safeParse({
      id: row.event_id,
      kioskId: this.kioskId,
      seq: row.seq,
      occurredAt: row.occurred_at,
      type: row.type,
      payload,
    });
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, issues: toIssues(parsed.error) };
  }
}

function isOfType<T extends OutboxEventType>(event: OutboxEvent, type: T): event is Extract<OutboxEvent, { type: T }> {
  return event.type === type;
}

function parseStoredError(json: string): ProtocolError {
  const parsed = ProtocolErrorSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : { code: 'internal', message: 'unreadable quarantine reason' };
}
