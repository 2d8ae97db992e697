import type { AfterWinEnded } from '../domain/lottery/alternates';

/**
 * First-come booking's rules (pure): when a lottery win's hold has run out, and whether the ending of
 * a win keeps the slot from first-come booking a while longer. The repository reads and writes; the
 * decisions are here, so the service's view of a slot and the booking transaction agree.
 */

/** A held lottery win: its own confirmation deadline (a promoted alternate's), else its round's. */
export interface HeldWin {
  confirmBy: string | null;
  roundConfirmClosesAt: string;
}

/** The instant (epoch ms) a held win stops holding its slot. */
export function holdDeadline(win: HeldWin): number {
  return Date.parse(win.confirmBy ?? win.roundConfirmClosesAt);
}

/** Whether the win is no longer held at `now`, whether or not the release job has ended it yet. */
export function holdHasExpired(win: HeldWin, now: Date): boolean {
  return now.getTime() >= holdDeadline(win);
}

/**
 * After an expired win was ended at `now`: the instant first-come booking of its slot opens, when
 * that is later than now (the slot was released and is held until everyone can hear of it); null
 * when the slot may be booked now (no win ended, or an alternate was promoted: then the slot is taken).
 */
export function firstComeHeldUntil(ended: AfterWinEnded | null, now: Date): Date | null {
  if (ended?.action !== 'release') return null;
  return ended.firstComeFrom.getTime() > now.getTime() ? ended.firstComeFrom : null;
}
