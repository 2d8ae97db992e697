import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS, migrateSqlite } from '../repositories/migrations';
import type { HubSchema } from './hub-schema';
import { GroupCommit, retryingSerialization, type Durability, type HubDb, type HubStore, type Tx } from './hub-store';

export const HUB_DB_FILE = 'hub.sqlite';

/**
 * The embedded default: the hub's SQLite file, opened once per process. WAL lets readers (the console,
 * the cross-package tests reading the file) run beside the single writer; `synchronous=FULL` makes
 * every committed transaction durable before the hub acks it, which the exactly-once guarantee rests on.
 * One connection: Kysely's SQLite driver hands it to one transaction (or query) at a time, so every
 * transaction is serializable as before.
 */
export class SqliteHubStore implements HubStore {
  readonly engine = 'sqlite' as const;
  readonly db: HubDb;
  /** The file this store opened. */
  readonly file: string;
  /** The migrations this open applied (for the start-up log). */
  readonly applied: number[];
  /** The better-sqlite3 connection under the query builder (migrations, transitional code, tools). */
  readonly connection: BetterSqlite3.Database;
  private readonly groups: GroupCommit;
  private closed = false;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, HUB_DB_FILE);
    const connection = new BetterSqlite3(this.file);
    this.connection = connection;
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = FULL');
    connection.pragma('foreign_keys = ON');
    connection.pragma('busy_timeout = 5000');
    try {
      this.applied = migrateSqlite(connection, MIGRATIONS, () => new Date().toISOString());
    } catch (error) {
      connection.close();
      throw error;
    }
    this.db = new Kysely<HubSchema>({ dialect: new SqliteDialect({ database: connection }) });
    this.groups = new GroupCommit({
      run: (full, body) =>
        full
          ? this.db.transaction().execute(body)
          : // NORMAL (no fsync) for a group of relaxed work only, on the one connection held throughout.
            this.db.connection().execute(async (connection) => {
              await sql`PRAGMA synchronous = NORMAL`.execute(connection);
              try {
                await connection.transaction().execute(body);
              } finally {
                await sql`PRAGMA synchronous = FULL`.execute(connection);
              }
            }),
    });
  }

  /**
   * In this process the one connection serializes transactions; another process writing the same file
   * (an operator tool, a test's second hub) can still make a read-then-write transaction fail with
   * SQLITE_BUSY_SNAPSHOT, and it is run again, as PostgreSQL's serialization failures are.
   */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('database closed'));
    return retryingSerialization(() => this.db.transaction().execute(work));
  }

  within<T>(tx: Tx | undefined, work: (tx: Tx) => Promise<T>): Promise<T> {
    return tx ? work(tx) : this.transaction(work);
  }

  grouped<T>(work: (tx: Tx) => Promise<T>, durability: Durability = 'full'): Promise<T> {
    if (this.closed) return Promise.reject(new Error('database closed'));
    return this.groups.run(work, durability);
  }

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Work already accepted is committed (and its submitters answered) before the file closes.
    await this.groups.flush();
    await this.db.destroy();
  }
}
