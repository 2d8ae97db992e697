import { Inject, Injectable } from '@nestjs/common';
import type { Statement, Transaction } from 'better-sqlite3';
import { SqliteDatabase } from './database.repository';
import type { BookingStatus } from './lottery.repository';
import { uniqueViolationOn } from './lottery.rows';
import { prepareWinEnding } from './lottery-alternates.sql';
import { settle } from './settle';

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
 * one live (held or confirmed) booking per slot, and the insert runs in a write transaction.
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
  source: 'lottery' | 'first-come';
  entry_id: string | null;
  status: BookingStatus;
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
  source: row.source,
  entryId: row.entry_id,
  status: row.status,
  feeYen: row.fee_yen,
  chargeYen: row.charge_yen,
  confirmBy: row.confirm_by,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const SELECT_BOOKING = `SELECT b.*, u.identity_id FROM facility_bookings b JOIN facility_users u ON u.user_number = b.user_number`;

@Injectable()
export class SqliteFacilityBookingRepository implements FacilityBookingRepository {
  private readonly byId: Statement<[string], BookingRow>;
  private readonly byClientId: Statement<[string], BookingRow>;
  private readonly ofIdentity: Statement<[string], BookingRow>;
  private readonly cancelStatement: Statement<[number, string, string]>;
  private readonly createTx: Transaction<(booking: NewFirstComeBooking) => CreateBookingOutcome>;

  constructor(@Inject(SqliteDatabase) { db }: Pick<SqliteDatabase, 'db'>) {
    this.byId = db.prepare(`${SELECT_BOOKING} WHERE b.booking_id = ?`);
    this.byClientId = db.prepare(`${SELECT_BOOKING} WHERE b.client_booking_id = ?`);
    this.ofIdentity = db.prepare(`${SELECT_BOOKING}
      WHERE b.user_number IN (SELECT o.user_number FROM facility_users o
        WHERE o.identity_id = (SELECT identity_id FROM facility_users WHERE user_number = ?))
      ORDER BY b.created_at DESC, b.booking_id DESC`);
    this.cancelStatement = db.prepare(`
      UPDATE facility_bookings SET status = 'cancelled', charge_yen = ?, updated_at = ? WHERE booking_id = ? AND status = 'confirmed'`);
    // A win whose deadline passed but that the lottery tick has not ended yet is ended here, the same
    // way (domain/lottery/alternates.ts): its slot may go to an alternate, or be held a little longer.
    const expiredHold = db.prepare<[string, string], string>(`
      SELECT b.booking_id FROM facility_bookings b JOIN facility_slots s ON s.slot_id = b.slot_id JOIN lottery_rounds r ON r.round_id = s.round_id
      WHERE b.slot_id = ? AND b.status = 'held' AND b.source = 'lottery' AND coalesce(b.confirm_by, r.confirm_closes_at) <= ?`).pluck();
    const releaseHold = db.prepare<[string, string]>(`UPDATE facility_bookings SET status = 'released', updated_at = ? WHERE booking_id = ?`);
    const endWin = prepareWinEnding(db);
    const insert = db.prepare(`
      INSERT INTO facility_bookings (booking_id, booking_number, client_booking_id, slot_id, user_number, source, entry_id, status,
        fee_yen, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, 'first-come', NULL, 'confirmed', ?, ?, ?)`);
    this.createTx = db.transaction((b: NewFirstComeBooking): CreateBookingOutcome => {
      const expired = expiredHold.get(b.slotId, b.createdAt);
      if (expired) {
        releaseHold.run(b.createdAt, expired);
        const after = endWin(b.slotId, new Date(b.createdAt), () => b.promotionBookingId);
        if (after?.action === 'release' && after.firstComeFrom.getTime() > Date.parse(b.createdAt)) {
          return { ok: false, conflict: 'held-until', until: after.firstComeFrom.toISOString() };
        }
      }
      try {
        insert.run(b.bookingId, b.bookingNumber, b.clientBookingId, b.slotId, b.userNumber, b.feeYen, b.createdAt, b.createdAt);
      } catch (error) {
        if (uniqueViolationOn(error, 'client_booking_id')) return { ok: false, conflict: 'client-booking-id' };
        if (uniqueViolationOn(error, 'booking_number')) return { ok: false, conflict: 'booking-number' };
        if (uniqueViolationOn(error, 'slot_id')) return { ok: false, conflict: 'slot-taken' };
        throw error;
      }
      return { ok: true };
    });
  }

  createFirstCome(booking: NewFirstComeBooking): Promise<CreateBookingOutcome> {
    return settle(() => this.createTx.immediate(booking));
  }

  findBooking(bookingId: string): Promise<BookingRecord | undefined> {
    return settle(() => {
      const row = this.byId.get(bookingId);
      return row ? bookingFromRow(row) : undefined;
    });
  }

  findBookingByClientId(clientBookingId: string): Promise<BookingRecord | undefined> {
    return settle(() => {
      const row = this.byClientId.get(clientBookingId);
      return row ? bookingFromRow(row) : undefined;
    });
  }

  listBookingsForIdentity(userNumber: string): Promise<BookingRecord[]> {
    return settle(() => this.ofIdentity.all(userNumber).map(bookingFromRow));
  }

  cancel(bookingId: string, chargeYen: number, at: string): Promise<boolean> {
    return settle(() => this.cancelStatement.run(chargeYen, at, bookingId).changes === 1);
  }
}
