import type { Database } from 'better-sqlite3';

/** How durable a piece of grouped work must be when its promise resolves. */
export type Durability = 'full' | 'relaxed';

interface Job {
  work: () => unknown;
  durability: Durability;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  outcome?: { ok: true; value: unknown } | { ok: false; error: Error };
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * Group commit on one SQLite connection (issue 12): the write work submitted during one turn of the
 * event loop runs in ONE transaction, each piece inside its own savepoint, and each submitter's promise
 * settles only after that transaction committed. So N batches arriving together cost one commit and one
 * fsync instead of N, and a piece that throws (a refused batch, a unique-key clash that is not absorbed)
 * is rolled back to its savepoint alone: the others in the group commit as if it had never run.
 *
 * The group is synchronous from its first statement to its commit (better-sqlite3), so nothing else can
 * write in between; work submitted while it runs waits for the next turn. A group is committed with
 * `synchronous = FULL` when any piece asks for `full` durability, else with NORMAL (no fsync: heartbeats).
 */
export class SqliteGroupCommit {
  private queue: Job[] = [];
  private scheduled = false;
  private readonly inSavepoint: (work: () => unknown) => unknown;
  private readonly group: (jobs: Job[]) => void;

  constructor(
    private readonly db: Database,
    /** When the group runs: after the I/O of this turn (tests may run it by hand). */
    private readonly schedule: (flush: () => void) => void = (flush) => setImmediate(flush),
  ) {
    // A transaction function called inside another one runs as a savepoint (better-sqlite3).
    this.inSavepoint = db.transaction((work: () => unknown) => work());
    this.group = db.transaction((jobs: Job[]) => {
      for (const job of jobs) {
        try {
          job.outcome = { ok: true, value: this.inSavepoint(job.work) };
        } catch (error) {
          // An error SQLite answered by rolling back the whole transaction fails the whole group.
          if (!db.inTransaction) throw error;
          job.outcome = { ok: false, error: asError(error) };
        }
      }
    });
  }

  /** Runs `work` (synchronous SQL) in the next group; resolves with its value once the group committed. */
  run<T>(work: () => T, durability: Durability = 'full'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, durability, resolve: resolve as (value: unknown) => void, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      this.schedule(() => this.flush());
    });
  }

  /** Runs and commits what is queued now. Called by the schedule, and before the connection closes. */
  flush(): void {
    this.scheduled = false;
    const jobs = this.queue;
    if (jobs.length === 0) return;
    this.queue = [];
    try {
      const full = jobs.some((job) => job.durability === 'full');
      this.withSynchronous(full, () => this.group(jobs));
    } catch (error) {
      for (const job of jobs) job.reject(asError(error));
      return;
    }
    for (const job of jobs) {
      const outcome = job.outcome;
      if (outcome?.ok) job.resolve(outcome.value);
      else job.reject(outcome?.error ?? new Error('grouped work did not run'));
    }
  }

  /** NORMAL for a group of relaxed work only; the connection's own level is restored right after. */
  private withSynchronous(full: boolean, commit: () => void): void {
    if (full) return commit();
    const level = this.db.pragma('synchronous', { simple: true }) as number;
    this.db.pragma('synchronous = NORMAL');
    try {
      commit();
    } finally {
      this.db.pragma(`synchronous = ${level}`);
    }
  }
}
