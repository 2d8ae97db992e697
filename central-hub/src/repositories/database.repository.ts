import type { Database } from 'better-sqlite3';
import type { HubStore, Durability } from '../storage/hub-store';
import { SqliteHubStore } from '../storage/sqlite-hub-store';
import { settle } from './settle';

export { HUB_DB_FILE } from '../storage/sqlite-hub-store';
export type { Durability } from '../storage/hub-store';

/** What services may ask of the store as a whole (health), whatever engine holds it. */
export interface DatabaseRepository {
  /** Resolves when a trivial query succeeds; rejects otherwise. */
  ping(): Promise<void>;
}
/** Provides the `HubStore` (storage/hub-store.ts) the repositories write their queries against. */
export const DATABASE = 'DatabaseRepository';

/**
 * TRANSITIONAL (issue 13): the synchronous better-sqlite3 handle for repositories not yet written
 * against `HubStore`. It is the same connection the store uses, and its `grouped` work joins the
 * store's group commit, so both kinds of repository share one writer. Removed once every repository
 * is on `HubStore`; the hub refuses PostgreSQL while any repository still needs it.
 */
export class SqliteDatabase implements DatabaseRepository {
  readonly db: Database;
  readonly store: SqliteHubStore;

  /** On the hub's store, or (tests) on a store of its own opened in `dataDir`. */
  constructor(store: SqliteHubStore | string, _log?: unknown) {
    this.store = typeof store === 'string' ? new SqliteHubStore(store) : store;
    this.db = this.store.connection;
  }

  close(): Promise<void> {
    return this.store.close();
  }

  grouped<T>(work: () => T, durability: Durability = 'full'): Promise<T> {
    return this.store.grouped(() => settle(work), durability);
  }

  ping(): Promise<void> {
    return this.store.ping();
  }
}

/** The legacy handle, when the store is SQLite (null on PostgreSQL). */
export function legacySqlite(store: HubStore): SqliteDatabase | null {
  return store instanceof SqliteHubStore ? new SqliteDatabase(store) : null;
}
