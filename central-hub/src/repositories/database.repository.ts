import type { OnApplicationShutdown } from '@nestjs/common';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger';
import { SqliteGroupCommit, type Durability } from './group-commit';
import { MIGRATIONS, migrate } from './migrations';
import { settle } from './settle';

/** What services may ask of the store as a whole (health), whatever engine holds it. */
export interface DatabaseRepository {
  /** Resolves when a trivial query succeeds; rejects otherwise. */
  ping(): Promise<void>;
}
export const DATABASE = 'DatabaseRepository';

export const HUB_DB_FILE = 'hub.sqlite';

/**
 * The hub's SQLite file, opened once per process. WAL lets readers (the console, the cross-package
 * tests reading the file) run beside the single writer; `synchronous=FULL` makes every committed
 * transaction durable before the hub acks it, which the exactly-once guarantee rests on. The hot
 * writes (event batches, heartbeats, handshake nonces) go through `grouped`: one transaction and one
 * fsync per turn of the event loop, each piece in its own savepoint (group-commit.ts).
 */
export class SqliteDatabase implements DatabaseRepository, OnApplicationShutdown {
  readonly db: Database;
  private readonly groups: SqliteGroupCommit;
  private closed = false;

  constructor(dataDir: string, log: Logger) {
    mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, HUB_DB_FILE);
    this.db = new BetterSqlite3(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    const applied = migrate(this.db, MIGRATIONS, () => new Date().toISOString());
    this.groups = new SqliteGroupCommit(this.db);
    log.child({ module: 'database' }).info({ file, applied }, 'database ready');
  }

  /**
   * Runs `work` (synchronous SQL) in this turn's group transaction, in its own savepoint; resolves
   * with its value only after the group committed, rejects with its error (its savepoint rolled back).
   * `relaxed`: the caller can afford to lose it to a power cut (no fsync unless others in the group need one).
   */
  grouped<T>(work: () => T, durability: Durability = 'full'): Promise<T> {
    if (this.closed) return Promise.reject(new Error('database closed'));
    return this.groups.run(work, durability);
  }

  ping(): Promise<void> {
    return settle(() => {
      this.db.prepare('SELECT 1').get();
    });
  }

  /** Nest calls this after the HTTP and socket servers have closed, so no request is cut mid-write. */
  onApplicationShutdown(): void {
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Work already accepted is committed (and its submitters answered) before the file closes.
    this.groups.flush();
    this.db.close();
  }
}
