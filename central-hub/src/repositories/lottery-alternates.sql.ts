import type { RoundCaps } from '@kiosk/protocols';
import type { Tx } from '../storage/hub-store';
import { afterWinEnded, DEFAULT_PROMOTION_POLICY, type AfterWinEnded, type PromotionPolicy, type RankedCandidate } from '../domain/lottery/alternates';
import type { SlotSpan } from '../domain/lottery/slots';

type RankedRow = { entry_id: string; position: number; choice: number; identity_id: string; status: string; result: string | null; entry_number: string; user_number: string };

/**
 * What happens to a slot when its lottery win ends (declined, or expired unconfirmed), inside the
 * caller's transaction that ended it: the pure rule (domain/lottery/alternates.ts) over the slot's
 * ranking as stored now, then its outcome written — the next alternate's held booking (numbered like
 * its entry, with its own deadline) and its entry's result, or the slot's first-come hold. Null when
 * the slot does not exist.
 */
export async function endWin(tx: Tx, slotId: string, now: Date, newBookingId: () => string, policy: PromotionPolicy = DEFAULT_PROMOTION_POLICY): Promise<AfterWinEnded | null> {
  const slot = await tx
    .selectFrom('facility_slots as s')
    .innerJoin('lottery_rounds as r', 'r.round_id', 's.round_id')
    .select(['s.slot_id', 's.round_id', 's.unit_id', 's.use_date', 's.start_time', 's.end_time', 's.fee_yen', 'r.first_come_opens_at', 'r.caps_json'])
    .where('s.slot_id', '=', slotId)
    .executeTakeFirst();
  if (!slot) return null;
  const ranking = await rankingOf(tx, slot.round_id, slotId);
  const outcome = afterWinEnded({
    slot: { unitId: slot.unit_id, date: slot.use_date, start: slot.start_time, end: slot.end_time },
    ranking: ranking.map((r) => ({
      entryId: r.entry_id,
      identityId: r.identity_id,
      position: r.position,
      entryStatus: r.status as RankedCandidate['entryStatus'],
      hasWin: r.result !== null && r.result !== 'lost',
    })),
    liveWins: await liveWinsOf(tx, slot.round_id),
    // Parsed here rather than with json_extract: JSON functions are spelled differently per engine.
    maxWins: (JSON.parse(slot.caps_json) as Partial<RoundCaps>).maxWins ?? null,
    round: { firstComeOpensAt: new Date(slot.first_come_opens_at) },
    now,
    policy,
  });
  const at = now.toISOString();
  if (outcome.action === 'promote') {
    const row = ranking.find((r) => r.entry_id === outcome.entryId);
    if (!row) throw new Error(`alternate ${outcome.entryId} vanished`);
    await tx
      .insertInto('facility_bookings')
      .values({
        booking_id: newBookingId(),
        booking_number: row.entry_number,
        client_booking_id: null,
        slot_id: slotId,
        user_number: row.user_number,
        source: 'lottery',
        entry_id: row.entry_id,
        status: 'held',
        fee_yen: slot.fee_yen,
        confirm_by: outcome.confirmBy.toISOString(),
        created_at: at,
        updated_at: at,
      })
      .execute();
    await tx
      .updateTable('lottery_entries')
      .set({ result: row.choice === 1 ? 'won-first' : 'won-second', won_slot_id: slotId })
      .where('entry_id', '=', row.entry_id)
      .execute();
  } else {
    await tx.updateTable('facility_slots').set({ first_come_from: outcome.firstComeFrom.toISOString() }).where('slot_id', '=', slotId).execute();
  }
  return outcome;
}

/** The slot's ranking as drawn, with each candidate's entry and person now. */
function rankingOf(tx: Tx, roundId: string, slotId: string): Promise<RankedRow[]> {
  return tx
    .selectFrom('lottery_ranks as k')
    .innerJoin('lottery_entries as e', 'e.entry_id', 'k.entry_id')
    .innerJoin('facility_users as u', 'u.user_number', 'e.user_number')
    .select(['k.entry_id', 'k.position', 'k.choice', 'u.identity_id', 'e.status', 'e.result', 'e.entry_number', 'e.user_number'])
    .where('k.round_id', '=', roundId)
    .where('k.slot_id', '=', slotId)
    .orderBy('k.position')
    .execute();
}

/** The slots each person holds in the round now (held or confirmed lottery wins). */
async function liveWinsOf(tx: Tx, roundId: string): Promise<Map<string, SlotSpan[]>> {
  const rows = await tx
    .selectFrom('facility_bookings as b')
    .innerJoin('facility_slots as s', 's.slot_id', 'b.slot_id')
    .innerJoin('facility_users as u', 'u.user_number', 'b.user_number')
    .select(['u.identity_id', 's.unit_id', 's.use_date', 's.start_time', 's.end_time'])
    .where('s.round_id', '=', roundId)
    .where('b.source', '=', 'lottery')
    .where('b.status', 'in', ['held', 'confirmed'])
    .execute();
  const liveWins = new Map<string, SlotSpan[]>();
  for (const w of rows) {
    liveWins.set(w.identity_id, [...(liveWins.get(w.identity_id) ?? []), { unitId: w.unit_id, date: w.use_date, start: w.start_time, end: w.end_time }]);
  }
  return liveWins;
}
