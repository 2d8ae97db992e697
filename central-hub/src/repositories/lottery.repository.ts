import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { DrawWitness, FacilityType, Municipality } from '@kiosk/protocols';
import type { EntryChoices, EntryRefusal } from '../domain/lottery/entry-rules';
import type { SlotRecord } from '../domain/lottery/slots';
import type { HubDb, HubStore, Tx } from '../storage/hub-store';
import { DATABASE } from './database.repository';
import { endWin } from './lottery-alternates.sql';
import { ROUND_COLUMNS, roundFromRow, type RoundRecord } from './lottery.rows';

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

/** An entry written, or which of its unique keys another entry holds already (nothing written then). */
export type InsertEntryOutcome = { ok: true } | { ok: false; conflict: 'client-entry-id' | 'entry-number' };

/** What admitting an entry came to: the service's rules refused it, or the insert's outcome. */
export type EntryAdmission = InsertEntryOutcome | { ok: false; refusal: EntryRefusal };

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
  /** Lottery rounds not drawn whose draw time has come and that have their witness (a round without one waits). */
  roundsDueForDraw(now: string): Promise<RoundRecord[]>;
  /**
   * Records a round's witness, once, before its draw: 'entered', or 'refused' when the round already has
   * one or is drawn (nothing is changed then: a witness never changes once entered).
   */
  enterWitness(roundId: string, witness: DrawWitness, enteredBy: string): Promise<'entered' | 'refused'>;
  publishedDraw(roundId: string): Promise<string | undefined>;

  findEntry(entryId: string): Promise<EntryRecord | undefined>;
  findEntryByClientId(clientEntryId: string): Promise<EntryRecord | undefined>;
  /**
   * Runs `work` as one transaction: the repository calls given its `tx` commit or roll back together,
   * so a decision the service makes between a read and a write (the entry caps) holds when it commits;
   * on PostgreSQL a transaction that raced another is run again from the start. `work` must therefore
   * do nothing but repository calls and pure decisions (no logging, no sockets).
   */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** The person's active choices in the round over every card of their identity: what the entry rules need. */
  activeChoices(roundId: string, userNumber: string, tx?: Tx): Promise<EntryChoices[]>;
  /** Inserts an active entry, or tells which unique key (client entry id, entry number or id) is taken. */
  insertEntry(entry: NewEntry, tx?: Tx): Promise<InsertEntryOutcome>;
  /** Every entry of every card of the identity `userNumber` belongs to, newest first. */
  listEntriesForIdentity(userNumber: string): Promise<EntryRecord[]>;
  cancelEntry(entryId: string, at: string): Promise<boolean>;

  drawSnapshot(roundId: string): Promise<DrawSnapshotEntry[]>;
  /**
   * Writes a draw once: the round is claimed by `drawn_at` going from NULL to set, so of two draws
   * racing (two ticks, two hubs) exactly one records; the other is told 'already-drawn'. Nothing is
   * written when the round's active entries are no longer those the draw was computed over.
   */
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


type EntryRow = {
  entry_id: string;
  entry_number: string;
  client_entry_id: string;
  round_id: string;
  user_number: string;
  identity_id: string;
  first_slot_id: string;
  second_slot_id: string | null;
  channel: string;
  kiosk_id: string | null;
  occurred_at: string;
  accepted_at: string;
  status: string;
  result: string | null;
  won_slot_id: string | null;
  booking_status: string | null;
  booking_confirm_by: string | null;
};

// The schema's CHECK constraints keep channel, status, result and a booking's status to their unions.
const entryFromRow = (row: EntryRow): EntryRecord => ({
  entryId: row.entry_id,
  entryNumber: row.entry_number,
  clientEntryId: row.client_entry_id,
  roundId: row.round_id,
  userNumber: row.user_number,
  identityId: row.identity_id,
  firstSlotId: row.first_slot_id,
  secondSlotId: row.second_slot_id,
  channel: row.channel as EntryRecord['channel'],
  kioskId: row.kiosk_id,
  occurredAt: row.occurred_at,
  acceptedAt: row.accepted_at,
  status: row.status as EntryStatus,
  result: row.result as EntryResult | null,
  wonSlotId: row.won_slot_id,
  bookingStatus: row.booking_status as BookingStatus | null,
  confirmBy: row.booking_confirm_by,
});

/** Entries with their person (`u`) and the booking their win created, if any (`b`: one per entry at most). */
function entryQuery(db: HubDb) {
  return db
    .selectFrom('lottery_entries as e')
    .innerJoin('facility_users as u', 'u.user_number', 'e.user_number')
    .leftJoin('facility_bookings as b', 'b.entry_id', 'e.entry_id')
    .select([
      'e.entry_id', 'e.entry_number', 'e.client_entry_id', 'e.round_id', 'e.user_number', 'u.identity_id', 'e.first_slot_id',
      'e.second_slot_id', 'e.channel', 'e.kiosk_id', 'e.occurred_at', 'e.accepted_at', 'e.status', 'e.result', 'e.won_slot_id',
      'b.status as booking_status', 'b.confirm_by as booking_confirm_by',
    ]);
}

/**
 * The person's active choices in a round over every card of their identity (what the entry rules
 * need), inside the caller's transaction: shared by every path that creates an entry (online, offline).
 */
export async function activeChoicesOf(tx: Tx, roundId: string, userNumber: string): Promise<EntryChoices[]> {
  const rows = await tx
    .selectFrom('lottery_entries as e')
    .innerJoin('facility_users as o', 'o.user_number', 'e.user_number')
    .innerJoin('facility_users as me', 'me.identity_id', 'o.identity_id')
    .innerJoin('facility_slots as f', 'f.slot_id', 'e.first_slot_id')
    .leftJoin('facility_slots as s', 's.slot_id', 'e.second_slot_id')
    .select([
      'f.slot_id as f_id', 'f.unit_id as f_unit', 'f.use_date as f_date', 'f.start_time as f_start', 'f.end_time as f_end',
      's.slot_id as s_id', 's.unit_id as s_unit', 's.use_date as s_date', 's.start_time as s_start', 's.end_time as s_end',
    ])
    .where('e.round_id', '=', roundId)
    .where('e.status', '=', 'active')
    .where('me.user_number', '=', userNumber)
    .orderBy('e.accepted_at')
    .orderBy('e.entry_id')
    .execute();
  return rows.map((row) => ({
    first: { slotId: row.f_id, unitId: row.f_unit, date: row.f_date, start: row.f_start, end: row.f_end },
    second: row.s_id ? { slotId: row.s_id, unitId: row.s_unit ?? '', date: row.s_date ?? '', start: row.s_start ?? '', end: row.s_end ?? '' } : null,
  }));
}

/**
 * Inserts an active entry inside the caller's transaction, shared by the online and offline paths.
 * A taken key inserts nothing (`ON CONFLICT DO NOTHING`, so the transaction goes on, on PostgreSQL
 * too) and a read tells which: the client entry id (the same entry delivered again), or else the
 * entry number or id (drawn at random: the caller draws again). Racing a transaction not yet visible
 * to this one, PostgreSQL refuses it as a serialization failure instead and the transaction re-runs.
 */
export async function insertEntryRow(tx: Tx, e: NewEntry): Promise<InsertEntryOutcome> {
  const inserted = await tx
    .insertInto('lottery_entries')
    .values({
      entry_id: e.entryId,
      entry_number: e.entryNumber,
      client_entry_id: e.clientEntryId,
      round_id: e.roundId,
      user_number: e.userNumber,
      first_slot_id: e.firstSlotId,
      second_slot_id: e.secondSlotId,
      channel: e.channel,
      kiosk_id: e.kioskId,
      occurred_at: e.occurredAt,
      accepted_at: e.acceptedAt,
      status: 'active',
    })
    .onConflict((c) => c.doNothing())
    .returning('entry_id')
    .executeTakeFirst();
  if (inserted) return { ok: true };
  const sameClientId = await tx.selectFrom('lottery_entries').select('entry_id').where('client_entry_id', '=', e.clientEntryId).executeTakeFirst();
  return { ok: false, conflict: sameClientId ? 'client-entry-id' : 'entry-number' };
}

/** Thrown inside `recordDraw`'s transaction to roll back the round it claimed. */
class EntriesChanged extends Error {
  override readonly name = 'EntriesChanged';
}

// Rows per multi-row INSERT, under SQLite's 32766 bound parameters (and PostgreSQL's 65535).
const SLOT_CHUNK = 500;
const RANK_CHUNK = 1000;
const HOLD_CHUNK = 500;

@Injectable()
export class KyselyLotteryRepository implements LotteryRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.store.transaction(work);
  }

  /**
   * The round and its slots together. The round's keys (id; municipality, type and month) are claimed
   * by the insert itself, so of two hubs creating it at once one creates it and the other is told so.
   */
  createRound(r: RoundRecord, slots: readonly SlotRecord[]): Promise<boolean> {
    const t = r.timetable;
    return this.store.transaction(
      async (tx) => {
        const created = await tx
          .insertInto('lottery_rounds')
          .values({
            round_id: r.roundId,
            municipality: r.municipality,
            facility_type: r.facilityType,
            use_month: r.useMonth,
            kind: r.kind,
            entry_opens_at: t.entryOpensAt.toISOString(),
            entry_closes_at: t.entryClosesAt.toISOString(),
            draw_at: t.drawAt.toISOString(),
            results_at: t.resultsAt.toISOString(),
            confirm_closes_at: t.confirmClosesAt.toISOString(),
            first_come_opens_at: t.firstComeOpensAt.toISOString(),
            ends_at: t.endsAt.toISOString(),
            offline_grace_ms: r.offlineGraceMs,
            caps_json: JSON.stringify(r.caps),
            seed_hex: r.seedHex,
            commitment_hex: r.commitmentHex,
            created_at: r.createdAt,
          })
          .onConflict((c) => c.doNothing())
          .returning('round_id')
          .executeTakeFirst();
        if (!created) return false;
        // One statement per chunk: a month of slots is a few hundred rows (and bound parameters are limited).
        for (let i = 0; i < slots.length; i += SLOT_CHUNK) {
          await tx
            .insertInto('facility_slots')
            .values(
              slots.slice(i, i + SLOT_CHUNK).map((s) => ({
                slot_id: s.slotId,
                unit_id: s.unitId,
                round_id: r.roundId,
                use_date: s.date,
                start_time: s.start,
                end_time: s.end,
                starts_at: s.startsAt,
                ends_at: s.endsAt,
                fee_yen: s.feeYen,
              })),
            )
            .onConflict((c) => c.column('slot_id').doNothing())
            .execute();
        }
        return true;
      },
      { isolation: 'read committed' },
    );
  }

  async findRound(roundId: string): Promise<RoundRecord | undefined> {
    const row = await this.store.db.selectFrom('lottery_rounds').select(ROUND_COLUMNS).where('round_id', '=', roundId).executeTakeFirst();
    return row ? roundFromRow(row) : undefined;
  }

  async findRoundFor(municipality: Municipality, facilityType: FacilityType, useMonth: string): Promise<RoundRecord | undefined> {
    const row = await this.store.db
      .selectFrom('lottery_rounds')
      .select(ROUND_COLUMNS)
      .where('municipality', '=', municipality)
      .where('facility_type', '=', facilityType)
      .where('use_month', '=', useMonth)
      .executeTakeFirst();
    return row ? roundFromRow(row) : undefined;
  }

  async listRounds(municipality: Municipality): Promise<RoundRecord[]> {
    const rows = await this.store.db
      .selectFrom('lottery_rounds')
      .select(ROUND_COLUMNS)
      .where('municipality', '=', municipality)
      .orderBy('use_month')
      .orderBy('facility_type')
      .execute();
    return rows.map(roundFromRow);
  }

  async roundsDueForDraw(now: string): Promise<RoundRecord[]> {
    const rows = await this.store.db
      .selectFrom('lottery_rounds')
      .select(ROUND_COLUMNS)
      .where('kind', '=', 'lottery')
      .where('drawn_at', 'is', null)
      .where('draw_at', '<=', now)
      .where('witness_value', 'is not', null)
      .orderBy('draw_at')
      .orderBy('round_id')
      .execute();
    return rows.map(roundFromRow);
  }

  async enterWitness(roundId: string, witness: DrawWitness, enteredBy: string): Promise<'entered' | 'refused'> {
    const row = await this.store.db
      .updateTable('lottery_rounds')
      .set({ witness_value: witness.value, witness_source: witness.source, witness_entered_at: witness.enteredAt, witness_entered_by: enteredBy })
      .where('round_id', '=', roundId)
      .where('kind', '=', 'lottery')
      .where('witness_value', 'is', null)
      .where('drawn_at', 'is', null)
      .returning('round_id')
      .executeTakeFirst();
    return row ? 'entered' : 'refused';
  }

  async publishedDraw(roundId: string): Promise<string | undefined> {
    const row = await this.store.db.selectFrom('lottery_rounds').select('published_json').where('round_id', '=', roundId).executeTakeFirst();
    return row?.published_json ?? undefined;
  }

  async findEntry(entryId: string): Promise<EntryRecord | undefined> {
    const row = await entryQuery(this.store.db).where('e.entry_id', '=', entryId).executeTakeFirst();
    return row ? entryFromRow(row) : undefined;
  }

  async findEntryByClientId(clientEntryId: string): Promise<EntryRecord | undefined> {
    const row = await entryQuery(this.store.db).where('e.client_entry_id', '=', clientEntryId).executeTakeFirst();
    return row ? entryFromRow(row) : undefined;
  }

  activeChoices(roundId: string, userNumber: string, tx?: Tx): Promise<EntryChoices[]> {
    return this.store.within(tx, (tx) => activeChoicesOf(tx, roundId, userNumber));
  }

  insertEntry(entry: NewEntry, tx?: Tx): Promise<InsertEntryOutcome> {
    return this.store.within(tx, (tx) => insertEntryRow(tx, entry));
  }

  async listEntriesForIdentity(userNumber: string): Promise<EntryRecord[]> {
    const rows = await entryQuery(this.store.db)
      .innerJoin('facility_users as me', 'me.identity_id', 'u.identity_id')
      .where('me.user_number', '=', userNumber)
      .orderBy('e.accepted_at', 'desc')
      .orderBy('e.entry_id', 'desc')
      .execute();
    return rows.map(entryFromRow);
  }

  async cancelEntry(entryId: string, at: string): Promise<boolean> {
    const { numUpdatedRows } = await this.store.db
      .updateTable('lottery_entries')
      .set({ status: 'cancelled', closed_at: at })
      .where('entry_id', '=', entryId)
      .where('status', '=', 'active')
      .where('result', 'is', null)
      .executeTakeFirst();
    return Number(numUpdatedRows) === 1;
  }

  async drawSnapshot(roundId: string): Promise<DrawSnapshotEntry[]> {
    const rows = await this.store.db
      .selectFrom('lottery_entries as e')
      .innerJoin('facility_users as u', 'u.user_number', 'e.user_number')
      .select(['e.entry_id', 'e.entry_number', 'e.user_number', 'u.identity_id', 'e.first_slot_id', 'e.second_slot_id'])
      .where('e.round_id', '=', roundId)
      .where('e.status', '=', 'active')
      .orderBy('e.accepted_at')
      .orderBy('e.entry_id')
      .execute();
    return rows.map((row) => ({
      entryId: row.entry_id,
      entryNumber: row.entry_number,
      userNumber: row.user_number,
      identityId: row.identity_id,
      first: row.first_slot_id,
      second: row.second_slot_id,
    }));
  }

  async recordDraw(d: DrawRecord): Promise<'recorded' | 'already-drawn' | 'entries-changed'> {
    try {
      return await this.store.transaction(async (tx) => {
        // Claimed first: a racing draw that committed makes this one 'already-drawn' (on PostgreSQL it
        // waits for the winner's row lock, fails to serialize and re-runs), never 'entries-changed'
        // because of the entries the winner voided.
        const claimed = await tx
          .updateTable('lottery_rounds')
          .set({ drawn_at: d.drawnAt, result_digest: d.resultDigest, published_json: d.publishedJson })
          .where('round_id', '=', d.roundId)
          .where('drawn_at', 'is', null)
          .returning('round_id')
          .executeTakeFirst();
        if (!claimed) return 'already-drawn' as const;
        if (!(await this.sameActiveEntries(tx, d))) throw new EntriesChanged();
        await this.writeDraw(tx, d);
        return 'recorded' as const;
      });
    } catch (error) {
      if (error instanceof EntriesChanged) return 'entries-changed';
      throw error;
    }
  }

  decideWin(entryId: string, decision: 'confirmed' | 'declined', at: string, newBookingId: () => string): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      const decided = await tx
        .updateTable('facility_bookings')
        .set({ status: decision, updated_at: at })
        .where('entry_id', '=', entryId)
        .where('status', '=', 'held')
        .returning('slot_id')
        .executeTakeFirst();
      if (!decided) return false;
      if (decision === 'declined') await endWin(tx, decided.slot_id, new Date(at), newBookingId);
      return true;
    });
  }

  releaseExpiredHolds(now: string, newBookingId: () => string): Promise<{ released: number; promoted: number }> {
    return this.store.transaction(async (tx) => {
      let released = 0;
      let promoted = 0;
      // A promotion's deadline is always after `now`, so one pass releases everything that is due.
      for (const hold of await this.expiredHolds(tx, now)) {
        const freed = await tx
          .updateTable('facility_bookings')
          .set({ status: 'released', updated_at: now })
          .where('booking_id', '=', hold.booking_id)
          .where('status', '=', 'held')
          .executeTakeFirst();
        if (Number(freed.numUpdatedRows) !== 1) continue;
        released += 1;
        if ((await endWin(tx, hold.slot_id, new Date(now), newBookingId))?.action === 'promote') promoted += 1;
      }
      return { released, promoted };
    });
  }

  /** Held lottery wins whose deadline (their own, or their round's confirmation close) is at or before `now`. */
  private expiredHolds(tx: Tx, now: string): Promise<{ booking_id: string; slot_id: string }[]> {
    const deadline = sql<string>`coalesce(b.confirm_by, r.confirm_closes_at)`;
    return tx
      .selectFrom('facility_bookings as b')
      .innerJoin('facility_slots as s', 's.slot_id', 'b.slot_id')
      .innerJoin('lottery_rounds as r', 'r.round_id', 's.round_id')
      .select(['b.booking_id', 'b.slot_id'])
      .where('b.status', '=', 'held')
      .where('b.source', '=', 'lottery')
      .where(deadline, '<=', now)
      .orderBy(deadline)
      .orderBy('b.booking_id')
      .execute();
  }

  /** Whether the round's active entries are exactly those the draw was computed over. */
  private async sameActiveEntries(tx: Tx, d: DrawRecord): Promise<boolean> {
    const rows = await tx.selectFrom('lottery_entries').select('entry_id').where('round_id', '=', d.roundId).where('status', '=', 'active').execute();
    const active = new Set(rows.map((row) => row.entry_id));
    return active.size === d.entryIds.length && d.entryIds.every((id) => active.has(id));
  }

  /** The draw's outcome: voided duplicates, each entry's result, the slots' rankings, a held booking per win. */
  private async writeDraw(tx: Tx, d: DrawRecord): Promise<void> {
    if (d.voidedEntryIds.length > 0) {
      await tx.updateTable('lottery_entries').set({ status: 'void', closed_at: d.drawnAt }).where('entry_id', 'in', d.voidedEntryIds).execute();
    }
    for (const r of d.results) {
      await tx.updateTable('lottery_entries').set({ result: r.result, won_slot_id: r.wonSlotId }).where('entry_id', '=', r.entryId).execute();
    }
    for (let i = 0; i < d.ranks.length; i += RANK_CHUNK) {
      const ranks = d.ranks.slice(i, i + RANK_CHUNK);
      await tx
        .insertInto('lottery_ranks')
        .values(ranks.map((r) => ({ round_id: d.roundId, slot_id: r.slotId, position: r.position, entry_id: r.entryId, choice: r.choice, won: r.won ? 1 : 0 })))
        .execute();
    }
    for (let i = 0; i < d.holds.length; i += HOLD_CHUNK) {
      const holds = d.holds.slice(i, i + HOLD_CHUNK);
      await tx
        .insertInto('facility_bookings')
        .values(
          holds.map((h) => ({
            booking_id: h.bookingId,
            booking_number: h.bookingNumber,
            client_booking_id: null,
            slot_id: h.slotId,
            user_number: h.userNumber,
            source: 'lottery',
            entry_id: h.entryId,
            status: 'held',
            fee_yen: h.feeYen,
            created_at: d.drawnAt,
            updated_at: d.drawnAt,
          })),
        )
        .execute();
    }
  }
}
