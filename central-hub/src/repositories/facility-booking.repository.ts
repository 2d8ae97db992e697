import { Inject, Injectable } from '@nestjs/common';
import type { AfterWinEnded } from '../domain/lottery/alternates';
import type { HeldWin } from '../services/facility-booking.rules';
import type { HubDb, HubStore, Tx } from '../storage/hub-store';
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
}

/** Which unique key kept a booking out. */
export type BookingConflict = 'slot-taken' | 'client-booking-id' | 'booking-number';
export type InsertBookingOutcome = { ok: true } | { ok: false; conflict: BookingConflict };

/** A slot's held lottery win, with what decides when it stops holding the slot (facility-booking.rules.ts). */
export interface HeldWinRecord extends HeldWin {
  bookingId: string;
}

/**
 * Bookings. No double booking rests on the database, not on this code: a partial unique index allows
 * one live (held or confirmed) booking per slot. A first-come booking is a unit of work the service
 * runs (`transaction`): hold the slot's row, end its expired win if the rules say so, insert.
 */
export interface FacilityBookingRepository {
  /**
   * Runs `work` as one transaction; on PostgreSQL one that raced another is run again from the start,
   * so `work` must do nothing but repository calls and pure decisions.
   */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Holds the slot's row until `tx` ends: concurrent bookings of one slot take turns. */
  holdSlot(slotId: string, tx: Tx): Promise<void>;
  /** The slot's held lottery win, if any (whether or not its deadline has passed). */
  heldWinOf(slotId: string, tx: Tx): Promise<HeldWinRecord | undefined>;
  /**
   * Releases the held win and passes its slot on as alternates.ts says (the next alternate's hold,
   * or the slot held a while before first-come booking). `promotionBookingId`: the id of a promoted
   * alternate's held booking.
   */
  endHeldWin(win: { bookingId: string; slotId: string }, now: Date, promotionBookingId: string, tx: Tx): Promise<AfterWinEnded | null>;
  /** Inserts a confirmed first-come booking, or tells which unique key keeps it out. */
  insertFirstCome(booking: NewFirstComeBooking, tx: Tx): Promise<InsertBookingOutcome>;
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

@Injectable()
export class KyselyFacilityBookingRepository implements FacilityBookingRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.store.transaction(work);
  }

  /**
   * A write that changes nothing: on PostgreSQL a concurrent booking of the same slot waits for this
   * transaction and is then run again, seeing this booking; on SQLite it makes this transaction the
   * writer from here on, so another process's booking waits (busy timeout) instead of failing on a
   * read snapshot this one made stale.
   */
  async holdSlot(slotId: string, tx: Tx): Promise<void> {
    await tx.updateTable('facility_slots').set((eb) => ({ first_come_from: eb.ref('first_come_from') })).where('slot_id', '=', slotId).execute();
  }

  async heldWinOf(slotId: string, tx: Tx): Promise<HeldWinRecord | undefined> {
    const row = await tx
      .selectFrom('facility_bookings as b')
      .innerJoin('facility_slots as s', 's.slot_id', 'b.slot_id')
      .innerJoin('lottery_rounds as r', 'r.round_id', 's.round_id')
      .select(['b.booking_id', 'b.confirm_by', 'r.confirm_closes_at'])
      .where('b.slot_id', '=', slotId)
      .where('b.status', '=', 'held')
      .where('b.source', '=', 'lottery')
      .executeTakeFirst();
    return row ? { bookingId: row.booking_id, confirmBy: row.confirm_by, roundConfirmClosesAt: row.confirm_closes_at } : undefined;
  }

  async endHeldWin(win: { bookingId: string; slotId: string }, now: Date, promotionBookingId: string, tx: Tx): Promise<AfterWinEnded | null> {
    await tx.updateTable('facility_bookings').set({ status: 'released', updated_at: now.toISOString() }).where('booking_id', '=', win.bookingId).execute();
    return endWin(tx, win.slotId, now, () => promotionBookingId);
  }

  /**
   * A taken key inserts nothing (ON CONFLICT DO NOTHING, so the transaction goes on, on PostgreSQL
   * too) and a read tells which. Racing a booking not yet visible to this transaction, PostgreSQL
   * refuses it as a serialization failure instead, and the transaction is run again.
   */
  async insertFirstCome(b: NewFirstComeBooking, tx: Tx): Promise<InsertBookingOutcome> {
    const inserted = await tx
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
      .onConflict((oc) => oc.doNothing())
      .returning('booking_id')
      .executeTakeFirst();
    if (inserted) return { ok: true };
    const conflict = await bookingConflict(tx, b);
    if (!conflict) throw new Error(`booking ${b.bookingId} was refused by a key no visible booking holds`);
    return { ok: false, conflict };
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

/** Which unique key of facility_bookings this booking collides with, in the order the service asks. */
async function bookingConflict(tx: Tx, b: NewFirstComeBooking): Promise<BookingConflict | null> {
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
