import type { Database } from 'better-sqlite3';
import { afterWinEnded, DEFAULT_PROMOTION_POLICY, type AfterWinEnded, type PromotionPolicy, type RankedCandidate } from '../domain/lottery/alternates';
import type { SlotSpan } from '../domain/lottery/slots';

/**
 * What happens to a slot when its lottery win ends (declined, or expired unconfirmed), run inside the
 * transaction that ended it: the pure rule (domain/lottery/alternates.ts) over the slot's ranking as
 * stored now, then its outcome written — the next alternate's held booking (numbered like its entry,
 * with its own deadline) and its entry's result, or the slot's first-come hold.
 */
export function prepareWinEnding(db: Database, policy: PromotionPolicy = DEFAULT_PROMOTION_POLICY) {
  const slotOf = db.prepare<[string], { slot_id: string; round_id: string; unit_id: string; use_date: string; start_time: string; end_time: string; fee_yen: number; first_come_opens_at: string; max_wins: number | null }>(`
    SELECT s.slot_id, s.round_id, s.unit_id, s.use_date, s.start_time, s.end_time, s.fee_yen, r.first_come_opens_at,
      json_extract(r.caps_json, '$.maxWins') AS max_wins
    FROM facility_slots s JOIN lottery_rounds r ON r.round_id = s.round_id WHERE s.slot_id = ?`);
  const rankingOf = db.prepare<[string, string], { entry_id: string; position: number; choice: number; identity_id: string; status: RankedCandidate['entryStatus']; result: string | null; entry_number: string; user_number: string }>(`
    SELECT k.entry_id, k.position, k.choice, u.identity_id, e.status, e.result, e.entry_number, e.user_number
    FROM lottery_ranks k JOIN lottery_entries e ON e.entry_id = k.entry_id JOIN facility_users u ON u.user_number = e.user_number
    WHERE k.round_id = ? AND k.slot_id = ? ORDER BY k.position`);
  const liveWinsOf = db.prepare<[string], { identity_id: string; unit_id: string; use_date: string; start_time: string; end_time: string }>(`
    SELECT u.identity_id, s.unit_id, s.use_date, s.start_time, s.end_time
    FROM facility_bookings b JOIN facility_slots s ON s.slot_id = b.slot_id JOIN facility_users u ON u.user_number = b.user_number
    WHERE s.round_id = ? AND b.source = 'lottery' AND b.status IN ('held', 'confirmed')`);
  const insertHold = db.prepare<[string, string, string, string, string, number, string, string, string]>(`
    INSERT INTO facility_bookings (booking_id, booking_number, client_booking_id, slot_id, user_number, source, entry_id, status,
      fee_yen, confirm_by, created_at, updated_at)
    VALUES (?, ?, NULL, ?, ?, 'lottery', ?, 'held', ?, ?, ?, ?)`);
  const setWon = db.prepare<[string, string, string]>(`UPDATE lottery_entries SET result = ?, won_slot_id = ? WHERE entry_id = ?`);
  const holdSlot = db.prepare<[string, string]>(`UPDATE facility_slots SET first_come_from = ? WHERE slot_id = ?`);

  return (slotId: string, now: Date, newBookingId: () => string): AfterWinEnded | null => {
    const slot = slotOf.get(slotId);
    if (!slot) return null;
    const span: SlotSpan = { unitId: slot.unit_id, date: slot.use_date, start: slot.start_time, end: slot.end_time };
    const rows = rankingOf.all(slot.round_id, slotId);
    const liveWins = new Map<string, SlotSpan[]>();
    for (const w of liveWinsOf.all(slot.round_id)) {
      liveWins.set(w.identity_id, [...(liveWins.get(w.identity_id) ?? []), { unitId: w.unit_id, date: w.use_date, start: w.start_time, end: w.end_time }]);
    }
    const outcome = afterWinEnded({
      slot: span,
      ranking: rows.map((r) => ({ entryId: r.entry_id, identityId: r.identity_id, position: r.position, entryStatus: r.status, hasWin: r.result !== null && r.result !== 'lost' })),
      liveWins,
      maxWins: slot.max_wins,
      round: { firstComeOpensAt: new Date(slot.first_come_opens_at) },
      now,
      policy,
    });
    const at = now.toISOString();
    if (outcome.action === 'promote') {
      const row = rows.find((r) => r.entry_id === outcome.entryId);
      if (!row) throw new Error(`alternate ${outcome.entryId} vanished`);
      insertHold.run(newBookingId(), row.entry_number, slotId, row.user_number, row.entry_id, slot.fee_yen, outcome.confirmBy.toISOString(), at, at);
      setWon.run(row.choice === 1 ? 'won-first' : 'won-second', slotId, row.entry_id);
    } else {
      holdSlot.run(outcome.firstComeFrom.toISOString(), slotId);
    }
    return outcome;
  };
}
