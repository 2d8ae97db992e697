import { z } from 'zod';
import {
  FacilityViewSchema,
  OfflineEntryKeySchema,
  RoundViewSchema,
  SlotViewSchema,
  type FacilityView,
  type OfflineEntryKey,
  type RoundView,
  type SlotView,
  type UnsentEntry,
} from '@kiosk/protocols';
import type { SqliteDatabase } from '../store/database';
import type { Outbox } from '../store/outbox';

export interface Cached<T> {
  value: T;
  asOf: string;
}

const FacilitiesSchema = z.array(FacilityViewSchema);
const RoundsSchema = z.array(RoundViewSchema);
const SlotsSchema = z.array(SlotViewSchema);
const LotteryClockSchema = z.strictObject({ offsetMs: z.number().finite() });

/**
 * The lottery's public data as the hub last said it (`lottery_cache`, on the agent's database), and the
 * offline entries still waiting in the outbox (asked of the outbox, never read from its table). A cached
 * value that no longer parses is treated as absent (never shown).
 */
export class LotteryCache {
  private readonly statements;

  constructor(
    db: SqliteDatabase,
    private readonly outbox: Pick<Outbox, 'waiting'>,
  ) {
    this.statements = {
      read: db.prepare<[string], { value_json: string; as_of: string }>('SELECT value_json, as_of FROM lottery_cache WHERE key = ?'),
      write: db.prepare(
        `INSERT INTO lottery_cache (key, value_json, as_of) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, as_of = excluded.as_of`,
      ),
    };
  }

  facilities(municipality: string): Cached<FacilityView[]> | null {
    return this.get(`facilities:${municipality}`, FacilitiesSchema);
  }

  putFacilities(municipality: string, facilities: FacilityView[], asOf: string): void {
    this.put(`facilities:${municipality}`, facilities, asOf);
  }

  rounds(municipality: string): Cached<RoundView[]> | null {
    return this.get(`rounds:${municipality}`, RoundsSchema);
  }

  putRounds(municipality: string, rounds: RoundView[], asOf: string): void {
    this.put(`rounds:${municipality}`, rounds, asOf);
  }

  availability(facilityId: string, month: string): Cached<SlotView[]> | null {
    return this.get(`availability:${facilityId}:${month}`, SlotsSchema);
  }

  putAvailability(facilityId: string, month: string, slots: SlotView[], asOf: string): void {
    this.put(`availability:${facilityId}:${month}`, slots, asOf);
  }

  /** How far the hub's lottery clock runs ahead of this terminal's (the demo clock may move it), as last heard. */
  lotteryClockOffsetMs(): number {
    return this.get('lottery-clock', LotteryClockSchema)?.value.offsetMs ?? 0;
  }

  putLotteryClockOffsetMs(offsetMs: number, asOf: string): void {
    this.put('lottery-clock', { offsetMs }, asOf);
  }

  offlineKey(): OfflineEntryKey | null {
    return this.get('offline-key', OfflineEntryKeySchema)?.value ?? null;
  }

  putOfflineKey(key: OfflineEntryKey, asOf: string): void {
    this.put('offline-key', key, asOf);
  }

  /** This person's offline entries still in the outbox (the hub has not acked them), newest first. */
  unsentEntries(userNumber: string): UnsentEntry[] {
    return this.outbox
      .waiting('lottery.entry.provisional')
      .filter((event) => event.payload.userNumber === userNumber)
      .map(({ payload: { clientEntryId, roundId, firstSlotId, secondSlotId }, occurredAt }) => ({ clientEntryId, roundId, firstSlotId, secondSlotId, occurredAt }));
  }

  private get<S extends z.ZodType>(key: string, schema: S): Cached<z.infer<S>> | null {
    const row = this.statements.read.get(key);
    if (!row) return null;
    let json: unknown;
    try {
      json = JSON.parse(row.value_json);
    } catch {
      return null;
    }
    const parsed = schema.safeParse(json);
    return parsed.success ? { value: parsed.data, asOf: row.as_of } : null;
  }

  private put(key: string, value: unknown, asOf: string): void {
    this.statements.write.run(key, JSON.stringify(value), asOf);
  }
}
