import type { SlotState } from '@kiosk/protocols';
import { addDays, jstInstant, type LocalDate } from '../jst';
import { roundPhase, type RoundTimetable } from './schedule';

/** The live booking of a slot, if any (a lottery win being held for its winner, or a booking). */
export type LiveBooking = 'held' | 'confirmed' | null;

/**
 * What a person may do with a slot at `now`. A slot is first-come only once its round says so (after
 * the lottery, its confirmations and the hold of released wins), and for a slot whose win ended later
 * (alternates, domain/lottery/alternates.ts) only from `firstComeFrom`; and only before it starts.
 */
export function slotState(round: RoundTimetable, slotStartsAt: Date, booking: LiveBooking, now: Date, firstComeFrom: Date | null = null): SlotState {
  if (now.getTime() >= slotStartsAt.getTime()) return 'past';
  if (booking === 'confirmed') return 'booked';
  if (booking === 'held') return 'held';
  if (firstComeFrom && now.getTime() < firstComeFrom.getTime() && now.getTime() >= round.resultsAt.getTime()) return 'lottery-closed';
  switch (roundPhase(round, now)) {
    case 'announced':
      return 'upcoming-lottery';
    case 'entry':
      return 'lottery-open';
    case 'awaiting-draw':
    case 'awaiting-results':
    case 'confirmation':
    case 'release-hold':
      return 'lottery-closed';
    case 'first-come':
    case 'finished':
      return 'available';
  }
}

export interface CancellationTerms {
  /** Free cancellation ends here: the end of the day `cancelDeadlineDays` before the use date. */
  freeUntil: Date;
  /** What cancelling now costs: nothing before `freeUntil`, the whole fee after it. */
  chargeYen: number;
  /** A booking can be cancelled until its slot starts. */
  cancellable: boolean;
}

export function cancellationTerms(
  slot: { date: LocalDate; startsAt: Date; feeYen: number },
  cancelDeadlineDays: number,
  now: Date,
): CancellationTerms {
  const freeUntil = jstInstant(addDays(slot.date, -cancelDeadlineDays + 1));
  return {
    freeUntil,
    chargeYen: now.getTime() < freeUntil.getTime() ? 0 : slot.feeYen,
    cancellable: now.getTime() < slot.startsAt.getTime(),
  };
}
