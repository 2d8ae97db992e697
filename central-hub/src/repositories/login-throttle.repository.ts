import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import type { ThrottleState } from '../services/login-throttle.rules';
import { SqliteDatabase } from './database.repository';
import { settle } from './settle';

/**
 * Failed-login counters, kept in the database so that restarting the hub does not unlock an account
 * under attack. Keys are `user:<username>` (existing accounts only) and `addr:<client address>`.
 */
export interface LoginThrottleRepository {
  get(keys: readonly string[]): Promise<Map<string, ThrottleState>>;
  put(key: string, state: ThrottleState): Promise<void>;
  delete(key: string): Promise<void>;
}
export const LOGIN_THROTTLE_REPOSITORY = 'LoginThrottleRepository';

interface ThrottleRow {
  throttle_key: string;
  failures: number;
  window_started_at_ms: number;
  locked_until_ms: number;
}

@Injectable()
export class SqliteLoginThrottleRepository implements LoginThrottleRepository {
  private readonly byKey: Statement<[string], ThrottleRow>;
  private readonly upsert: Statement<[string, number, number, number]>;
  private readonly remove: Statement<[string]>;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    this.byKey = db.prepare('SELECT * FROM login_throttle WHERE throttle_key = ?');
    this.upsert = db.prepare(
      `INSERT INTO login_throttle (throttle_key, failures, window_started_at_ms, locked_until_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (throttle_key) DO UPDATE SET failures = excluded.failures,
         window_started_at_ms = excluded.window_started_at_ms, locked_until_ms = excluded.locked_until_ms`,
    );
    this.remove = db.prepare('DELETE FROM login_throttle WHERE throttle_key = ?');
  }

  get(keys: readonly string[]): Promise<Map<string, ThrottleState>> {
    return settle(() => {
      const states = new Map<string, ThrottleState>();
      for (const key of keys) {
        const row = this.byKey.get(key);
        if (row) states.set(key, { failures: row.failures, windowStartedAtMs: row.window_started_at_ms, lockedUntilMs: row.locked_until_ms });
      }
      return states;
    });
  }

  put(key: string, state: ThrottleState): Promise<void> {
    return settle(() => {
      this.upsert.run(key, state.failures, state.windowStartedAtMs, state.lockedUntilMs);
    });
  }

  delete(key: string): Promise<void> {
    return settle(() => {
      this.remove.run(key);
    });
  }
}
