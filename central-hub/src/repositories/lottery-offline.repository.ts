import { Inject, Injectable } from '@nestjs/common';
import type { Statement, Transaction } from 'better-sqlite3';
import type { ProvisionalRejection } from '@kiosk/protocols';
import type { EntryChoices } from '../domain/lottery/entry-rules';
import type { ProvisionalVerdict } from '../domain/lottery/provisional-rules';
import type { PinAttemptState } from '../domain/lottery/user-rules';
import { SqliteDatabase } from './database.repository';
import { prepareEntryWrites, type NewEntry } from './lottery.repository';
import { uniqueViolationOn } from './lottery.rows';
import { settle } from './settle';

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
  existingChoices: () => EntryChoices[];
  /** The PIN verdict already recorded for this entry's offline sign-in by another of its entries. */
  sessionPin: 'right' | 'wrong' | null;
}

export type DecideOutcome = 'decided' | 'already-decided' | 'entry-number-taken';

export interface LotteryOfflineRepository {
  /** Pending provisional entries, oldest received first. */
  pending(limit: number): Promise<ProvisionalRecord[]>;
  /**
   * Judges one pending entry in one write transaction: reads the user's PIN state and the entries as
   * they are now, asks `verdict`, and writes its PIN state, the entry (when accepted: `entry`) and the
   * outcome, erasing the sealed PIN. Nothing is written when it was decided already or the entry
   * number is taken (then call again with another number).
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
  status: 'pending' | 'accepted' | 'rejected';
  entry_id: string | null;
  entry_number: string | null;
  reason: ProvisionalRejection | null;
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
  status: row.status,
  sealed: row.sealed_pin !== null ? { keyId: row.key_id ?? '', ciphertext: row.sealed_pin } : null,
  offlineSessionId: row.offline_session_id,
  entryId: row.entry_id,
  entryNumber: row.entry_number,
  reason: row.reason,
  message: row.message,
  decidedAt: row.decided_at,
});

const SELECT_PROVISIONAL = `
  SELECT p.*, e.entry_number FROM lottery_provisional_entries p LEFT JOIN lottery_entries e ON e.entry_id = p.entry_id`;

class EntryNumberTaken extends Error {}

@Injectable()
export class SqliteLotteryOfflineRepository implements LotteryOfflineRepository {
  private readonly pendingRows: Statement<[number], ProvisionalRow>;
  private readonly ofIdentity: Statement<[string], ProvisionalRow>;
  private readonly decideTx: Transaction<
    (key: { kioskId: string; eventId: string }, entry: NewEntry, verdict: (state: ProvisionalState) => ProvisionalVerdict, at: string) => DecideOutcome
  >;

  constructor(@Inject(SqliteDatabase) { db }: Pick<SqliteDatabase, 'db'>) {
    this.pendingRows = db.prepare(`${SELECT_PROVISIONAL} WHERE p.status = 'pending' ORDER BY p.received_at, p.kiosk_id, p.event_id LIMIT ?`);
    this.ofIdentity = db.prepare(`${SELECT_PROVISIONAL}
      WHERE p.user_number IN (SELECT o.user_number FROM facility_users o
        WHERE o.identity_id = (SELECT identity_id FROM facility_users WHERE user_number = ?))
      ORDER BY p.occurred_at DESC, p.event_id DESC`);
    const stillPending = db.prepare<[string, string], ProvisionalRow>(
      `SELECT * , NULL AS entry_number FROM lottery_provisional_entries WHERE kiosk_id = ? AND event_id = ? AND status = 'pending'`,
    );
    const userState = db.prepare<[string], { failed_pin_attempts: number; locked_until: string | null; expires_on: string }>(
      'SELECT failed_pin_attempts, locked_until, expires_on FROM facility_users WHERE user_number = ?',
    );
    const writePin = db.prepare<[number, string | null, string]>('UPDATE facility_users SET failed_pin_attempts = ?, locked_until = ? WHERE user_number = ?');
    const byClientId = db.prepare<[string], { entry_id: string; user_number: string; first_slot_id: string; second_slot_id: string | null }>(
      'SELECT entry_id, user_number, first_slot_id, second_slot_id FROM lottery_entries WHERE client_entry_id = ?',
    );
    const sessionPin = db.prepare<[string, string], { pin_ok: 0 | 1 }>(`
      SELECT pin_ok FROM lottery_provisional_entries
      WHERE user_number = ? AND offline_session_id = ? AND pin_ok IS NOT NULL ORDER BY pin_ok LIMIT 1`);
    const writePinOk = db.prepare<[0 | 1, string, string]>('UPDATE lottery_provisional_entries SET pin_ok = ? WHERE kiosk_id = ? AND event_id = ?');
    const markAccepted = db.prepare<[string, string, string, string]>(`
      UPDATE lottery_provisional_entries SET status = 'accepted', entry_id = ?, decided_at = ?, sealed_pin = NULL
      WHERE kiosk_id = ? AND event_id = ? AND status = 'pending'`);
    const markRejected = db.prepare<[string, string, string, string, string]>(`
      UPDATE lottery_provisional_entries SET status = 'rejected', reason = ?, message = ?, decided_at = ?, sealed_pin = NULL
      WHERE kiosk_id = ? AND event_id = ? AND status = 'pending'`);
    const entryWrites = prepareEntryWrites(db);

    const decideOnce = (key: { kioskId: string; eventId: string }, entry: NewEntry, verdict: (state: ProvisionalState) => ProvisionalVerdict, at: string) => {
      const row = stillPending.get(key.kioskId, key.eventId);
      if (!row) return 'already-decided' as const;
      const user = userState.get(row.user_number);
      const existing = byClientId.get(row.client_entry_id);
      const same =
        existing &&
        existing.user_number === row.user_number &&
        existing.first_slot_id === row.first_slot_id &&
        existing.second_slot_id === row.second_slot_id;
      const earlier = row.offline_session_id === null ? undefined : sessionPin.get(row.user_number, row.offline_session_id);
      const v = verdict({
        user: user ? { pin: { failedAttempts: user.failed_pin_attempts, lockedUntil: user.locked_until }, expiresOn: user.expires_on } : null,
        clientEntry: !existing ? { kind: 'new' } : same ? { kind: 'same', entryId: existing.entry_id } : { kind: 'other' },
        existingChoices: () => entryWrites.existingChoices(row.round_id, row.user_number),
        sessionPin: earlier === undefined ? null : earlier.pin_ok === 1 ? 'right' : 'wrong',
      });
      if (v.pinChecked !== null && row.offline_session_id !== null) writePinOk.run(v.pinChecked === 'right' ? 1 : 0, key.kioskId, key.eventId);
      if (v.pinNext && user) writePin.run(v.pinNext.failedAttempts, v.pinNext.lockedUntil, row.user_number);
      switch (v.outcome) {
        case 'accept':
          try {
            entryWrites.insert(entry);
          } catch (error) {
            // Rolls the whole transaction back (the PIN state too): the caller retries with another number.
            if (uniqueViolationOn(error, 'entry_number')) throw new EntryNumberTaken();
            throw error;
          }
          markAccepted.run(entry.entryId, at, key.kioskId, key.eventId);
          break;
        case 'same-entry':
          markAccepted.run(v.entryId, at, key.kioskId, key.eventId);
          break;
        case 'reject':
          markRejected.run(v.reason, v.message, at, key.kioskId, key.eventId);
          break;
      }
      return 'decided' as const;
    };
    this.decideTx = db.transaction(decideOnce);
  }

  pending(limit: number): Promise<ProvisionalRecord[]> {
    return settle(() => this.pendingRows.all(limit).map(fromRow));
  }

  decide(
    key: { kioskId: string; eventId: string },
    entry: NewEntry,
    verdict: (state: ProvisionalState) => ProvisionalVerdict,
    decidedAt: string,
  ): Promise<DecideOutcome> {
    return settle(() => {
      try {
        return this.decideTx.immediate(key, entry, verdict, decidedAt);
      } catch (error) {
        if (error instanceof EntryNumberTaken) return 'entry-number-taken' as const;
        throw error;
      }
    });
  }

  listForIdentity(userNumber: string): Promise<ProvisionalRecord[]> {
    return settle(() => this.ofIdentity.all(userNumber).map(fromRow));
  }
}
