import { Inject, Injectable } from '@nestjs/common';
import { firstComeHeldUntil, holdHasExpired } from '../services/facility-booking.rules';
import type { HubDb, HubStore, Tx } from '../storage/hub-store';
import { isUniqueViolation } from '../storage/storage-errors';
import { DATABASE } from './database.repository';
import type { BookingStatus } from './lottery.repository';
import { endWin } from './lottery-alternates.sql';

export interface BookingRecord {
  bookingId: string;
  bookingNumber: string;
  clientBookingId: string | null;
  slotId: string;
  userNumber: string;
  /** The identity of the booking's card now. */
  identityId: string;
  source: 'lottery' | 'first-come';
  entryId: string | null;
  status: BookingStatus;
  feeYen: number;
  chargeYen: number | null;
  /** A promoted alternate's own confirmation deadline (null: the round's). */
  confirmBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewFirstComeBooking {
  bookingId: string;
  bookingNumber: string;
  clientBookingId: string;
  slotId: string;
  userNumber: string;
  feeYen: number;
  createdAt: string;
  /** Used only if ending an expired win here promotes an alternate (its held booking's id). */
  promotionBookingId: string;
}

export type CreateBookingOutcome =
  | { ok: true }
  | { ok: false; conflict: 'slot-taken' | 'client-booking-id' | 'booking-number' }
  /** The slot's win just ended and the slot is held until `until` before first-come booking. */
  | { ok: false; conflict: 'held-until'; until: string };

/**
 * Bookings. No double booking rests on the database, not on this code: a partial unique index allows
 * one live (held or confirmed) booking per slot, and the checks and the insert run in one transaction
 * that holds the slot's row (so concurrent bookings of one slot take turns, on either engine).
 */
export interface FacilityBookingRepository {
  /**
   * First-come: releases the slot's expired lottery hold (if the release job has not run yet), then
   * inserts; `slot-taken` if the slot has a live booking.
   */
  createFirstCome(booking: NewFirstComeBooking): Promise<CreateBookingOutcome>;
  findBooking(bookingId: string): Promise<BookingRecord | undefined>;
  findBookingByClientId(clientBookingId: string): Promise<BookingRecord | undefined>;
  /** Every booking of every card of the identity `userNumber` belongs to, newest first. */
  listBookingsForIdentity(userNumber: string): Promise<BookingRecord[]>;
  /** confirmed → cancelled with what it cost; false if it was not confirmed. */
  cancel(bookingId: string, chargeYen: number, at: string): Promise<boolean>;
}
export const FACILITY_BOOKING_REPOSITORY = 'FacilityBookingRepository';

interface BookingRow {
  booking_id: string;
  booking_number: string;
  client_booking_id: string | null;
  slot_id: string;
  user_number: string;
  identity_id: string;
  source: string;
  entry_id: string | null;
  status: string;
  fee_yen: number;
  charge_yen: number | null;
  confirm_by: string | null;
  created_at: string;
  updated_at: string;
}

const bookingFromRow = (row: BookingRow): BookingRecord => ({
  bookingId: row.booking_id,
  bookingNumber: row.booking_number,
  clientBookingId: row.client_booking_id,
  slotId: row.slot_id,
  userNumber: row.user_number,
  identityId: row.identity_id,
  source: row.source as BookingRecord['source'],
  entryId: row.entry_id,
  status: row.status as BookingStatus,
  feeYen: row.fee_yen,
  chargeYen: row.charge_yen,
  confirmBy: row.confirm_by,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Bookings with the identity their card belongs to now. */
function selectBookings(db: HubDb) {
  return db.selectFrom('facility_bookings as b').innerJoin('facility_users as u', 'u.user_number', 'b.user_number').selectAll('b').select('u.identity_id');
}

/** How often a booking is tried again after a unique key refused it (its checks then see what raced it). */
const UNIQUE_RACE_RETRIES = 3;

@Injectable()
export class SqliteFacilityBookingRepository implements FacilityBookingRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  async createFirstCome(booking: NewFirstComeBooking): Promise<CreateBookingOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.store.transaction((tx) => bookFirstCome(tx, booking));
      } catch (error) {
        // Only a booking that committed after this one's checks can trip the index: run it again.
        if (!isUniqueViolation(error) || attempt >= UNIQUE_RACE_RETRIES) throw error;
      }
    }
  }

  async findBooking(bookingId: string): Promise<BookingRecord | undefined> {
    const row = await selectBookings(this.store.db).where('b.booking_id', '=', bookingId).executeTakeFirst();
    return row ? bookingFromRow(row) : undefined;
  }

  async findBookingByClientId(clientBookingId: string): Promise<BookingRecord | undefined> {
    const row = await selectBookings(this.store.db).where('b.client_booking_id', '=', clientBookingId).executeTakeFirst();
    return row ? bookingFromRow(row) : undefined;
  }

  async listBookingsForIdentity(userNumber: string): Promise<BookingRecord[]> {
    const rows = await selectBookings(this.store.db)
      .where('b.user_number', 'in', (eb) =>
        eb
          .selectFrom('facility_users as o')
          .select('o.user_number')
          .where('o.identity_id', '=', (inner) => inner.selectFrom('facility_users').select('identity_id').where('user_number', '=', userNumber)),
      )
      .orderBy('b.created_at', 'desc')
      .orderBy('b.booking_id', 'desc')
      .execute();
    return rows.map(bookingFromRow);
  }

  async cancel(bookingId: string, chargeYen: number, at: string): Promise<boolean> {
    const result = await this.store.db
      .updateTable('facility_bookings')
      .set({ status: 'cancelled', charge_yen: chargeYen, updated_at: at })
      .where('booking_id', '=', bookingId)
      .where('status', '=', 'confirmed')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

/**
 * One first-come booking, inside its transaction. A win whose deadline passed but that the lottery
 * tick has not ended yet is ended here, the same way (domain/lottery/alternates.ts): its slot may go
 * to an alternate, or be held a little longer (facility-booking.rules.ts decides both).
 */
async function bookFirstCome(tx: Tx, b: NewFirstComeBooking): Promise<CreateBookingOutcome> {
  await holdSlot(tx, b.slotId);
  const now = new Date(b.createdAt);
  const held = await tx
    .selectFrom('facility_bookings as b')
    .innerJoin('facility_slots as s', 's.slot_id', 'b.slot_id')
    .innerJoin('lottery_rounds as r', 'r.round_id', 's.round_id')
    .select(['b.booking_id', 'b.confirm_by', 'r.confirm_closes_at'])
    .where('b.slot_id', '=', b.slotId)
    .where('b.status', '=', 'held')
    .where('b.source', '=', 'lottery')
    .executeTakeFirst();
  if (held && holdHasExpired({ confirmBy: held.confirm_by, roundConfirmClosesAt: held.confirm_closes_at }, now)) {
    await tx.updateTable('facility_bookings').set({ status: 'released', updated_at: b.createdAt }).where('booking_id', '=', held.booking_id).execute();
    const until = firstComeHeldUntil(await endWin(tx, b.slotId, now, () => b.promotionBookingId), now);
    // The release (and the slot's hold) commit with this answer: the win has ended either way.
    if (until) return { ok: false, conflict: 'held-until', until: until.toISOString() };
  }
  const conflict = await bookingConflict(tx, b);
  if (conflict) return { ok: false, conflict };
  await tx
    .insertInto('facility_bookings')
    .values({
      booking_id: b.bookingId,
      booking_number: b.bookingNumber,
      client_booking_id: b.clientBookingId,
      slot_id: b.slotId,
      user_number: b.userNumber,
      source: 'first-come',
      entry_id: null,
      status: 'confirmed',
      fee_yen: b.feeYen,
      created_at: b.createdAt,
      updated_at: b.createdAt,
    })
    .execute();
  return { ok: true };
}

/**
 * Takes the slot's row first (a write that changes nothing): on PostgreSQL a concurrent booking of
 * the same slot waits for this transaction and is then run again, seeing this booking; on SQLite it
 * makes this transaction the writer from its first statement, so another process's booking waits
 * (busy timeout) instead of failing on a read snapshot this one made stale.
 */
async function holdSlot(tx: Tx, slotId: string): Promise<void> {
  await tx.updateTable('facility_slots').set((eb) => ({ first_come_from: eb.ref('first_come_from') })).where('slot_id', '=', slotId).execute();
}

/** What keeps this booking from being inserted, as the unique keys of facility_bookings would say it. */
async function bookingConflict(tx: Tx, b: NewFirstComeBooking): Promise<'client-booking-id' | 'booking-number' | 'slot-taken' | null> {
  const clashes = await tx
    .selectFrom('facility_bookings')
    .select(['client_booking_id', 'booking_number', 'slot_id', 'status'])
    .where((eb) =>
      eb.or([
        eb('client_booking_id', '=', b.clientBookingId),
        eb('booking_number', '=', b.bookingNumber),
        eb.and([eb('slot_id', '=', b.slotId), eb('status', 'in', ['held', 'confirmed'])]),
      ]),
    )
    .execute();
  if (clashes.some((row) => row.client_booking_id === b.clientBookingId)) return 'client-booking-id';
  if (clashes.some((row) => row.booking_number === b.bookingNumber)) return 'booking-number';
  return clashes.length > 0 ? 'slot-taken' : null;
}
