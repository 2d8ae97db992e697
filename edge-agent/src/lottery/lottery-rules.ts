import type { FacilityView, LotterySignInAck, LotterySignInRefusal, RoundView } from '@kiosk/protocols';

/** Pure rules of the terminal's lottery flow (no I/O): calendar months, which round a slot is in, offline checks. */

/** The first and last date of a `YYYY-MM` month. */
export function monthRange(month: string): { from: string; to: string } {
  const [year, monthNumber] = month.split('-').map(Number);
  if (!year || !monthNumber) throw new Error(`not a month: ${month}`);
  const lastDay = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(lastDay).padStart(2, '0')}` };
}

/** `<unitId>@<date>T<HHMM>` → its parts. */
export function parseSlotId(slotId: string): { unitId: string; date: string; start: string } | null {
  const match = /^([a-z0-9][a-z0-9-]{2,47})@([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2})([0-9]{2})$/.exec(slotId);
  if (!match) return null;
  const [, unitId = '', date = '', hh = '', mm = ''] = match;
  return { unitId, date, start: `${hh}:${mm}` };
}

export function facilityOfUnit(facilities: readonly FacilityView[], unitId: string): FacilityView | null {
  return facilities.find((facility) => facility.units.some((unit) => unit.unitId === unitId)) ?? null;
}

/** The lottery round a slot belongs to: its facility's type and municipality, and the month it is used in. */
export function roundOfSlot(slotId: string, facilities: readonly FacilityView[], rounds: readonly RoundView[]): RoundView | null {
  const slot = parseSlotId(slotId);
  if (!slot) return null;
  const facility = facilityOfUnit(facilities, slot.unitId);
  if (!facility) return null;
  const useMonth = slot.date.slice(0, 7);
  return (
    rounds.find(
      (round) => round.municipality === facility.municipality && round.facilityType === facility.facilityType && round.useMonth === useMonth,
    ) ?? null
  );
}

export type OfflineEntryCheck =
  | { ok: true; roundId: string }
  | { ok: false; code: 'invalid_message' | 'not_found' | 'outside_window'; message: string };

/**
 * What the terminal can check by itself before committing an offline entry: both choices in one known
 * lottery round, different, and the entry window open at `now` by the cached round. The hub checks
 * everything again (and more) when the entry arrives.
 */
export function checkOfflineEntry(
  choice: { firstSlotId: string; secondSlotId?: string | undefined },
  facilities: readonly FacilityView[],
  rounds: readonly RoundView[],
  now: Date,
): OfflineEntryCheck {
  if (choice.secondSlotId !== undefined && choice.secondSlotId === choice.firstSlotId) {
    return { ok: false, code: 'invalid_message', message: 'the 2nd choice must differ from the 1st' };
  }
  const round = roundOfSlot(choice.firstSlotId, facilities, rounds);
  if (!round) return { ok: false, code: 'not_found', message: 'this terminal does not know the round of this slot' };
  if (choice.secondSlotId !== undefined && roundOfSlot(choice.secondSlotId, facilities, rounds)?.roundId !== round.roundId) {
    return { ok: false, code: 'invalid_message', message: 'both choices must be in the same lottery round' };
  }
  if (round.kind !== 'lottery') return { ok: false, code: 'outside_window', message: 'this round has no lottery (first-come only)' };
  const t = now.getTime();
  if (t < Date.parse(round.entryOpensAt) || t >= Date.parse(round.entryClosesAt)) {
    return { ok: false, code: 'outside_window', message: 'the entry window of this round is not open' };
  }
  return { ok: true, roundId: round.roundId };
}

/** The hub's refusal of a sign-in as the screen may see it. */
export function signInRefusal(ack: Extract<LotterySignInAck, { ok: false }>): LotterySignInRefusal {
  return {
    code: ack.error.code,
    ...(ack.attemptsLeft !== undefined ? { attemptsLeft: ack.attemptsLeft } : {}),
    ...(ack.lockedUntil !== undefined ? { lockedUntil: ack.lockedUntil } : {}),
  };
}

/** An instant as Japan time `YYYY-MM-DD HH:MM` (no daylight saving in Japan). */
export function japanTime(instant: Date | string): string {
  const ms = (typeof instant === 'string' ? Date.parse(instant) : instant.getTime()) + 9 * 3600_000;
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
