import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import type { Reservation, ThrottlePolicy } from '../services/login-throttle.rules';
import { SqliteDatabase } from './database.repository';
import { settle } from './settle';

/**
 * Login-attempt counters (login-throttle.rules.ts), kept in the database so that restarting the hub
 * does not unlock an account under attack, and changed only by single atomic statements, so that
 * concurrent attempts (in one process or several) cannot each read the same count. Keys are
 * `user:<username>` (any name tried) and `addr:<client address>`.
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

interface ReserveParams {
  key: string;
  now: number;
  max: number;
  windowMs: number;
  lockMs: number;
}

/**
 * A window starts afresh when the last one is older than the window or ended in a lock that has passed.
 * The WHERE of the upsert refuses a locked key: then no row is returned and nothing changes. Plain SQL
 * (INSERT … ON CONFLICT … DO UPDATE … WHERE … RETURNING) that PostgreSQL runs as well.
 */
const FRESH = '(login_throttle.locked_until_ms > 0 OR @now - login_throttle.window_started_at_ms >= @windowMs)';
const NEXT = `(CASE WHEN ${FRESH} THEN 1 ELSE login_throttle.failures + 1 END)`;
const RESERVE = `
  INSERT INTO login_throttle (throttle_key, failures, window_started_at_ms, locked_until_ms)
  VALUES (@key, 1, @now, CASE WHEN 1 >= @max THEN @now + @lockMs ELSE 0 END)
  ON CONFLICT (throttle_key) DO UPDATE SET
    failures = ${NEXT},
    window_started_at_ms = CASE WHEN ${FRESH} THEN @now ELSE login_throttle.window_started_at_ms END,
    locked_until_ms = CASE WHEN ${NEXT} >= @max THEN @now + @lockMs ELSE 0 END
  WHERE login_throttle.locked_until_ms <= @now
  RETURNING locked_until_ms`;
const RELEASE = `
  UPDATE login_throttle SET
    failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END,
    locked_until_ms = CASE WHEN failures - 1 < @max THEN 0 ELSE locked_until_ms END
  WHERE throttle_key = @key`;

@Injectable()
export class SqliteLoginThrottleRepository implements LoginThrottleRepository {
  private readonly reserveTry: Statement<[ReserveParams], { locked_until_ms: number }>;
  private readonly releaseTry: Statement<[{ key: string; max: number }]>;
  private readonly remove: Statement<[string]>;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    this.reserveTry = db.prepare(RESERVE);
    this.releaseTry = db.prepare(RELEASE);
    this.remove = db.prepare('DELETE FROM login_throttle WHERE throttle_key = ?');
  }

  reserve(key: string, nowMs: number, policy: ThrottlePolicy): Promise<Reservation> {
    return settle(() => {
      const row = this.reserveTry.get({ key, now: nowMs, max: policy.maxFailures, windowMs: policy.windowMs, lockMs: policy.lockMs });
      return row ? { allowed: true, lockedUntilMs: row.locked_until_ms } : { allowed: false };
    });
  }

  release(key: string, policy: ThrottlePolicy): Promise<void> {
    return settle(() => {
      this.releaseTry.run({ key, max: policy.maxFailures });
    });
  }

  reset(key: string): Promise<void> {
    return settle(() => {
      this.remove.run(key);
    });
  }
}
