import type { Database } from 'better-sqlite3';

/**
 * The hub's schema, as an ordered list of migrations. A migration is never edited once released: add a
 * new one. Each runs in its own transaction together with its row in `schema_migrations`.
 *
 * Instants are stored as ISO-8601 UTC strings from `Date.toISOString()` (same length, so they sort and
 * compare as text), except where a comparison is on the hot path (nonce expiry: epoch milliseconds).
 * The `events` and `kiosks` columns are read directly by the cross-package tests: keep their names.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'fleet and event ingest',
    sql: `
      CREATE TABLE kiosks (
        kiosk_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        municipality TEXT NOT NULL,
        site TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('certificate-kiosk', 'street-terminal')),
        public_key TEXT NULL,
        enrolled_at TEXT NULL,
        created_at TEXT NOT NULL,
        acked_through_seq INTEGER NOT NULL DEFAULT 0,
        last_heartbeat_at TEXT NULL,
        agent_version TEXT NULL
      );

      -- Only the SHA-256 of a code is kept: the code itself is a bearer secret.
      CREATE TABLE enrolment_codes (
        code_hash TEXT PRIMARY KEY,
        kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT NULL
      );

      CREATE TABLE auth_nonces (
        kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
        nonce TEXT NOT NULL,
        expires_at_ms INTEGER NOT NULL,
        PRIMARY KEY (kiosk_id, nonce)
      ) WITHOUT ROWID;
      CREATE INDEX auth_nonces_by_expiry ON auth_nonces (expires_at_ms);

      CREATE TABLE events (
        kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
        event_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        occurred_at TEXT NOT NULL,
        payload_json TEXT NOT NULL,
        received_at TEXT NOT NULL,
        UNIQUE (kiosk_id, event_id),
        UNIQUE (kiosk_id, seq)
      );

      CREATE TABLE commands (
        command_id TEXT PRIMARY KEY,
        kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
        type TEXT NOT NULL,
        params_json TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'delivered', 'succeeded', 'failed', 'expired')),
        delivered_at TEXT NULL,
        completed_at TEXT NULL,
        detail TEXT NULL
      );
      CREATE INDEX commands_by_kiosk_status ON commands (kiosk_id, status, expires_at);

      CREATE TABLE device_health (
        kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
        device_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        reasons_json TEXT NOT NULL,
        detail TEXT NULL,
        since TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (kiosk_id, device_id)
      );

      -- Ids, amounts and reasons only: the ledger never holds anything about the person paying.
      CREATE TABLE cash_ledger (
        kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
        event_id TEXT NOT NULL,
        transaction_id TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('credit', 'payout')),
        amount_yen INTEGER NOT NULL CHECK (amount_yen >= 0),
        reason TEXT NULL,
        occurred_at TEXT NOT NULL,
        PRIMARY KEY (kiosk_id, event_id)
      );
      CREATE INDEX cash_ledger_by_transaction ON cash_ledger (transaction_id);

      -- The latest heartbeat per kiosk (telemetry is "latest wins", not exactly-once).
      CREATE TABLE kiosk_telemetry (
        kiosk_id TEXT PRIMARY KEY REFERENCES kiosks (kiosk_id),
        received_at TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        outbox_backlog INTEGER NOT NULL,
        outbox_oldest_occurred_at TEXT NULL,
        outbox_last_seq INTEGER NOT NULL,
        agent_version TEXT NOT NULL,
        uptime_seconds REAL NOT NULL,
        rss_bytes INTEGER NOT NULL,
        out_of_service INTEGER NOT NULL
      );
    `,
  },
];

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly reason: 'out-of-order' | 'newer-database',
    message: string,
  ) {
    super(message);
  }
}

/** Applies the migrations the database has not seen yet; returns the versions it applied. */
export function migrate(db: Database, migrations: readonly Migration[], appliedAt: () => string): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  for (let i = 1; i < migrations.length; i++) {
    if ((migrations[i]?.version ?? 0) <= (migrations[i - 1]?.version ?? 0)) {
      throw new MigrationError('out-of-order', 'migrations must be listed in increasing version order');
    }
  }
  const known = new Set(migrations.map((m) => m.version));
  const applied = db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[];
  const unknown = applied.filter((version) => !known.has(version));
  if (unknown.length > 0) {
    // A database written by a newer hub: running on it could corrupt what that hub relies on.
    throw new MigrationError('newer-database', `database has migrations this hub does not know: ${unknown.join(', ')}`);
  }
  const done = new Set(applied);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const ran: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, appliedAt());
    })();
    ran.push(migration.version);
  }
  return ran;
}
