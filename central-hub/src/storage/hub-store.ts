import { CompiledQuery, PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import type { HubSchema } from './hub-schema';
import { isSerializationFailure } from './storage-errors';

export type StorageEngine = 'sqlite' | 'postgres';

/** The hub's database as the query builder sees it: the whole store, or one open transaction. */
export type HubDb = Kysely<HubSchema>;
/** An open transaction: repositories taking part in one business transaction all receive the same one. */
export type Tx = Transaction<HubSchema>;

/** How durable a piece of grouped work must be when its promise resolves. */
export type Durability = 'full' | 'relaxed';

export interface TransactionOptions {
  /**
   * PostgreSQL only (SQLite has one writer, so every transaction is serializable there). `serializable`
   * (the default) makes a read-check-write sequence as safe as on SQLite; PostgreSQL may then refuse a
   * transaction that raced another, and it is run again from the start, so `work` must do nothing but
   * storage work. `read committed` for work whose correctness rests on unique keys and atomic statements.
   */
  isolation?: 'serializable' | 'read committed';
}

/**
 * The hub's storage, whatever engine holds it (issue 13): the query builder, the unit of work, and
 * group commit for the hot writes. Repositories write their queries once against `HubDb`/`Tx`.
 *
 * On SQLite the one connection is shared: inside `transaction(work)` use only the `tx` it gives you:
 * a query on `db` from inside would wait for the transaction that waits for it.
 */
export interface HubStore {
  readonly engine: StorageEngine;
  readonly db: HubDb;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Runs `work` in the transaction the caller already holds, or in a new one when it holds none: how a
   * repository method takes part in a caller's unit of work and still stands alone.
   */
  within<T>(tx: Tx | undefined, work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Group commit (issue 12): the work submitted during one turn of the event loop runs in ONE
   * transaction; each promise settles only after that commit. A piece that throws is rolled back alone
   * (the group is then run again, each piece in its own savepoint), so `work` must do nothing but
   * storage work. `relaxed` pieces may be lost to a power cut (no fsync / no synchronous commit) unless
   * they share the group with `full` ones. `key` (a kiosk id) chooses the piece's commit lane: on
   * PostgreSQL a few lanes commit in parallel (issue 12: a group's time there is mostly round trips),
   * and pieces of one key always share a lane, so they commit in order and never wait on each other's
   * row locks from another group; pieces without a key take the first lane. SQLite has one lane.
   */
  grouped<T>(work: (tx: Tx) => Promise<T>, durability?: Durability, key?: string): Promise<T>;
  /** Resolves when a trivial query succeeds. */
  ping(): Promise<void>;
  /** Commits what is queued for group commit, then closes the connection(s). */
  close(): Promise<void>;
}

interface Job {
  work: (tx: Tx) => Promise<unknown>;
  durability: Durability;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  outcome?: { ok: true; value: unknown } | { ok: false; error: Error };
}

/**
 * Engine errors pass through as they are (their `code` is what storage-errors.ts reads); only a thrown
 * non-object becomes an Error. (`instanceof Error` is not enough: a native module's error may come from
 * another realm, e.g. under jest.)
 */
const asError = (error: unknown): Error =>
  typeof error === 'object' && error !== null && 'message' in error ? (error as Error) : new Error(String(error));

/** The commit lane of a piece's key: the first for none; a stable spread (FNV-1a) of keys over the rest. */
export function laneOf(key: string | undefined, lanes: number): number {
  if (key === undefined || lanes <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % lanes;
}

/** Pieces in one group at most. */
const MAX_GROUP = 512;

/** Thrown out of a group's first run when one of its pieces failed, to roll that run back. */
const PIECE_FAILED = new Error('a grouped piece failed');

/** What differs between the engines around a group's transaction. */
export interface GroupTransaction {
  /** Runs `body` in one transaction committed with full durability, or relaxed when `full` is false. */
  run(full: boolean, body: (tx: Tx) => Promise<void>): Promise<void>;
}

/**
 * Collects grouped work per turn of the event loop and runs it as one transaction (see `commit` for how
 * a failing piece is rolled back alone). Groups never overlap: work submitted while a group commits
 * waits for the next one.
 */
export class GroupCommit {
  private queue: Job[] = [];
  private scheduled = false;
  private committing: Promise<void> | null = null;

  constructor(
    private readonly transaction: GroupTransaction,
    private readonly schedule: (flush: () => void) => void = (flush) => setImmediate(flush),
  ) {}

  run<T>(work: (tx: Tx) => Promise<T>, durability: Durability): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, durability, resolve: resolve as (value: unknown) => void, reject });
      this.scheduleFlush();
    });
  }

  /**
   * Starts what is queued as a group unless one is committing; resolves when it has committed. Work that
   * arrives while a group commits joins the group started when it ends (up to MAX_GROUP pieces), so
   * under load groups grow and commits (fsyncs) become fewer instead of queueing up (issue 12); idle, a
   * group is one turn's work as before.
   */
  flush(): Promise<void> {
    this.scheduled = false;
    if (this.committing !== null || this.queue.length === 0) return Promise.resolve();
    const jobs = this.queue.splice(0, MAX_GROUP);
    const group = this.commit(jobs).then((failure) => {
      // Free before the pieces are answered: what they submit next may start the next group at once.
      this.committing = null;
      if (this.queue.length > 0) this.scheduleFlush();
      this.settle(jobs, failure);
    });
    this.committing = group;
    return group;
  }

  /** Commits everything queued, however many groups that takes, and waits for the group committing. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.committing !== null) {
      await (this.committing ?? this.flush());
    }
  }

  private scheduleFlush(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => void this.flush());
  }

  /**
   * Runs the group without savepoints first (two statements, on PostgreSQL two round trips, saved per
   * piece: issue 12). When a piece throws, that transaction is rolled back and the group runs again with
   * one savepoint per piece, so the failing piece is rolled back alone; a group of one piece has nothing
   * to keep and is not run again. Pieces do storage work only, so running one twice is safe. Resolves
   * with the group's failure (every piece is answered with it), or undefined (each its own outcome).
   */
  private async commit(jobs: Job[]): Promise<Error | undefined> {
    const full = jobs.some((job) => job.durability === 'full');
    let failed = false;
    try {
      // A group that raced another transaction (a deadlock's victim, when groups in flight together or
      // two hub processes meet on a row) is run again whole, as `transaction` runs a piece of work again.
      await retryingSerialization(() =>
        this.transaction.run(full, async (tx) => {
          for (const job of jobs) {
            try {
              job.outcome = { ok: true, value: await job.work(tx) };
            } catch (error) {
              if (isSerializationFailure(error)) throw error;
              job.outcome = { ok: false, error: asError(error) };
              failed = true;
              throw PIECE_FAILED;
            }
          }
        }),
      );
    } catch (error) {
      if (!failed) return asError(error);
      if (jobs.length === 1) return undefined;
      try {
        await this.transaction.run(full, (tx) => this.runIsolated(tx, jobs));
      } catch (retryError) {
        return asError(retryError);
      }
    }
    return undefined;
  }

  private async runIsolated(tx: Tx, jobs: Job[]): Promise<void> {
    for (const job of jobs) {
      await sql`SAVEPOINT grouped_work`.execute(tx);
      try {
        job.outcome = { ok: true, value: await job.work(tx) };
        await sql`RELEASE SAVEPOINT grouped_work`.execute(tx);
      } catch (error) {
        job.outcome = { ok: false, error: asError(error) };
        // Rolls back this piece alone; the transaction and the pieces before it stand.
        await sql`ROLLBACK TO SAVEPOINT grouped_work`.execute(tx);
        await sql`RELEASE SAVEPOINT grouped_work`.execute(tx);
      }
    }
  }

  /** Answers every piece: with `failure` when the group's transaction failed, else with its own outcome. */
  private settle(jobs: Job[], failure?: Error): void {
    for (const job of jobs) {
      const outcome = job.outcome;
      if (failure) job.reject(failure);
      else if (outcome?.ok) job.resolve(outcome.value);
      else job.reject(outcome?.error ?? new Error('grouped work did not run'));
    }
  }
}

/** Runs `work` again when PostgreSQL refused it for racing another transaction (bounded, jittered). */
export async function retryingSerialization<T>(attempt: () => Promise<T>, attempts = 30): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isSerializationFailure(error) || tried >= attempts) throw error;
      const delayMs = Math.random() * Math.min(50, 2 * tried);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/**
 * Whether this connection is PostgreSQL's: for the few statements whose spelling differs (row locks:
 * SQLite has one writer and no `FOR UPDATE`, which PostgreSQL needs to serialize read-then-write).
 */
export function onPostgres(db: HubDb | Tx): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * A hot statement written once, with `?` for its parameters (never inside a literal), compiled once per
 * engine (PostgreSQL numbers them `$1`, `$2`…) and run without building a query (issue 12: the builder
 * and even the `sql` tag cost more than the hub's small statements themselves on the ingest path).
 */
export class HotStatement<R = Record<string, unknown>> {
  private readonly postgresText: string;

  constructor(readonly text: string) {
    let parameter = 0;
    this.postgresText = text.replace(/\?/g, () => `$${++parameter}`);
  }

  async execute(db: HubDb | Tx, parameters: readonly unknown[]): Promise<R[]> {
    const { rows } = await db.executeQuery<R>(CompiledQuery.raw(onPostgres(db) ? this.postgresText : this.text, [...parameters]));
    return rows;
  }
}

/** Row counts whose multi-row statement is kept compiled (a batch of a few events is the common case). */
const KEPT_ROW_COUNTS = 16;

/**
 * A multi-row statement `head VALUES (?, …), (?, …) tail`, one text per row count; `rows` are the
 * parameters of each row, in the order of the columns.
 */
export class HotRowsStatement<R = Record<string, unknown>> {
  private readonly kept = new Map<number, HotStatement<R>>();

  constructor(
    private readonly head: string,
    private readonly columns: number,
    private readonly tail = '',
  ) {}

  execute(db: HubDb | Tx, rows: ReadonlyArray<readonly unknown[]>): Promise<R[]> {
    return this.forRows(rows.length).execute(db, rows.flat());
  }

  private forRows(count: number): HotStatement<R> {
    const kept = this.kept.get(count);
    if (kept) return kept;
    const row = `(${Array.from({ length: this.columns }, () => '?').join(', ')})`;
    const statement = new HotStatement<R>(`${this.head} VALUES ${Array.from({ length: count }, () => row).join(', ')}${this.tail ? ` ${this.tail}` : ''}`);
    if (count <= KEPT_ROW_COUNTS) this.kept.set(count, statement);
    return statement;
  }
}

/**
 * What both engines share: the closed check, `within`, group commit, `ping` and an orderly `close` (work
 * already accepted is committed, and its submitters answered, before the connections close). An engine
 * supplies how it runs one transaction and one group's transaction.
 */
export abstract class EngineStore implements HubStore {
  abstract readonly engine: StorageEngine;
  /** Commit lanes (see `grouped`): one on SQLite, `commitLanes` on PostgreSQL. */
  private readonly lanes: GroupCommit[];
  private closed = false;

  protected constructor(
    readonly db: HubDb,
    groupTransaction: GroupTransaction,
    commitLanes = 1,
  ) {
    this.lanes = Array.from({ length: commitLanes }, () => new GroupCommit(groupTransaction));
  }

  /** Runs `work` in one transaction the engine's way (isolation, re-runs on serialization failure). */
  protected abstract runTransaction<T>(work: (tx: Tx) => Promise<T>, options: TransactionOptions): Promise<T>;

  transaction<T>(work: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.closed) return Promise.reject(new Error('database closed'));
    return this.runTransaction(work, options);
  }

  within<T>(tx: Tx | undefined, work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return tx ? work(tx) : this.transaction(work, options);
  }

  grouped<T>(work: (tx: Tx) => Promise<T>, durability: Durability = 'full', key?: string): Promise<T> {
    if (this.closed) return Promise.reject(new Error('database closed'));
    return (this.lanes[laneOf(key, this.lanes.length)] as GroupCommit).run(work, durability);
  }

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.lanes.map((lane) => lane.drain()));
    await this.db.destroy();
  }
}
