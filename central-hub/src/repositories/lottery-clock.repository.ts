import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from './clock.repository';

/**
 * The lottery's own "now". Normally the hub's clock itself. In the demo (HUB_SEED_DEMO_USERS=1) it is
 * the hub's clock plus an offset an administrator moves forward (tools/demo-clock.ts), so a round's
 * draw and results can be reached in minutes. Only the lottery runs on it: kiosk authentication,
 * heartbeats, sessions of technicians and the audit trail keep the real time.
 */
export const LOTTERY_CLOCK = 'LotteryClock';
export type { Clock };

/** The demo's shifted clock; the offset is kept in the hub's database so a restart keeps the demo's date. */
export class DemoLotteryClock implements Clock {
  private offsetMs: number;
  private readonly save: Statement<[number, string]>;

  constructor(
    private readonly base: Clock,
    db: Database,
  ) {
    const row = db.prepare<[], { offset_ms: number }>('SELECT offset_ms FROM lottery_demo_clock WHERE id = 1').get();
    this.offsetMs = row?.offset_ms ?? 0;
    this.save = db.prepare(`INSERT INTO lottery_demo_clock (id, offset_ms, updated_at) VALUES (1, ?, ?)
      ON CONFLICT (id) DO UPDATE SET offset_ms = excluded.offset_ms, updated_at = excluded.updated_at`);
  }

  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Moves the lottery's time forward to `instant` (never back: the calendar only runs forwards). */
  advanceTo(instant: Date): { from: Date; to: Date } {
    const from = this.now();
    if (instant.getTime() <= from.getTime()) return { from, to: from };
    this.offsetMs = instant.getTime() - this.base.now().getTime();
    this.save.run(this.offsetMs, this.base.now().toISOString());
    return { from, to: this.now() };
  }
}
