import type Database from 'better-sqlite3';
import { LOTTERY_CACHE_MIGRATION } from '../lottery/cache-migration';
import { CERTIFICATE_TRANSACTIONS_MIGRATION } from '../certificates/transaction-migration';
import { ACTIVITY_MIGRATION } from '../sync/activity-store';
import { RECENT_LOG_MIGRATION } from '../commands/recent-log-store';

/**
 * Schema versions, applied in order; `PRAGMA user_version` records how many ran. Append only: a shipped
 * migration is never edited, because kiosks in the field have already run it.
 */
export const MIGRATIONS: readonly string[] = [
  `
  -- Events waiting for the hub's ack. seq is assigned from outbox_counter, never by AUTOINCREMENT on this
  -- table, so a deleted row's seq is never handed out again.
  CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY,
    event_id     TEXT NOT NULL UNIQUE,
    type         TEXT NOT NULL,
    occurred_at  TEXT NOT NULL,
    payload_json TEXT NOT NULL
  );
  CREATE TABLE outbox_counter (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq INTEGER NOT NULL
  );
  INSERT INTO outbox_counter (id, last_seq) VALUES (1, 0);

  -- Events the hub refused as malformed: kept with the refusal for a technician, out of the send path.
  CREATE TABLE outbox_dead (
    seq            INTEGER PRIMARY KEY,
    event_id       TEXT NOT NULL UNIQUE,
    type           TEXT NOT NULL,
    occurred_at    TEXT NOT NULL,
    payload_json   TEXT NOT NULL,
    error_json     TEXT NOT NULL,
    quarantined_at TEXT NOT NULL
  );

  -- Hub commands, recorded before acting so that a replay is recognised and not acted on twice.
  CREATE TABLE inbox (
    command_id   TEXT PRIMARY KEY,
    type         TEXT NOT NULL,
    command_json TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('received', 'done')),
    outcome      TEXT CHECK (outcome IN ('succeeded', 'failed', 'expired')),
    completed_at TEXT
  );

  CREATE TABLE agent_settings (
    key        TEXT PRIMARY KEY,
    value_json TEXT NOT NULL
  );
  `,
  LOTTERY_CACHE_MIGRATION,
  CERTIFICATE_TRANSACTIONS_MIGRATION,
  ACTIVITY_MIGRATION,
  RECENT_LOG_MIGRATION,
];

/**
 * The schema versions (1-based) whose migration only adds: new tables, indexes, nullable columns, nothing
 * an older agent reads differently. A file migrated past what an agent knows is still that agent's to
 * use when every version beyond its own is additive: that is what lets the update supervisor roll a
 * kiosk back to the release before (issue 19). A migration that changes or removes what older agents use
 * is not additive, and a release that brings one cannot be rolled back from (its notes must say so).
 * Append to it with each new migration; never take a version out.
 */
export const ADDITIVE_MIGRATIONS: ReadonlySet<number> = new Set([2, 3, 4, 5]);

/** Where a file records that a version it ran is additive (agent_settings exists from version 1). */
const additiveKey = (version: number): string => `schema.additive.${version}`;

export class SchemaTooNewError extends Error {
  readonly code = 'schema_too_new';
}

/**
 * Brings the file up to date; safe when two processes open it at once (IMMEDIATE takes the write lock
 * first). A file of a newer schema is opened as it is when every version beyond this agent's was
 * recorded additive by the agent that ran it, and refused otherwise.
 */
export function migrate(db: Database.Database): void {
  const apply = db.transaction(() => {
    const current = Number(db.pragma('user_version', { simple: true }));
    if (current > MIGRATIONS.length) {
      const recorded = db.prepare('SELECT 1 FROM agent_settings WHERE key = ?').pluck();
      const changing = [];
      for (let version = MIGRATIONS.length + 1; version <= current; version++) {
        if (recorded.get(additiveKey(version)) === undefined) changing.push(version);
      }
      if (changing.length === 0) return;
      throw new SchemaTooNewError(
        `agent database schema v${current} is newer than this agent understands (v${MIGRATIONS.length}), and v${changing.join(', v')} changed what this agent reads`,
      );
    }
    MIGRATIONS.forEach((sql, index) => {
      const version = index + 1;
      if (version <= current) return;
      db.exec(sql);
      // Prepared here: agent_settings is created by version 1.
      if (ADDITIVE_MIGRATIONS.has(version)) db.prepare("INSERT OR IGNORE INTO agent_settings (key, value_json) VALUES (?, 'true')").run(additiveKey(version));
    });
    if (current !== MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  });
  apply.immediate();
}
