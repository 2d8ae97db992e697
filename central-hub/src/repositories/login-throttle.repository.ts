import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { Reservation, ThrottlePolicy } from '../services/login-throttle.rules';
import type { HubStore } from '../storage/hub-store';
import { DATABASE } from './database.repository';

/**
 * Login-attempt counters (login-throttle.rules.ts), kept in the database so that restarting the hub
 * does not unlock an account under attack, and changed only by single atomic statements, so that
 * concurrent attempts (in one process or several, on either engine) cannot each read the same count.
 * Keys are `user:<username>` (any name tried) and `addr:<client address>`.
 */
export interface LoginThrottleRepository {
  /** Counts one try against the key unless it is locked at `nowMs` (then counts nothing). */
  reserve(key: string, nowMs: number, policy: ThrottlePolicy): Promise<Reservation>;
  /** Gives one reserved try back (its attempt succeeded, or was never evaluated); lifts the lock it set. */
  release(key: string, policy: ThrottlePolicy): Promise<void>;
  /** Forgets the key's tries (its account signed in). */
  reset(key: string): Promise<void>;
}
export const LOGIN_THROTTLE_REPOSITORY = 'LoginThrottleRepository';

@Injectable()
export class KyselyLoginThrottleRepository implements LoginThrottleRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  /**
   * One upsert (INSERT … ON CONFLICT … DO UPDATE … WHERE … RETURNING), outside any transaction: the
   * engine serializes concurrent upserts of one key on the row itself (PostgreSQL re-evaluates the
   * WHERE and the SET on the latest row version), so no two tries read the same count. A window starts
   * afresh when the last one is older than the window or ended in a lock that has passed. The WHERE
   * refuses a locked key: then no row is returned and nothing changes. Instants are computed here, so
   * the statement never adds two parameters (PostgreSQL could not type `$1 + $2`); the lock instant is
   * cast because PostgreSQL would otherwise type it as the `0` beside it (a 32-bit integer).
   */
  async reserve(key: string, nowMs: number, policy: ThrottlePolicy): Promise<Reservation> {
    const lockedUntil = nowMs + policy.lockMs;
    const fresh = sql<boolean>`(login_throttle.locked_until_ms > 0 OR login_throttle.window_started_at_ms <= ${nowMs - policy.windowMs})`;
    const next = sql<number>`(CASE WHEN ${fresh} THEN 1 ELSE login_throttle.failures + 1 END)`;
    const row = await this.store.db
      .insertInto('login_throttle')
      .values({ throttle_key: key, failures: 1, window_started_at_ms: nowMs, locked_until_ms: policy.maxFailures <= 1 ? lockedUntil : 0 })
      .onConflict((conflict) =>
        conflict
          .column('throttle_key')
          .doUpdateSet({
            failures: next,
            window_started_at_ms: sql<number>`CASE WHEN ${fresh} THEN ${nowMs} ELSE login_throttle.window_started_at_ms END`,
            locked_until_ms: sql<number>`CASE WHEN ${next} >= ${policy.maxFailures} THEN CAST(${lockedUntil} AS BIGINT) ELSE 0 END`,
          })
          .where('login_throttle.locked_until_ms', '<=', nowMs),
      )
      .returning('locked_until_ms')
      .executeTakeFirst();
    return row ? { allowed: true, lockedUntilMs: Number(row.locked_until_ms) } : { allowed: false };
  }

  /** One UPDATE: the decrement and the lock it lifts read the same row version. */
  async release(key: string, policy: ThrottlePolicy): Promise<void> {
    await this.store.db
      .updateTable('login_throttle')
      .set({
        failures: sql<number>`CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END`,
        locked_until_ms: sql<number>`CASE WHEN failures - 1 < ${policy.maxFailures} THEN 0 ELSE locked_until_ms END`,
      })
      .where('throttle_key', '=', key)
      .execute();
  }

  async reset(key: string): Promise<void> {
    await this.store.db.deleteFrom('login_throttle').where('throttle_key', '=', key).execute();
  }
}
