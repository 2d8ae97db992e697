import type { HubStore } from '../storage/hub-store';
import type { Clock } from './clock.repository';

/**
 * The lottery's own "now". Normally the hub's clock itself. In the demo (HUB_SEED_DEMO_USERS=1) it is
 * the hub's clock plus an offset an administrator moves forward (tools/demo-clock.ts), so a round's
 * draw and results can be reached in minutes. Only the lottery runs on it: kiosk authentication,
 * heartbeats, sessions of technicians and the audit trail keep the real time.
 */
export const LOTTERY_CLOCK = 'LotteryClock';
export type { Clock };

/** The lottery's "now", and its time at an instant read on the hub's own clock. */
export interface LotteryClock extends Clock {
  /** The lottery's time at `hubInstant` (a time of the hub's real clock, e.g. when it received something). */
  at(hubInstant: Date): Date;
}

/** The lottery on the hub's own time: everywhere but the demo. */
export class HubLotteryClock implements LotteryClock {
  constructor(private readonly base: Clock) {}

  now(): Date {
    return this.base.now();
  }

  at(hubInstant: Date): Date {
    return hubInstant;
  }
}

/** The demo's shifted clock; the offset is kept in the hub's database so a restart keeps the demo's date. */
export class DemoLotteryClock implements LotteryClock {
  private constructor(
    private readonly base: Clock,
    private readonly store: HubStore,
    private offsetMs: number,
  ) {}

  /** The demo clock where it was left (no offset the first time). */
  static async open(base: Clock, store: HubStore): Promise<DemoLotteryClock> {
    const row = await store.db.selectFrom('lottery_demo_clock').select('offset_ms').where('id', '=', 1).executeTakeFirst();
    return new DemoLotteryClock(base, store, row?.offset_ms ?? 0);
  }

  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }

  at(hubInstant: Date): Date {
    return new Date(hubInstant.getTime() + this.offsetMs);
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Moves the lottery's time forward to `instant` (never back: the calendar only runs forwards). */
  async advanceTo(instant: Date): Promise<{ from: Date; to: Date }> {
    const from = this.now();
    if (instant.getTime() <= from.getTime()) return { from, to: from };
    const offsetMs = instant.getTime() - this.base.now().getTime();
    const updatedAt = this.base.now().toISOString();
    await this.store.db
      .insertInto('lottery_demo_clock')
      .values({ id: 1, offset_ms: offsetMs, updated_at: updatedAt })
      .onConflict((c) => c.column('id').doUpdateSet({ offset_ms: offsetMs, updated_at: updatedAt }))
      .execute();
    // Moved only once stored: a failed write leaves the clock where the database says it is.
    this.offsetMs = offsetMs;
    return { from, to: this.now() };
  }
}
