import { Inject, Injectable } from '@nestjs/common';
import type { HubStore } from '../storage/hub-store';
import { DATABASE } from './database.repository';

/**
 * Deletes what no rule needs any more from tables that otherwise grow without bound (issue 15): kiosks'
 * closed status intervals past their retention (a kiosk reconnecting in a loop writes two a second),
 * and login-throttle counters that no longer count (one row per name or address ever tried).
 */
export interface RetentionRepository {
  /** Closed status intervals that ended before `before` (ISO instant); the open one of each kiosk stays. */
  pruneStatusHistory(before: string): Promise<number>;
  /**
   * Throttle rows that are neither locked at `nowMs` nor inside a window started after `nowMs - windowMs`:
   * the next try on such a key starts afresh anyway (login-throttle.repository.ts), so deleting it
   * changes no answer.
   */
  pruneLoginThrottle(nowMs: number, windowMs: number): Promise<number>;
}
export const RETENTION_REPOSITORY = 'RetentionRepository';

/** Rows per statement: a long backlog is deleted in steps, each a short write. */
const PRUNE_BATCH = 5000;

@Injectable()
export class KyselyRetentionRepository implements RetentionRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  async pruneStatusHistory(before: string): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = this.store.db.selectFrom('kiosk_status_history').select('id').where('ended_at', 'is not', null).where('ended_at', '<', before).orderBy('id').limit(PRUNE_BATCH);
      const { numDeletedRows } = await this.store.db.deleteFrom('kiosk_status_history').where('id', 'in', batch).executeTakeFirst();
      const deleted = Number(numDeletedRows);
      total += deleted;
      if (deleted < PRUNE_BATCH) return total;
    }
  }

  async pruneLoginThrottle(nowMs: number, windowMs: number): Promise<number> {
    const { numDeletedRows } = await this.store.db
      .deleteFrom('login_throttle')
      .where('locked_until_ms', '<=', nowMs)
      .where('window_started_at_ms', '<=', nowMs - windowMs)
      .executeTakeFirst();
    return Number(numDeletedRows);
  }
}
