import { Inject, Injectable } from '@nestjs/common';
import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { FacilityType, Municipality } from '@kiosk/protocols';
import type { EntryChoices, EntryRefusal } from '../domain/lottery/entry-rules';
import type { SlotRecord } from '../domain/lottery/slots';
import { SqliteDatabase } from './database.repository';
import { prepareWinEnding } from './lottery-alternates.sql';
import { roundFromRow, uniqueViolationOn, type RoundRecord, type RoundRow } from './lottery.rows';
import { settle } from './settle';

export type EntryStatus = 'active' | 'cancelled' | 'void';
export type EntryResult = 'won-first' | 'won-second' | 'lost';
export type BookingStatus = 'held' | 'confirmed' | 'declined' | 'released' | 'cancelled';

export interface EntryRecord {
  entryId: string;
  entryNumber: string;
  clientEntryId: string;
  roundId: string;
  userNumber: string;
  /** The identity of the entry's card now (cards linked later join one identity). */
  identityId: string;
  firstSlotId: string;
  secondSlotId: string | null;
  channel: 'online' | 'offline';
  kioskId: string | null;
  occurredAt: string;
  acceptedAt: string;
  status: EntryStatus;
  result: EntryResult | null;
  wonSlotId: string | null;
  /** The booking its win created, if it won. */
  bookingStatus: BookingStatus | null;
  /** A promoted alternate's own confirmation deadline (null: the round's). */
  confirmBy: string | null;
}

export type NewEntry = Omit<EntryRecord, 'identityId' | 'status' | 'result' | 'wonSlotId' | 'bookingStatus' | 'confirmBy'>;

export type InsertEntryOutcome =
  | { ok: true }
  | { ok: false; refusal: EntryRefusal }
  | { ok: false; conflict: 'client-entry-id' | 'entry-number' };

/** An active entry of the round as the draw sees it, oldest first. */
export interface DrawSnapshotEntry {
  entryId: string;
  entryNumber: string;
  userNumber: string;
  identityId: string;
  first: string;
  second: string | null;
}

export interface DrawRecord {
  roundId: string;
  drawnAt: string;
  resultDigest: string;
  publishedJson: string;
  /** The active entries the draw was computed over: if they changed since, nothing is written. */
  entryIds: readonly string[];
  voidedEntryIds: readonly string[];
  results: readonly { entryId: string; result: EntryResult; wonSlotId: string | null }[];
  ranks: readonly { slotId: string; position: number; entryId: string; choice: 1 | 2; won: boolean }[];
  /** A held booking per win, numbered like the winning entry. */
  holds: readonly { bookingId: string; bookingNumber: string; slotId: string; userNumber: string; entryId: string; feeYen: number }[];
}

/** Rounds, entries and draws. */
export interface LotteryRepository {
  /** Creates the round and its slots in one transaction; false if the round already exists. */
  createRound(round: RoundRecord, slots: readonly SlotRecord[]): Promise<boolean>;
  findRound(roundId: string): Promise<RoundRecord | undefined>;
  findRoundFor(municipality: Municipality, facilityType: FacilityType, useMonth: string): Promise<RoundRecord | undefined>;
  listRounds(municipality: Municipality): Promise<RoundRecord[]>;
  roundsDueForDraw(now: string): Promise<RoundRecord[]>;
  publishedDraw(roundId: string): Promise<string | undefined>;

  findEntry(entryId: string): Promise<EntryRecord | undefined>;
  findEntryByClientId(clientEntryId: string): Promise<EntryRecord | undefined>;
  /**
   * Inserts an entry if `check` accepts it against the person's active entries in the round (every
   * card of their identity), all in one write transaction, so two terminals cannot both pass a cap.
   */
  insertEntry(entry: NewEntry, check: (existing: EntryChoices[]) => EntryRefusal | null): Promise<InsertEntryOutcome>;
  /** Every entry of every card of the identity `userNumber` belongs to, newest first. */
  listEntriesForIdentity(userNumber: string): Promise<EntryRecord[]>;
  cancelEntry(entryId: string, at: string): Promise<boolean>;

  drawSnapshot(roundId: string): Promise<DrawSnapshotEntry[]>;
  recordDraw(record: DrawRecord): Promise<'recorded' | 'already-drawn' | 'entries-changed'>;
  /**
   * held → confirmed | declined for the win of `entryId`; false if it was not held. A decline passes
   * the slot to its next alternate (or releases it) in the same transaction.
   */
  decideWin(entryId: string, decision: 'confirmed' | 'declined', at: string, newBookingId: () => string): Promise<boolean>;
  /**
   * Releases every held win whose deadline (its own, or its round's confirmation close) is at or
   * before `now`, each slot passing to its next alternate or released, in one transaction.
   */
  releaseExpiredHolds(now: string, newBookingId: () => string): Promise<{ released: number; promoted: number }>;
}
export const LOTTERY_REPOSITORY = 'LotteryRepository';

interface EntryRow {
  entry_id: string;
  entry_number: string;
  client_entry_id: string;
  round_id: string;
  user_number: string;
  identity_id: string;
  first_slot_id: string;
  second_slot_id: string | null;
  channel: 'online' | 'offline';
  kiosk_id: string | null;
  occurred_at: string;
  accepted_at: string;
  status: EntryStatus;
  result: EntryResult | null;
  won_slot_id: string | null;
  booking_status: BookingStatus | null;
  booking_confirm_by: string | null;
}

const entryFromRow = (row: EntryRow): EntryRecord => ({
  entryId: row.entry_id,
  entryNumber: row.entry_number,
  clientEntryId: row.client_entry_id,
  roundId: row.round_id,
  userNumber: row.user_number,
  identityId: row.identity_id,
  firstSlotId: row.first_slot_id,
  secondSlotId: row.second_slot_id,
  channel: row.channel,
  kioskId: row.kiosk_id,
  occurredAt: row.occurred_at,
  acceptedAt: row.accepted_at,
  status: row.status,
  result: row.result,
  wonSlotId: row.won_slot_id,
  bookingStatus: row.booking_status,
  confirmBy: row.booking_confirm_by,
});

const SELECT_ENTRY = `
  SELECT e.*, u.identity_id, (SELECT b.status FROM facility_bookings b WHERE b.entry_id = e.entry_id) AS booking_status,
    (SELECT b.confirm_by FROM facility_bookings b WHERE b.entry_id = e.entry_id) AS booking_confirm_by
  FROM lottery_entries e JOIN facility_users u ON u.user_number = e.user_number`;
const SAME_IDENTITY = `e.user_number IN (SELECT o.user_number FROM facility_users o
  WHERE o.identity_id = (SELECT identity_id FROM facility_users WHERE user_number = ?))`;

interface ChoiceRow {
  f_id: string; f_unit: string; f_date: string; f_start: string; f_end: string;
  s_id: string | null; s_unit: string | null; s_date: string | null; s_start: string | null; s_end: string | null;
}

/**
 * The two statements every path that creates an entry needs (online, offline), so they share one SQL:
 * the person's active choices in a round (every card of their identity) and the insert.
 */
export function prepareEntryWrites(db: Database): {
  existingChoices: (roundId: string, userNumber: string) => EntryChoices[];
  insert: (entry: NewEntry) => void;
} {
  const choicesOfIdentity: Statement<[string, string], ChoiceRow> = db.prepare(`
    SELECT f.slot_id AS f_id, f.unit_id AS f_unit, f.use_date AS f_date, f.start_time AS f_start, f.end_time AS f_end,
      s.slot_id AS s_id, s.unit_id AS s_unit, s.use_date AS s_date, s.start_time AS s_start, s.end_time AS s_end
    FROM lottery_entries e
    JOIN facility_slots f ON f.slot_id = e.first_slot_id
    LEFT JOIN facility_slots s ON s.slot_id = e.second_slot_id
    WHERE e.round_id = ? AND e.status = 'active' AND ${SAME_IDENTITY}`);
  const insertEntry = db.prepare(`
    INSERT INTO lottery_entries (entry_id, entry_number, client_entry_id, round_id, user_number, first_slot_id, second_slot_id,
      channel, kiosk_id, occurred_at, accepted_at, status)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active')`);
  return {
    existingChoices: (roundId, userNumber) =>
      choicesOfIdentity.all(roundId, userNumber).map((row) => ({
        first: { slotId: row.f_id, unitId: row.f_unit, date: row.f_date, start: row.f_start, end: row.f_end },
        second: row.s_id
          ? { slotId: row.s_id, unitId: row.s_unit ?? '', date: row.s_date ?? '', start: row.s_start ?? '', end: row.s_end ?? '' }
          : null,
      })),
    insert: (e) => {
      insertEntry.run(e.entryId, e.entryNumber, e.clientEntryId, e.roundId, e.userNumber, e.firstSlotId, e.secondSlotId,
        e.channel, e.kioskId, e.occurredAt, e.acceptedAt);
    },
  };
}

@Injectable()
export class SqliteLotteryRepository implements LotteryRepository {
  private readonly roundById: Statement<[string], RoundRow>;
  private readonly roundFor: Statement<[string, string, string], RoundRow>;
  private readonly roundsOf: Statement<[string], RoundRow>;
  private readonly dueRounds: Statement<[string], RoundRow>;
  private readonly published: Statement<[string], { published_json: string | null }>;
  private readonly entryById: Statement<[string], EntryRow>;
  private readonly entryByClientId: Statement<[string], EntryRow>;
  private readonly entriesOfIdentity: Statement<[string], EntryRow>;
  private readonly cancel: Statement<[string, string]>;
  private readonly snapshot: Statement<[string], { entry_id: string; entry_number: string; user_number: string; identity_id: string; first_slot_id: string; second_slot_id: string | null }>;
  private readonly decideTx: Transaction<(entryId: string, decision: 'confirmed' | 'declined', at: string, newBookingId: () => string) => boolean>;
  private readonly releaseTx: Transaction<(now: string, newBookingId: () => string) => { released: number; promoted: number }>;
  private readonly createRoundTx: Transaction<(round: RoundRecord, slots: readonly SlotRecord[]) => boolean>;
  private readonly insertEntryTx: Transaction<(entry: NewEntry, check: (existing: EntryChoices[]) => EntryRefusal | null) => InsertEntryOutcome>;
  private readonly recordDrawTx: Transaction<(record: DrawRecord) => 'recorded' | 'already-drawn' | 'entries-changed'>;

  constructor(@Inject(SqliteDatabase) { db }: Pick<SqliteDatabase, 'db'>) {
    this.roundById = db.prepare('SELECT * FROM lottery_rounds WHERE round_id = ?');
    this.roundFor = db.prepare('SELECT * FROM lottery_rounds WHERE municipality = ? AND facility_type = ? AND use_month = ?');
    this.roundsOf = db.prepare('SELECT * FROM lottery_rounds WHERE municipality = ? ORDER BY use_month, facility_type');
    this.dueRounds = db.prepare(`SELECT * FROM lottery_rounds WHERE kind = 'lottery' AND drawn_at IS NULL AND draw_at <= ? ORDER BY draw_at, round_id`);
    this.published = db.prepare('SELECT published_json FROM lottery_rounds WHERE round_id = ?');
    this.entryById = db.prepare(`${SELECT_ENTRY} WHERE e.entry_id = ?`);
    this.entryByClientId = db.prepare(`${SELECT_ENTRY} WHERE e.client_entry_id = ?`);
    this.entriesOfIdentity = db.prepare(`${SELECT_ENTRY} WHERE ${SAME_IDENTITY} ORDER BY e.accepted_at DESC, e.entry_id DESC`);
    this.cancel = db.prepare(`UPDATE lottery_entries SET status = 'cancelled', closed_at = ? WHERE entry_id = ? AND status = 'active' AND result IS NULL`);
    this.snapshot = db.prepare(`
      SELECT e.entry_id, e.entry_number, e.user_number, u.identity_id, e.first_slot_id, e.second_slot_id
      FROM lottery_entries e JOIN facility_users u ON u.user_number = e.user_number
      WHERE e.round_id = ? AND e.status = 'active' ORDER BY e.accepted_at, e.entry_id`);
    const decide = db.prepare<[string, string, string]>(`UPDATE facility_bookings SET status = ?, updated_at = ? WHERE entry_id = ? AND status = 'held'`);
    const slotOfEntryBooking = db.prepare<[string], string>('SELECT slot_id FROM facility_bookings WHERE entry_id = ?').pluck();
    const endWin = prepareWinEnding(db);
    this.decideTx = db.transaction((entryId: string, decision: 'confirmed' | 'declined', at: string, newBookingId: () => string) => {
      if (decide.run(decision, at, entryId).changes !== 1) return false;
      const slotId = slotOfEntryBooking.get(entryId);
      if (decision === 'declined' && slotId) endWin(slotId, new Date(at), newBookingId);
      return true;
    });
    const expiredHolds = db.prepare<[string], { booking_id: string; slot_id: string }>(`
      SELECT b.booking_id, b.slot_id FROM facility_bookings b
      JOIN facility_slots s ON s.slot_id = b.slot_id JOIN lottery_rounds r ON r.round_id = s.round_id
      WHERE b.status = 'held' AND b.source = 'lottery' AND coalesce(b.confirm_by, r.confirm_closes_at) <= ?
      ORDER BY coalesce(b.confirm_by, r.confirm_closes_at), b.booking_id`);
    const releaseHold = db.prepare<[string, string]>(`UPDATE facility_bookings SET status = 'released', updated_at = ? WHERE booking_id = ? AND status = 'held'`);
    this.releaseTx = db.transaction((now: string, newBookingId: () => string) => {
      let released = 0;
      let promoted = 0;
      // A promotion's deadline is always after `now`, so one pass releases everything that is due.
      for (const hold of expiredHolds.all(now)) {
        if (releaseHold.run(now, hold.booking_id).changes !== 1) continue;
        released += 1;
        if (endWin(hold.slot_id, new Date(now), newBookingId)?.action === 'promote') promoted += 1;
      }
      return { released, promoted };
    });

    const insertRound = db.prepare(`
      INSERT INTO lottery_rounds (round_id, municipality, facility_type, use_month, kind, entry_opens_at, entry_closes_at,
        draw_at, results_at, confirm_closes_at, first_come_opens_at, ends_at, offline_grace_ms, caps_json, seed_hex,
        commitment_hex, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT DO NOTHING`);
    const insertSlot = db.prepare(`
      INSERT INTO facility_slots (slot_id, unit_id, round_id, use_date, start_time, end_time, starts_at, ends_at, fee_yen)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slot_id) DO NOTHING`);
    this.createRoundTx = db.transaction((r: RoundRecord, slots: readonly SlotRecord[]) => {
      const t = r.timetable;
      const created = insertRound.run(
        r.roundId, r.municipality, r.facilityType, r.useMonth, r.kind, t.entryOpensAt.toISOString(), t.entryClosesAt.toISOString(),
        t.drawAt.toISOString(), t.resultsAt.toISOString(), t.confirmClosesAt.toISOString(), t.firstComeOpensAt.toISOString(),
        t.endsAt.toISOString(), r.offlineGraceMs, JSON.stringify(r.caps), r.seedHex, r.commitmentHex, r.createdAt,
      ).changes === 1;
      if (!created) return false;
      for (const s of slots) insertSlot.run(s.slotId, s.unitId, r.roundId, s.date, s.start, s.end, s.startsAt, s.endsAt, s.feeYen);
      return true;
    });

    const entryWrites = prepareEntryWrites(db);
    this.insertEntryTx = db.transaction((e: NewEntry, check: (existing: EntryChoices[]) => EntryRefusal | null): InsertEntryOutcome => {
      const refusal = check(entryWrites.existingChoices(e.roundId, e.userNumber));
      if (refusal) return { ok: false, refusal };
      try {
        entryWrites.insert(e);
      } catch (error) {
        if (uniqueViolationOn(error, 'client_entry_id')) return { ok: false, conflict: 'client-entry-id' };
        if (uniqueViolationOn(error, 'entry_number')) return { ok: false, conflict: 'entry-number' };
        throw error;
      }
      return { ok: true };
    });

    const markDrawn = db.prepare(`UPDATE lottery_rounds SET drawn_at = ?, result_digest = ?, published_json = ? WHERE round_id = ? AND drawn_at IS NULL`);
    const activeIds = db.prepare<[string], string>(`SELECT entry_id FROM lottery_entries WHERE round_id = ? AND status = 'active'`).pluck();
    const voidEntry = db.prepare(`UPDATE lottery_entries SET status = 'void', closed_at = ? WHERE entry_id = ?`);
    const setResult = db.prepare(`UPDATE lottery_entries SET result = ?, won_slot_id = ? WHERE entry_id = ?`);
    const insertRank = db.prepare(`INSERT INTO lottery_ranks (round_id, slot_id, position, entry_id, choice, won) VALUES (?, ?, ?, ?, ?, ?)`);
    const insertHold = db.prepare(`
      INSERT INTO facility_bookings (booking_id, booking_number, client_booking_id, slot_id, user_number, source, entry_id, status,
        fee_yen, created_at, updated_at)
      VALUES (?, ?, NULL, ?, ?, 'lottery', ?, 'held', ?, ?, ?)`);
    this.recordDrawTx = db.transaction((d: DrawRecord) => {
      const active = new Set(activeIds.all(d.roundId));
      if (active.size !== d.entryIds.length || d.entryIds.some((id) => !active.has(id))) return 'entries-changed' as const;
      if (markDrawn.run(d.drawnAt, d.resultDigest, d.publishedJson, d.roundId).changes !== 1) return 'already-drawn' as const;
      for (const id of d.voidedEntryIds) voidEntry.run(d.drawnAt, id);
      for (const r of d.results) setResult.run(r.result, r.wonSlotId, r.entryId);
      for (const r of d.ranks) insertRank.run(d.roundId, r.slotId, r.position, r.entryId, r.choice, r.won ? 1 : 0);
      for (const h of d.holds) insertHold.run(h.bookingId, h.bookingNumber, h.slotId, h.userNumber, h.entryId, h.feeYen, d.drawnAt, d.drawnAt);
      return 'recorded' as const;
    });
  }

  createRound(round: RoundRecord, slots: readonly SlotRecord[]): Promise<boolean> {
    return settle(() => this.createRoundTx.immediate(round, slots));
  }

  findRound(roundId: string): Promise<RoundRecord | undefined> {
    return settle(() => {
      const row = this.roundById.get(roundId);
      return row ? roundFromRow(row) : undefined;
    });
  }

  findRoundFor(municipality: Municipality, facilityType: FacilityType, useMonth: string): Promise<RoundRecord | undefined> {
    return settle(() => {
      const row = this.roundFor.get(municipality, facilityType, useMonth);
      return row ? roundFromRow(row) : undefined;
    });
  }

  listRounds(municipality: Municipality): Promise<RoundRecord[]> {
    return settle(() => this.roundsOf.all(municipality).map(roundFromRow));
  }

  roundsDueForDraw(now: string): Promise<RoundRecord[]> {
    return settle(() => this.dueRounds.all(now).map(roundFromRow));
  }

  publishedDraw(roundId: string): Promise<string | undefined> {
    return settle(() => this.published.get(roundId)?.published_json ?? undefined);
  }

  findEntry(entryId: string): Promise<EntryRecord | undefined> {
    return settle(() => {
      const row = this.entryById.get(entryId);
      return row ? entryFromRow(row) : undefined;
    });
  }

  findEntryByClientId(clientEntryId: string): Promise<EntryRecord | undefined> {
    return settle(() => {
      const row = this.entryByClientId.get(clientEntryId);
      return row ? entryFromRow(row) : undefined;
    });
  }

  insertEntry(entry: NewEntry, check: (existing: EntryChoices[]) => EntryRefusal | null): Promise<InsertEntryOutcome> {
    return settle(() => this.insertEntryTx.immediate(entry, check));
  }

  listEntriesForIdentity(userNumber: string): Promise<EntryRecord[]> {
    return settle(() => this.entriesOfIdentity.all(userNumber).map(entryFromRow));
  }

  cancelEntry(entryId: string, at: string): Promise<boolean> {
    return settle(() => this.cancel.run(at, entryId).changes === 1);
  }

  drawSnapshot(roundId: string): Promise<DrawSnapshotEntry[]> {
    return settle(() =>
      this.snapshot.all(roundId).map((row) => ({
        entryId: row.entry_id,
        entryNumber: row.entry_number,
        userNumber: row.user_number,
        identityId: row.identity_id,
        first: row.first_slot_id,
        second: row.second_slot_id,
      })),
    );
  }

  recordDraw(record: DrawRecord): Promise<'recorded' | 'already-drawn' | 'entries-changed'> {
    return settle(() => this.recordDrawTx.immediate(record));
  }

  decideWin(entryId: string, decision: 'confirmed' | 'declined', at: string, newBookingId: () => string): Promise<boolean> {
    return settle(() => this.decideTx.immediate(entryId, decision, at, newBookingId));
  }

  releaseExpiredHolds(now: string, newBookingId: () => string): Promise<{ released: number; promoted: number }> {
    return settle(() => this.releaseTx.immediate(now, newBookingId));
  }
}
