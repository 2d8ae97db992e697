import type { Database } from 'better-sqlite3';
import { CASH_VOUCHERS_MIGRATION } from './cash-vouchers.migration';
import { CASH_RECONCILIATION_MIGRATION } from './cash-reconciliation.migration';
import { CERTIFICATE_SERIAL_COUNTERS_MIGRATION, CERTIFICATES_MIGRATION } from './certificates.migration';
import { LOTTERY_DRAW_WITNESS_MIGRATION, LOTTERY_MIGRATION } from './lottery.migration';
import { FLEET_LOGS_MIGRATION } from './fleet-logs.migration';
import { MAINTENANCE_DAY_KIOSK_MIGRATION } from './maintenance-day-kiosk.migration';
import { LOTTERY_OFFLINE_MIGRATION, LOTTERY_OFFLINE_SESSION_MIGRATION } from './lottery-offline.migration';
import { RELEASES_MIGRATION } from './releases.migration';
import { ROLLOUTS_MIGRATION } from './rollouts.migration';
import { RELEASE_ARTEFACTS_MIGRATION } from './release-artefacts.migration';

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
  {
    version: 2,
    name: 'fleet monitoring, technicians and audit',
    sql: `
      -- The current derived status (history below); null until the hub first evaluated the kiosk.
      ALTER TABLE kiosks ADD COLUMN status TEXT NULL;
      ALTER TABLE kiosks ADD COLUMN status_since TEXT NULL;
      ALTER TABLE kiosk_telemetry ADD COLUMN outbox_quarantined INTEGER NULL;

      -- One row per interval a kiosk spent in a status; ended_at NULL is the current one.
      CREATE TABLE kiosk_status_history (
        id INTEGER PRIMARY KEY,
        kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
        status TEXT NOT NULL CHECK (status IN ('online', 'degraded', 'offline', 'out-of-service')),
        started_at TEXT NOT NULL,
        ended_at TEXT NULL
      );
      CREATE INDEX kiosk_status_history_by_kiosk ON kiosk_status_history (kiosk_id, id);

      -- Heartbeats as a time series, pruned after the retention period.
      CREATE TABLE telemetry_points (
        kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
        at TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        outbox_backlog INTEGER NOT NULL,
        outbox_oldest_occurred_at TEXT NULL,
        outbox_quarantined INTEGER NULL,
        rss_bytes INTEGER NOT NULL,
        uptime_seconds REAL NOT NULL,
        out_of_service INTEGER NOT NULL,
        devices_json TEXT NOT NULL
      );
      CREATE INDEX telemetry_points_by_kiosk ON telemetry_points (kiosk_id, at);
      CREATE INDEX telemetry_points_by_time ON telemetry_points (at);

      CREATE TABLE alerts (
        alert_id TEXT PRIMARY KEY,
        kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
        alert_key TEXT NOT NULL,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),
        device_id TEXT NULL,
        message TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
        opened_at TEXT NOT NULL,
        cleared_at TEXT NULL,
        flaps INTEGER NOT NULL DEFAULT 0,
        acknowledged_at TEXT NULL,
        acknowledged_by TEXT NULL,
        ack_comment TEXT NULL,
        resolved_at TEXT NULL
      );
      -- An alert opens once per occurrence: at most one unresolved alert per kiosk and condition.
      CREATE UNIQUE INDEX alerts_one_unresolved ON alerts (kiosk_id, alert_key) WHERE state != 'resolved';
      CREATE INDEX alerts_by_state ON alerts (state, opened_at);
      CREATE INDEX alerts_by_kiosk ON alerts (kiosk_id, opened_at);

      ALTER TABLE commands ADD COLUMN issued_by TEXT NULL;
      CREATE INDEX commands_by_status ON commands (status, expires_at);

      -- Passwords as scrypt hashes (see password.rules.ts); municipality NULL = every municipality.
      CREATE TABLE users (
        user_id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'technician', 'administrator')),
        municipality TEXT NULL,
        created_at TEXT NOT NULL,
        CHECK (municipality IS NOT NULL OR role = 'administrator')
      );

      -- Only the SHA-256 of a session token is kept: the token itself is a bearer secret.
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (user_id),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);

      -- Failed-login counters per account (user:NAME) and per client address (addr:IP).
      CREATE TABLE login_throttle (
        throttle_key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        window_started_at_ms INTEGER NOT NULL,
        locked_until_ms INTEGER NOT NULL
      ) WITHOUT ROWID;

      -- Append-only and hash-chained (audit.sql.ts); the triggers stop the hub's own code from ever
      -- changing a row, and the chain lets anyone detect a change made around them.
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        actor_kind TEXT NOT NULL,
        action TEXT NOT NULL,
        outcome TEXT NOT NULL,
        municipality TEXT NULL,
        kiosk_id TEXT NULL,
        target TEXT NULL,
        detail_json TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX audit_log_by_municipality ON audit_log (municipality, seq);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      -- The chain's head, written with every row: deleting rows at the end shows as a mismatch.
      CREATE TABLE audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
      );
    `,
  },
  // Features keep their schema beside their repositories; each is listed here with its version.
  { version: 3, ...CERTIFICATES_MIGRATION },
  { version: 4, ...LOTTERY_MIGRATION },
  { version: 5, ...LOTTERY_OFFLINE_MIGRATION },
  { version: 6, ...FLEET_LOGS_MIGRATION },
  { version: 7, ...CASH_RECONCILIATION_MIGRATION },
  { version: 8, ...LOTTERY_OFFLINE_SESSION_MIGRATION },
  { version: 9, ...MAINTENANCE_DAY_KIOSK_MIGRATION },
  { version: 10, ...CERTIFICATE_SERIAL_COUNTERS_MIGRATION },
  { version: 11, ...LOTTERY_DRAW_WITNESS_MIGRATION },
  { version: 12, ...CASH_VOUCHERS_MIGRATION },
  { version: 13, ...RELEASES_MIGRATION },
  { version: 14, ...ROLLOUTS_MIGRATION },
  { version: 15, ...RELEASE_ARTEFACTS_MIGRATION },
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

/**
 * The migrations still to apply to a database that has `applied`, in order; refuses a list out of
 * order and a database written by a newer hub (running on it could corrupt what that hub relies on).
 */
export function pendingMigrations(migrations: readonly Migration[], applied: readonly number[]): Migration[] {
  for (let i = 1; i < migrations.length; i++) {
    if ((migrations[i]?.version ?? 0) <= (migrations[i - 1]?.version ?? 0)) {
      throw new MigrationError('out-of-order', 'migrations must be listed in increasing version order');
    }
  }
  const known = new Set(migrations.map((m) => m.version));
  const unknown = applied.filter((version) => !known.has(version));
  if (unknown.length > 0) {
    throw new MigrationError('newer-database', `database has migrations this hub does not know: ${unknown.join(', ')}`);
  }
  const done = new Set(applied);
  return migrations.filter((migration) => !done.has(migration.version));
}

const SCHEMA_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`;

/** Applies the migrations the SQLite database has not seen yet; returns the versions it applied. */
export function migrateSqlite(db: Database, migrations: readonly Migration[], appliedAt: () => string): number[] {
  db.exec(SCHEMA_MIGRATIONS_TABLE);
  const applied = db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const ran: number[] = [];
  for (const migration of pendingMigrations(migrations, applied)) {
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, appliedAt());
    })();
    ran.push(migration.version);
  }
  return ran;
}

/**
 * The one source of the schema (the SQLite text above) rendered for PostgreSQL: integers are 64-bit
 * (epoch milliseconds, sums of yen), rowid-style keys become identity columns, `WITHOUT ROWID` and
 * `ifnull` are SQLite's spelling of what PostgreSQL does by default or calls `coalesce`, and the
 * append-only triggers become a trigger function. Tested by migrating a real PostgreSQL database.
 */
export function renderForPostgres(sqliteSql: string): string {
  return sqliteSql
    .replace(
      /CREATE TRIGGER (\w+) BEFORE (UPDATE|DELETE) ON (\w+)\s+BEGIN SELECT RAISE\(ABORT, '([^']+)'\); END;/g,
      (_all, name: string, operation: string, table: string, message: string) =>
        `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${message}'; END $$;\n` +
        `      CREATE TRIGGER ${name} BEFORE ${operation} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}();`,
    )
    .replace(/\bINTEGER PRIMARY KEY AUTOINCREMENT\b/g, 'BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY')
    .replace(/\bINTEGER PRIMARY KEY(?! CHECK)\b/g, 'BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY')
    .replace(/\)\s*WITHOUT ROWID;/g, ');')
    .replace(/\bINTEGER\b/g, 'BIGINT')
    .replace(/\bREAL\b/g, 'DOUBLE PRECISION')
    .replace(/\bBLOB\b/g, 'BYTEA')
    .replace(/\bifnull\(/gi, 'coalesce(');
}

/** What `migratePostgres` needs of a connection (a `pg` client). */
export interface PostgresMigrationClient {
  query<R extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** An arbitrary constant: hub processes starting together migrate one after the other. */
const MIGRATION_LOCK_KEY = 7_301_913;

/**
 * Applies the migrations the PostgreSQL database has not seen yet, each in its own transaction with
 * its row in `schema_migrations`, under an advisory lock so two hubs starting at once never race.
 */
export async function migratePostgres(client: PostgresMigrationClient, migrations: readonly Migration[], appliedAt: () => string): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    await client.query(renderForPostgres(SCHEMA_MIGRATIONS_TABLE));
    const applied = (await client.query<{ version: number | string }>('SELECT version FROM schema_migrations')).rows.map((row) => Number(row.version));
    const ran: number[] = [];
    for (const migration of pendingMigrations(migrations, applied)) {
      await client.query('BEGIN');
      try {
        await client.query(renderForPostgres(migration.sql));
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, appliedAt()]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      ran.push(migration.version);
    }
    return ran;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }
}
