import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS, migrateSqlite } from '../repositories/migrations';
import type { HubSchema } from './hub-schema';
import { EngineStore, retryingSerialization, type Tx } from './hub-store';

export const HUB_DB_FILE = 'hub.sqlite';

/**
 * The embedded default: the hub's SQLite file, opened once per process. WAL lets readers (the console,
 * the cross-package tests reading the file) run beside the single writer; `synchronous=FULL` makes
 * every committed transaction durable before the hub acks it, which the exactly-once guarantee rests on.
 * One connection: Kysely's SQLite driver hands it to one transaction (or query) at a time, so every
 * transaction is serializable as before.
 */
export class SqliteHubStore extends EngineStore {
  readonly engine = 'sqlite' as const;
  /** The file this store opened. */
  readonly file: string;
  /** The migrations this open applied (for the start-up log). */
  readonly applied: number[];
  /** The better-sqlite3 connection under the query builder (migrations, tools). */
  readonly connection: BetterSqlite3.Database;

  constructor(dataDir: string) {
    const { file, connection, applied } = openMigrated(dataDir);
    const db = new Kysely<HubSchema>({ dialect: new SqliteDialect({ database: cachingStatements(connection) }) });
    super(db, {
      run: (full, body) =>
        full
          ? db.transaction().execute(body)
          : // NORMAL (no fsync) for a group of relaxed work only, on the one connection held throughout.
            db.connection().execute(async (held) => {
              await sql`PRAGMA synchronous = NORMAL`.execute(held);
              try {
                await held.transaction().execute(body);
              } finally {
                await sql`PRAGMA synchronous = FULL`.execute(held);
              }
            }),
    });
    this.file = file;
    this.connection = connection;
    this.applied = applied;
  }

  /**
   * In this process the one connection serializes transactions; another process writing the same file
   * (an operator tool, a test's second hub) can still make a read-then-write transaction fail with
   * SQLITE_BUSY_SNAPSHOT, and it is run again, as PostgreSQL's serialization failures are.
   */
  protected runTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return retryingSerialization(() => this.db.transaction().execute(work));
  }
}

/** Distinct statement texts kept prepared: the hub's queries are a few hundred texts, each reused. */
export const STATEMENT_CACHE_SIZE = 512;

/**
 * The connection as Kysely's SQLite driver sees it, preparing each distinct SQL text once (issue 12):
 * the driver prepares every query it runs, and preparing costs more than running the hub's small
 * statements. Least recently used texts are dropped beyond `size` (a Map keeps insertion order; a hit
 * moves its text to the end). A statement still being iterated (a streamed query) is busy, and a second
 * use of its text gets a statement of its own.
 */
export function cachingStatements(connection: BetterSqlite3.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => connection.close(),
    prepare: (text: string) => {
      const cached = cache.get(text);
      if (cached !== undefined) {
        if (cached.busy) return connection.prepare(text);
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = connection.prepare(text);
      cache.set(text, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value as string);
      return statement;
    },
  };
}

function openMigrated(dataDir: string): { file: string; connection: BetterSqlite3.Database; applied: number[] } {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, HUB_DB_FILE);
  const connection = new BetterSqlite3(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  try {
    return { file, connection, applied: migrateSqlite(connection, MIGRATIONS, () => new Date().toISOString()) };
  } catch (error) {
    connection.close();
    throw error;
  }
}
