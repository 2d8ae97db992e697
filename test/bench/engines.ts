/**
 * The hub's two storage engines for the benches (issue 13): which to run, whether PostgreSQL can be
 * reached, and each engine's raw batched insert ceiling: the best the engine itself does with rows
 * shaped like the hub's `events` (same columns, same two unique keys, ids as time-ordered as an agent's)
 * in transactions of one batch each, durably: SQLite through better-sqlite3 (WAL, synchronous=FULL),
 * PostgreSQL through `pg` (one multi-row INSERT … ON CONFLICT DO NOTHING per transaction,
 * synchronous_commit on) in a database of its own, dropped afterwards. Figures only; nothing asserts.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { TEST_POSTGRES_ADMIN_URL, createTestPostgresDatabase, type HubEngine } from '../support/hub-records';
import { uuidv7 } from '../support/kiosk-client';

export type { HubEngine } from '../support/hub-records';

/** `BENCH_ENGINES` (comma-separated; default both), or `fallback`. */
export function benchEngines(fallback: readonly HubEngine[] = ['sqlite', 'postgres']): HubEngine[] {
  const listed = process.env.BENCH_ENGINES?.split(',').map((name) => name.trim()) ?? fallback;
  return listed.map((name) => {
    if (name !== 'sqlite' && name !== 'postgres') throw new Error(`BENCH_ENGINES: unknown engine ${name}`);
    return name;
  });
}

/** Why the PostgreSQL server of the tests cannot be used (null when it answers), for a clear skip line. */
export async function postgresUnreachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    const where = new URL(TEST_POSTGRES_ADMIN_URL);
    return `PostgreSQL at ${where.hostname}:${where.port || 5432} is unreachable (${error instanceof Error ? error.message || error.name : String(error)}); set HUB_TEST_POSTGRES_URL or start it`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The hub's `events` table, as both engines accept it (SQLite reads BIGINT as INTEGER). */
const EVENTS_TABLE = `CREATE TABLE events (
  kiosk_id TEXT NOT NULL, event_id TEXT NOT NULL, seq BIGINT NOT NULL, type TEXT NOT NULL,
  occurred_at TEXT NOT NULL, payload_json TEXT NOT NULL, received_at TEXT NOT NULL,
  UNIQUE (kiosk_id, event_id), UNIQUE (kiosk_id, seq))`;
const COLUMNS = 7;

/** One kiosk's `count` next events as the hub stores them (the agent's synthetic device-health event). */
function eventRows(count: number, firstSeq: number): unknown[][] {
  const now = new Date().toISOString();
  const payload = JSON.stringify({ deviceId: 'synthetic-load', kind: 'receipt-printer', status: 'ok', reasons: [], since: now });
  return Array.from({ length: count }, (_, i) => ['bench-kiosk', uuidv7(), firstSeq + i, 'device.health.changed', now, payload, now]);
}

function rate(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

/** Raw SQLite: `rows` rows, `perTransaction` to a commit; rows per second. */
export function rawSqliteCeiling(rows: number, perTransaction: number): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-raw-'));
  const db = new Database(path.join(dir, 'raw.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(EVENTS_TABLE);
    const insert = db.prepare(`INSERT INTO events VALUES (${Array(COLUMNS).fill('?').join(', ')}) ON CONFLICT DO NOTHING`);
    const batch = db.transaction((values: unknown[][]) => {
      for (const row of values) insert.run(...row);
    });
    const started = performance.now();
    for (let done = 0; done < rows; done += perTransaction) batch(eventRows(Math.min(perTransaction, rows - done), done + 1));
    return rate(rows, performance.now() - started);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Raw PostgreSQL, in a database created for it and dropped: one multi-row statement per transaction; rows per second. */
export async function rawPostgresCeiling(rows: number, perTransaction: number): Promise<number> {
  const database = await createTestPostgresDatabase('bench_raw');
  const client = new pg.Client({ connectionString: database.url });
  try {
    await client.connect();
    await client.query('SET synchronous_commit = on');
    await client.query(EVENTS_TABLE);
    const placeholders = (count: number) =>
      Array.from({ length: count }, (_, r) => `(${Array.from({ length: COLUMNS }, (_, c) => `$${r * COLUMNS + c + 1}`).join(', ')})`).join(', ');
    const full = placeholders(perTransaction);
    const started = performance.now();
    for (let done = 0; done < rows; done += perTransaction) {
      const count = Math.min(perTransaction, rows - done);
      await client.query('BEGIN');
      await client.query(`INSERT INTO events VALUES ${count === perTransaction ? full : placeholders(count)} ON CONFLICT DO NOTHING`, eventRows(count, done + 1).flat());
      await client.query('COMMIT');
    }
    return rate(rows, performance.now() - started);
  } finally {
    await client.end().catch(() => undefined);
    await database.drop();
  }
}

/** The engine's raw batched insert ceiling, rows per second. */
export function rawCeiling(engine: HubEngine, rows: number, perTransaction: number): Promise<number> {
  return engine === 'sqlite' ? Promise.resolve(rawSqliteCeiling(rows, perTransaction)) : rawPostgresCeiling(rows, perTransaction);
}

/** How each engine's ceiling is measured, for the printed line. */
export const CEILING_METHOD: Record<HubEngine, string> = {
  sqlite: 'better-sqlite3, WAL, synchronous=FULL',
  postgres: 'pg multi-row INSERT … ON CONFLICT DO NOTHING, synchronous_commit on',
};
