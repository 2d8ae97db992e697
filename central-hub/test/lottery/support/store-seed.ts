import type { HubDb } from '../../../src/storage/hub-store';

/**
 * The few rows a lottery repository spec needs (a facility, a round, slots, users), written straight
 * through the query builder so the spec runs on either engine without the catalogue's services.
 */
export const SEED_ROUND_ID = 'toyonaka-tennis-2026-12';
const FACILITY_ID = 'toyonaka-nobata-tennis';
const UNIT_ID = 'toyonaka-nobata-tennis-c1';

export interface SeedRound {
  confirmClosesAt: string;
  firstComeOpensAt: string;
  caps?: { maxEntries: number; maxHours: number; maxWins: number };
}

/** One facility with one court, and a December lottery round for it. */
export async function seedRound(db: HubDb, round: SeedRound): Promise<void> {
  await db
    .insertInto('facilities')
    .values({
      facility_id: FACILITY_ID,
      municipality: '豊中市',
      name: '野畑庭球場',
      name_en: 'Nobata tennis courts',
      facility_type: 'tennis',
      closed_weekdays_json: '[]',
      cancel_deadline_days: 3,
      sort_order: 1,
    })
    .execute();
  await db
    .insertInto('facility_units')
    .values({ unit_id: UNIT_ID, facility_id: FACILITY_ID, name: '1番コート', name_en: 'Court 1', sports_json: '["tennis"]', slot_templates_json: '[]', sort_order: 1 })
    .execute();
  await db
    .insertInto('lottery_rounds')
    .values({
      round_id: SEED_ROUND_ID,
      municipality: '豊中市',
      facility_type: 'tennis',
      use_month: '2026-12',
      kind: 'lottery',
      entry_opens_at: '2026-09-30T15:00:00.000Z',
      entry_closes_at: '2026-10-10T15:00:00.000Z',
      draw_at: '2026-10-11T15:00:00.000Z',
      results_at: '2026-10-14T15:00:00.000Z',
      confirm_closes_at: round.confirmClosesAt,
      first_come_opens_at: round.firstComeOpensAt,
      ends_at: '2026-12-31T15:00:00.000Z',
      offline_grace_ms: 86_400_000,
      caps_json: JSON.stringify(round.caps ?? { maxEntries: 10, maxHours: 20, maxWins: 4 }),
      seed_hex: '00'.repeat(32),
      commitment_hex: '11'.repeat(32),
      created_at: '2026-09-01T00:00:00.000Z',
    })
    .execute();
}

/** A two-hour slot of the seeded court on a December day (Japan time). */
export async function seedSlot(db: HubDb, slotId: string, date = '2026-12-05', start = '09:00', end = '11:00'): Promise<void> {
  await db
    .insertInto('facility_slots')
    .values({
      slot_id: slotId,
      unit_id: UNIT_ID,
      round_id: SEED_ROUND_ID,
      use_date: date,
      start_time: start,
      end_time: end,
      starts_at: new Date(`${date}T${start}:00+09:00`).toISOString(),
      ends_at: new Date(`${date}T${end}:00+09:00`).toISOString(),
      fee_yen: 1200,
    })
    .execute();
}

/** A user (8 digits) with an identity of its own. */
export async function seedUser(db: HubDb, userNumber: string, pin: { failedAttempts: number; lockedUntil: string | null } = { failedAttempts: 0, lockedUntil: null }): Promise<string> {
  const identityId = `identity-${userNumber}`;
  await db.insertInto('facility_identities').values({ identity_id: identityId, created_at: '2026-10-01T00:00:00.000Z' }).execute();
  await db
    .insertInto('facility_users')
    .values({
      user_number: userNumber,
      municipality: '豊中市',
      identity_id: identityId,
      pin_hash: 'scrypt$test',
      registered_at: '2026-10-01T00:00:00.000Z',
      expires_on: '2029-09-30',
      failed_pin_attempts: pin.failedAttempts,
      locked_until: pin.lockedUntil,
    })
    .execute();
  return identityId;
}

/** An active lottery entry of the seeded round. */
export async function seedEntry(db: HubDb, entry: { entryId: string; entryNumber: string; userNumber: string; slotId: string }): Promise<void> {
  await db
    .insertInto('lottery_entries')
    .values({
      entry_id: entry.entryId,
      entry_number: entry.entryNumber,
      client_entry_id: `client-${entry.entryId}`,
      round_id: SEED_ROUND_ID,
      user_number: entry.userNumber,
      first_slot_id: entry.slotId,
      second_slot_id: null,
      channel: 'online',
      kiosk_id: null,
      occurred_at: '2026-10-05T00:00:00.000Z',
      accepted_at: '2026-10-05T00:00:00.000Z',
      status: 'active',
    })
    .execute();
}

/** How many held or confirmed bookings the slot has (the unique index allows one). */
export async function liveBookings(db: HubDb, slotId: string): Promise<number> {
  const row = await db
    .selectFrom('facility_bookings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('slot_id', '=', slotId)
    .where('status', 'in', ['held', 'confirmed'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
