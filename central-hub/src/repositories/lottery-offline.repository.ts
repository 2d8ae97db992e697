import { Inject, Injectable } from '@nestjs/common';
import type { ProvisionalRejection } from '@kiosk/protocols';
import type { EntryChoices } from '../domain/lottery/entry-rules';
import type { ProvisionalVerdict } from '../domain/lottery/provisional-rules';
import type { PinAttemptState } from '../domain/lottery/user-rules';
import { onPostgres, type HubDb, type HubStore, type Tx } from '../storage/hub-store';
import { DATABASE } from './database.repository';
import { activeChoicesOf, insertEntryRow, type NewEntry } from './lottery.repository';

/** A provisional entry as recorded at intake (lottery-offline.sql.ts). */
export interface ProvisionalRecord {
  kioskId: string;
  eventId: string;
  clientEntryId: string;
  userNumber: string;
  roundId: string;
  firstSlotId: string;
  secondSlotId: string | null;
  occurredAt: string;
  receivedAt: string;
  status: 'pending' | 'accepted' | 'rejected';
  /** Only while pending. */
  sealed: { keyId: string; ciphertext: string } | null;
  /** The offline sign-in the entry was made in (null: an older terminal sealed the PIN per entry). */
  offlineSessionId: string | null;
  entryId: string | null;
  entryNumber: string | null;
  reason: ProvisionalRejection | null;
  message: string | null;
  decidedAt: string | null;
}

/** What the judging transaction reads, handed to the service's verdict function. */
export interface ProvisionalState {
  user: { pin: PinAttemptState; expiresOn: string } | null;
  clientEntry: { kind: 'new' } | { kind: 'same'; entryId: string } | { kind: 'other' };
  /** The person's active choices in the entry's round (every card of their identity). */
  existingChoices: EntryChoices[];
  /** The PIN verdict already recorded for this entry's offline sign-in by another of its entries. */
  sessionPin: 'right' | 'wrong' | null;
}

export type DecideOutcome = 'decided' | 'already-decided' | 'entry-number-taken';

export interface LotteryOfflineRepository {
  /** Pending provisional entries, oldest received first. */
  pending(limit: number): Promise<ProvisionalRecord[]>;
  /**
   * Judges one pending entry in one transaction: claims it (so it is judged exactly once, however many
   * judges race), reads the user's PIN state and the entries as they are now, asks `verdict`, and
   * writes its PIN state, the entry (when accepted: `entry`) and the outcome, erasing the sealed PIN.
   * Nothing is written when it was decided already or the entry number is taken (then call again
   * with another number). `verdict` must be pure: PostgreSQL may run the transaction again after a race.
   */
  decide(
    key: { kioskId: string; eventId: string },
    entry: NewEntry,
    verdict: (state: ProvisionalState) => ProvisionalVerdict,
    decidedAt: string,
  ): Promise<DecideOutcome>;
  /** Every provisional entry made with any card of the identity `userNumber` belongs to, newest first. */
  listForIdentity(userNumber: string): Promise<ProvisionalRecord[]>;
}
export const LOTTERY_OFFLINE_REPOSITORY = 'LotteryOfflineRepository';

interface ProvisionalRow {
  kiosk_id: string;
  event_id: string;
  client_entry_id: string;
  user_number: string;
  round_id: string;
  first_slot_id: string;
  second_slot_id: string | null;
  occurred_at: string;
  received_at: string;
  key_id: string | null;
  sealed_pin: string | null;
  offline_session_id: string | null;
  status: string;
  entry_id: string | null;
  entry_number: string | null;
  reason: string | null;
  message: string | null;
  decided_at: string | null;
}

const fromRow = (row: ProvisionalRow): ProvisionalRecord => ({
  kioskId: row.kiosk_id,
  eventId: row.event_id,
  clientEntryId: row.client_entry_id,
  userNumber: row.user_number,
  roundId: row.round_id,
  firstSlotId: row.first_slot_id,
  secondSlotId: row.second_slot_id,
  occurredAt: row.occurred_at,
  receivedAt: row.received_at,
  status: row.status as ProvisionalRecord['status'],
  sealed: row.sealed_pin !== null ? { keyId: row.key_id ?? '', ciphertext: row.sealed_pin } : null,
  offlineSessionId: row.offline_session_id,
  entryId: row.entry_id,
  entryNumber: row.entry_number,
  reason: row.reason as ProvisionalRejection | null,
  message: row.message,
  decidedAt: row.decided_at,
});

/** Provisional entries with the number of the entry each was accepted as. */
function selectProvisional(db: HubDb) {
  return db
    .selectFrom('lottery_provisional_entries as p')
    .leftJoin('lottery_entries as e', 'e.entry_id', 'p.entry_id')
    .select([
      'p.kiosk_id', 'p.event_id', 'p.client_entry_id', 'p.user_number', 'p.round_id', 'p.first_slot_id', 'p.second_slot_id',
      'p.occurred_at', 'p.received_at', 'p.key_id', 'p.sealed_pin', 'p.offline_session_id', 'p.status', 'p.entry_id',
      'e.entry_number', 'p.reason', 'p.message', 'p.decided_at',
    ]);
}

type Key = { kioskId: string; eventId: string };

/** Thrown inside the judging transaction to roll it back (the PIN state too) when the entry's number was taken. */
class EntryNumberTaken extends Error {
  override readonly name = 'EntryNumberTaken';
}

@Injectable()
export class SqliteLotteryOfflineRepository implements LotteryOfflineRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  async pending(limit: number): Promise<ProvisionalRecord[]> {
    const rows = await selectProvisional(this.store.db)
      .where('p.status', '=', 'pending')
      .orderBy('p.received_at')
      .orderBy('p.kiosk_id')
      .orderBy('p.event_id')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  async decide(key: Key, entry: NewEntry, verdict: (state: ProvisionalState) => ProvisionalVerdict, decidedAt: string): Promise<DecideOutcome> {
    try {
      return await this.store.transaction((tx) => decideOnce(tx, key, entry, verdict, decidedAt));
    } catch (error) {
      if (error instanceof EntryNumberTaken) return 'entry-number-taken';
      throw error;
    }
  }

  async listForIdentity(userNumber: string): Promise<ProvisionalRecord[]> {
    const rows = await selectProvisional(this.store.db)
      .innerJoin('facility_users as o', 'o.user_number', 'p.user_number')
      .innerJoin('facility_users as me', 'me.identity_id', 'o.identity_id')
      .where('me.user_number', '=', userNumber)
      .orderBy('p.occurred_at', 'desc')
      .orderBy('p.event_id', 'desc')
      .execute();
    return rows.map(fromRow);
  }
}

/**
 * Claims the entry if it is still pending, with a write that changes nothing as the transaction's
 * first statement: of two judges racing, the second waits on the row (PostgreSQL then runs it again,
 * SQLite makes it the next writer) and finds the entry decided. Exactly one judges it.
 */
function claimPending(tx: Tx, key: Key) {
  return tx
    .updateTable('lottery_provisional_entries')
    .set((eb) => ({ status: eb.ref('status') }))
    .where('kiosk_id', '=', key.kioskId)
    .where('event_id', '=', key.eventId)
    .where('status', '=', 'pending')
    .returning(['user_number', 'client_entry_id', 'round_id', 'first_slot_id', 'second_slot_id', 'offline_session_id'])
    .executeTakeFirst();
}

async function decideOnce(tx: Tx, key: Key, entry: NewEntry, verdict: (state: ProvisionalState) => ProvisionalVerdict, at: string): Promise<DecideOutcome> {
  const row = await claimPending(tx, key);
  if (!row) return 'already-decided';
  let userRead = tx.selectFrom('facility_users').select(['failed_pin_attempts', 'locked_until', 'expires_on']).where('user_number', '=', row.user_number);
  // The PIN state is read, then written: on PostgreSQL an online sign-in racing this one waits for it.
  if (onPostgres(tx)) userRead = userRead.forUpdate();
  const user = await userRead.executeTakeFirst();
  const existing = await tx
    .selectFrom('lottery_entries')
    .select(['entry_id', 'user_number', 'first_slot_id', 'second_slot_id'])
    .where('client_entry_id', '=', row.client_entry_id)
    .executeTakeFirst();
  const same =
    existing &&
    existing.user_number === row.user_number &&
    existing.first_slot_id === row.first_slot_id &&
    existing.second_slot_id === row.second_slot_id;
  const v = verdict({
    user: user ? { pin: { failedAttempts: user.failed_pin_attempts, lockedUntil: user.locked_until }, expiresOn: user.expires_on } : null,
    clientEntry: !existing ? { kind: 'new' } : same ? { kind: 'same', entryId: existing.entry_id } : { kind: 'other' },
    existingChoices: await activeChoicesOf(tx, row.round_id, row.user_number),
    sessionPin: row.offline_session_id === null ? null : await sessionPinOf(tx, row.user_number, row.offline_session_id),
  });
  if (v.pinChecked !== null && row.offline_session_id !== null) {
    await tx
      .updateTable('lottery_provisional_entries')
      .set({ pin_ok: v.pinChecked === 'right' ? 1 : 0 })
      .where('kiosk_id', '=', key.kioskId)
      .where('event_id', '=', key.eventId)
      .execute();
  }
  if (v.pinNext && user) {
    await tx
      .updateTable('facility_users')
      .set({ failed_pin_attempts: v.pinNext.failedAttempts, locked_until: v.pinNext.lockedUntil })
      .where('user_number', '=', row.user_number)
      .execute();
  }
  switch (v.outcome) {
    case 'accept': {
      const inserted = await insertEntryRow(tx, entry);
      // Rolls the whole transaction back (the PIN state too): the caller tries again with another number.
      // (A client entry id taken since the read above cannot be: the read and the insert are one serializable unit.)
      if (!inserted.ok) throw new EntryNumberTaken();
      await markAccepted(tx, key, entry.entryId, at);
      break;
    }
    case 'same-entry':
      await markAccepted(tx, key, v.entryId, at);
      break;
    case 'reject':
      await tx
        .updateTable('lottery_provisional_entries')
        .set({ status: 'rejected', reason: v.reason, message: v.message, decided_at: at, sealed_pin: null })
        .where('kiosk_id', '=', key.kioskId)
        .where('event_id', '=', key.eventId)
        .execute();
      break;
  }
  return 'decided';
}

/** The PIN verdict another entry of the same offline sign-in already recorded (a wrong one wins). */
async function sessionPinOf(tx: Tx, userNumber: string, offlineSessionId: string): Promise<'right' | 'wrong' | null> {
  const earlier = await tx
    .selectFrom('lottery_provisional_entries')
    .select('pin_ok')
    .where('user_number', '=', userNumber)
    .where('offline_session_id', '=', offlineSessionId)
    .where('pin_ok', 'is not', null)
    .orderBy('pin_ok')
    .limit(1)
    .executeTakeFirst();
  if (!earlier) return null;
  return earlier.pin_ok === 1 ? 'right' : 'wrong';
}

async function markAccepted(tx: Tx, key: Key, entryId: string, at: string): Promise<void> {
  await tx
    .updateTable('lottery_provisional_entries')
    .set({ status: 'accepted', entry_id: entryId, decided_at: at, sealed_pin: null })
    .where('kiosk_id', '=', key.kioskId)
    .where('event_id', '=', key.eventId)
    .execute();
}
