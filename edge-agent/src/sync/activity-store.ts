import type { SqliteDatabase } from '../store/database';

/**
 * The activity counts' table in the agent database (appended to store/migrations.ts): the instant and
 * kind of each card read, confirmed print and session begun within the last hour, so the heartbeat's
 * hourly counts survive a restart. Kinds and instants only: nothing about a person.
 */
export const ACTIVITY_MIGRATION = `
  CREATE TABLE activity_instants (
    id    INTEGER PRIMARY KEY,
    kind  TEXT NOT NULL CHECK (kind IN ('cardReads', 'receiptPrints', 'documentPrints', 'transactions')),
    at_ms INTEGER NOT NULL
  );
  CREATE INDEX activity_instants_at ON activity_instants (at_ms);
`;

export type ActivityKind = 'cardReads' | 'receiptPrints' | 'documentPrints' | 'transactions';
export const ACTIVITY_KINDS: readonly ActivityKind[] = ['cardReads', 'receiptPrints', 'documentPrints', 'transactions'];

export interface ActivityInstant {
  kind: ActivityKind;
  atMs: number;
}

function isKind(value: string): value is ActivityKind {
  return (ACTIVITY_KINDS as readonly string[]).includes(value);
}

/** The recorded instants; the caller prunes what fell out of its window, so the table stays an hour long. */
export class ActivityInstants {
  private readonly insert;
  private readonly select;
  private readonly prune;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare<[string, number]>('INSERT INTO activity_instants (kind, at_ms) VALUES (?, ?)');
    this.select = db.prepare<[number], { kind: string; at_ms: number }>(
      'SELECT kind, at_ms FROM activity_instants WHERE at_ms > ? ORDER BY at_ms, id',
    );
    this.prune = db.prepare<[number]>('DELETE FROM activity_instants WHERE at_ms <= ?');
  }

  record(instant: ActivityInstant): void {
    this.insert.run(instant.kind, instant.atMs);
  }

  /** Instants after `fromMs`, oldest first. */
  after(fromMs: number): ActivityInstant[] {
    return this.select.all(fromMs).flatMap((row) => (isKind(row.kind) ? [{ kind: row.kind, atMs: row.at_ms }] : []));
  }

  /** Forgets the instants at or before `atMs`. */
  pruneUpTo(atMs: number): void {
    this.prune.run(atMs);
  }
}
