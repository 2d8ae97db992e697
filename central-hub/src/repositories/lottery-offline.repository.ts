import { Inject, Injectable } from '@nestjs/common';
import type { ProvisionalRejection } from '@kiosk/protocols';
import type { HubDb, HubStore, Tx } from '../storage/hub-store';
import { DATABASE } from './database.repository';

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

/** Names one provisional entry: the terminal and its outbox event. */
export interface ProvisionalKey {
  kioskId: string;
  eventId: string;
}

/** The entry a client entry id already names (the same entry delivered again, or another one). */
export interface ClientEntryHolder {
  entryId: string;
  userNumber: string;
  firstSlotId: string;
  secondSlotId: string | null;
}

/**
 * Provisional (offline) entries. Judging one is a unit of work the service runs: `transaction`, then
 * `claimPending` (exactly one judge gets it), the reads, the pure verdict (provisional-rules.ts), and
 * the writes, all given the same `tx` (with the users' and the lottery's repositories too).
 */
export interface LotteryOfflineRepository {
  /** Pending provisional entries, oldest received first. */
  pending(limit: number): Promise<ProvisionalRecord[]>;
  /** Every provisional entry made with any card of the identity `userNumber` belongs to, newest first. */
  listForIdentity(userNumber: string): Promise<ProvisionalRecord[]>;
  /**
   * Runs `work` as one transaction; on PostgreSQL one that raced another is run again from the start,
   * so `work` must do nothing but repository calls and pure decisions.
   */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Takes the entry for judging in `tx` if it is still pending (false: decided already). The claim
   * holds the entry's row until `tx` ends: a second judge waits, then finds it decided.
   */
  claimPending(key: ProvisionalKey, tx: Tx): Promise<boolean>;
  entryWithClientId(clientEntryId: string, tx: Tx): Promise<ClientEntryHolder | undefined>;
  /** The PIN verdict another entry of the same offline sign-in already recorded (a wrong one wins). */
  sessionPin(userNumber: string, offlineSessionId: string, tx: Tx): Promise<'right' | 'wrong' | null>;
  /** Records the PIN verdict this entry's judging counted, for the other entries of its offline sign-in. */
  recordSessionPin(key: ProvisionalKey, verdict: 'right' | 'wrong', tx: Tx): Promise<void>;
  /** pending → accepted as `entryId`, the sealed PIN erased. */
  markAccepted(key: ProvisionalKey, entryId: string, decidedAt: string, tx: Tx): Promise<void>;
  /** pending → rejected with why, the sealed PIN erased. */
  markRejected(key: ProvisionalKey, rejection: { reason: ProvisionalRejection; message: string }, decidedAt: string, tx: Tx): Promise<void>;
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

@Injectable()
export class KyselyLotteryOfflineRepository implements LotteryOfflineRepository {
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

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.store.transaction(work);
  }

  /**
   * A write that changes nothing (UPDATE ... WHERE status = 'pending'): of two judges racing, the
   * second waits on the row (PostgreSQL then runs its transaction again; on SQLite it is the next
   * writer, even from another process) and finds the entry decided. Exactly one judges it.
   */
  async claimPending(key: ProvisionalKey, tx: Tx): Promise<boolean> {
    const { numUpdatedRows } = await tx
      .updateTable('lottery_provisional_entries')
      .set((eb) => ({ status: eb.ref('status') }))
      .where('kiosk_id', '=', key.kioskId)
      .where('event_id', '=', key.eventId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(numUpdatedRows) === 1;
  }

  async entryWithClientId(clientEntryId: string, tx: Tx): Promise<ClientEntryHolder | undefined> {
    const row = await tx
      .selectFrom('lottery_entries')
      .select(['entry_id', 'user_number', 'first_slot_id', 'second_slot_id'])
      .where('client_entry_id', '=', clientEntryId)
      .executeTakeFirst();
    return row ? { entryId: row.entry_id, userNumber: row.user_number, firstSlotId: row.first_slot_id, secondSlotId: row.second_slot_id } : undefined;
  }

  async sessionPin(userNumber: string, offlineSessionId: string, tx: Tx): Promise<'right' | 'wrong' | null> {
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

  async recordSessionPin(key: ProvisionalKey, verdict: 'right' | 'wrong', tx: Tx): Promise<void> {
    await tx
      .updateTable('lottery_provisional_entries')
      .set({ pin_ok: verdict === 'right' ? 1 : 0 })
      .where('kiosk_id', '=', key.kioskId)
      .where('event_id', '=', key.eventId)
      .execute();
  }

  async markAccepted(key: ProvisionalKey, entryId: string, decidedAt: string, tx: Tx): Promise<void> {
    await tx
      .updateTable('lottery_provisional_entries')
      .set({ status: 'accepted', entry_id: entryId, decided_at: decidedAt, sealed_pin: null })
      .where('kiosk_id', '=', key.kioskId)
      .where('event_id', '=', key.eventId)
      .where('status', '=', 'pending')
      .execute();
  }

  async markRejected(key: ProvisionalKey, rejection: { reason: ProvisionalRejection; message: string }, decidedAt: string, tx: Tx): Promise<void> {
    await tx
      .updateTable('lottery_provisional_entries')
      .set({ status: 'rejected', reason: rejection.reason, message: rejection.message, decided_at: decidedAt, sealed_pin: null })
      .where('kiosk_id', '=', key.kioskId)
      .where('event_id', '=', key.eventId)
      .where('status', '=', 'pending')
      .execute();
  }
}
