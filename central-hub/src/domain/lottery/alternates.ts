import { addDays, jstDate, jstInstant, type LocalDate } from '../jst';
import type { RoundTimetable } from './schedule';
import { countBlocks, type SlotSpan } from './slots';

/**
 * Ranked alternates: when a win ends without a booking (its winner declined, or did not confirm by
 * the deadline), the slot goes to the next alternate of its ranking (DRAW.md: 1st-choice candidates
 * in drawn order, then 2nd-choice ones), who gets a deadline of their own. Only when no alternate can
 * take it is the slot released, and then it is held until 12:00 the next day (never before the
 * round's first-come opening) so that everyone hears of it at the same time.
 */

export interface RankedCandidate {
  entryId: string;
  /** The person (all linked cards): the wins cap is per person. */
  identityId: string;
  /** 0 = drawn first. */
  position: number;
  entryStatus: 'active' | 'cancelled' | 'void';
  /** The entry holds or held a win, anywhere (in the draw, or by an earlier promotion): it is never offered another. */
  hasWin: boolean;
}

export interface PromotionPolicy {
  /** A promoted alternate may confirm until the end (Japan time) of the day this many days after the promotion. */
  confirmDays: number;
  /** ...but never later than the end of the day this many days before the slot's date; no time left: release. */
  minDaysBeforeUse: number;
}
export const DEFAULT_PROMOTION_POLICY: PromotionPolicy = { confirmDays: 3, minDaysBeforeUse: 2 };

export interface WinEnded {
  /** The slot whose win ended, and its date (Japan time). */
  slot: SlotSpan;
  /** Its full ranking, in any order (sorted here by position). */
  ranking: readonly RankedCandidate[];
  /** The slots each person holds now (held or confirmed wins of the round): the wins cap counts them. */
  liveWins: ReadonlyMap<string, readonly SlotSpan[]>;
  /** The round's wins cap per person (in blocks, as in the draw); null for none. */
  maxWins: number | null;
  round: Pick<RoundTimetable, 'firstComeOpensAt'>;
  now: Date;
  policy?: PromotionPolicy;
}

export type AfterWinEnded =
  | { action: 'promote'; entryId: string; confirmBy: Date }
  | { action: 'release'; reason: 'no-alternate' | 'too-late'; firstComeFrom: Date };

/** The next alternate who may take the slot, in ranking order; null when none may. */
export function nextAlternate(input: Pick<WinEnded, 'slot' | 'ranking' | 'liveWins' | 'maxWins'>): RankedCandidate | null {
  const ranked = [...input.ranking].sort((a, b) => a.position - b.position);
  for (const candidate of ranked) {
    if (candidate.entryStatus !== 'active' || candidate.hasWin) continue;
    const holding = input.liveWins.get(candidate.identityId) ?? [];
    if (input.maxWins !== null && countBlocks([...holding, input.slot]) > input.maxWins) continue;
    return candidate;
  }
  return null;
}

/** End (exclusive) of the Japan-time day `date`. */
const endOf = (date: LocalDate): Date => jstInstant(addDays(date, 1));

/**
 * Until when a released slot stays held before first-come booking: 12:00 the next day, not before the
 * round's opening. A release at midnight (a deadline "end of the 20th") belongs to the day it ends.
 */
export function releasedUntil(now: Date, round: Pick<RoundTimetable, 'firstComeOpensAt'>): Date {
  const noonNextDay = jstInstant(addDays(jstDate(new Date(now.getTime() - 1)), 1), '12:00');
  return noonNextDay.getTime() > round.firstComeOpensAt.getTime() ? noonNextDay : round.firstComeOpensAt;
}

/** The deadline a promoted alternate gets at `now`, or null when there is no time left before the slot's date. */
export function promotionDeadline(now: Date, slotDate: LocalDate, policy: PromotionPolicy = DEFAULT_PROMOTION_POLICY): Date | null {
  const own = endOf(addDays(jstDate(now), policy.confirmDays));
  const latest = endOf(addDays(slotDate, -policy.minDaysBeforeUse));
  const confirmBy = own.getTime() < latest.getTime() ? own : latest;
  return confirmBy.getTime() > now.getTime() ? confirmBy : null;
}

/** What happens to a slot whose win just ended (declined, or expired unconfirmed). */
export function afterWinEnded(input: WinEnded): AfterWinEnded {
  const confirmBy = promotionDeadline(input.now, input.slot.date, input.policy);
  if (!confirmBy) return { action: 'release', reason: 'too-late', firstComeFrom: releasedUntil(input.now, input.round) };
  const next = nextAlternate(input);
  if (!next) return { action: 'release', reason: 'no-alternate', firstComeFrom: releasedUntil(input.now, input.round) };
  return { action: 'promote', entryId: next.entryId, confirmBy };
}
