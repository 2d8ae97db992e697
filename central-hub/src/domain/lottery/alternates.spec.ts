import { afterWinEnded, nextAlternate, promotionDeadline, releasedUntil, type RankedCandidate, type WinEnded } from './alternates';
import type { SlotSpan } from './slots';

const jst = (local: string) => new Date(`${local.replace(' ', 'T')}:00+09:00`);
const slot: SlotSpan = { unitId: 'nobata-c1', date: '2027-01-20', start: '09:00', end: '11:00' };
const round = { firstComeOpensAt: jst('2026-11-21 12:00') };

const candidate = (position: number, extra: Partial<RankedCandidate> = {}): RankedCandidate => ({
  entryId: `e${position}`,
  identityId: `p${position}`,
  position,
  entryStatus: 'active',
  hasWin: false,
  ...extra,
});

function ended(extra: Partial<WinEnded> = {}): WinEnded {
  return {
    slot,
    // The drawn winner (position 0) has the win that just ended.
    ranking: [candidate(0, { hasWin: true }), candidate(1), candidate(2), candidate(3)],
    liveWins: new Map(),
    maxWins: 2,
    round,
    now: jst('2026-11-15 10:00'),
    ...extra,
  };
}

describe('alternates promotion', () => {
  it('promotes the next-ranked alternate, with its own deadline: the end of the 3rd day after', () => {
    expect(afterWinEnded(ended())).toEqual({ action: 'promote', entryId: 'e1', confirmBy: jst('2026-11-19 00:00') });
  });

  it('goes by position, whatever order the ranking is given in', () => {
    const ranking = [candidate(3), candidate(0, { hasWin: true }), candidate(2), candidate(1)];
    expect(afterWinEnded(ended({ ranking }))).toMatchObject({ action: 'promote', entryId: 'e1' });
  });

  it('skips alternates whose entry was cancelled or voided, or who already won (in the draw or by a promotion)', () => {
    const ranking = [
      candidate(0, { hasWin: true }),
      candidate(1, { entryStatus: 'cancelled' }),
      candidate(2, { entryStatus: 'void' }),
      candidate(3, { hasWin: true }),
      candidate(4),
    ];
    expect(nextAlternate({ slot, ranking, liveWins: new Map(), maxWins: 2 })?.entryId).toBe('e4');
  });

  it('skips a person at the wins cap, counting back-to-back slots of one unit once', () => {
    const elsewhere: SlotSpan[] = [
      { unitId: 'nobata-c2', date: '2027-01-20', start: '09:00', end: '11:00' },
      { unitId: 'nobata-c3', date: '2027-01-21', start: '09:00', end: '11:00' },
    ];
    const liveWins = new Map([['p1', elsewhere]]);
    expect(nextAlternate({ slot, ranking: ended().ranking, liveWins, maxWins: 2 })?.entryId).toBe('e2');
    // Holding the slot just after this one: the two make one block, so still within the cap.
    const adjacent = new Map([['p1', [elsewhere[0] as SlotSpan, { ...slot, start: '11:00', end: '13:00' }]]]);
    expect(nextAlternate({ slot, ranking: ended().ranking, liveWins: adjacent, maxWins: 2 })?.entryId).toBe('e1');
    expect(nextAlternate({ slot, ranking: ended().ranking, liveWins, maxWins: null })?.entryId).toBe('e1');
  });

  it('releases the slot when no alternate is left, held until 12:00 the next day', () => {
    const ranking = [candidate(0, { hasWin: true }), candidate(1, { hasWin: true })];
    expect(afterWinEnded(ended({ ranking }))).toEqual({ action: 'release', reason: 'no-alternate', firstComeFrom: jst('2026-11-21 12:00') });
    // After the round's own first-come opening, a later release is held until noon of its next day.
    expect(afterWinEnded(ended({ ranking, now: jst('2026-11-25 23:59') }))).toMatchObject({ firstComeFrom: jst('2026-11-26 12:00') });
    // A deadline at midnight is the end of the day before: released "on the 25th".
    expect(afterWinEnded(ended({ ranking, now: jst('2026-11-26 00:00') }))).toMatchObject({ firstComeFrom: jst('2026-11-26 12:00') });
    expect(afterWinEnded(ended({ ranking, now: jst('2026-11-26 00:01') }))).toMatchObject({ firstComeFrom: jst('2026-11-27 12:00') });
  });

  it('never lets a deadline run past the end of the day 2 days before use, and releases when no time is left', () => {
    expect(promotionDeadline(jst('2027-01-16 09:00'), '2027-01-20')).toEqual(jst('2027-01-19 00:00'));
    expect(promotionDeadline(jst('2027-01-18 23:59'), '2027-01-20')).toEqual(jst('2027-01-19 00:00'));
    expect(promotionDeadline(jst('2027-01-19 00:00'), '2027-01-20')).toBeNull();
    expect(afterWinEnded(ended({ now: jst('2027-01-19 08:00') }))).toEqual({
      action: 'release',
      reason: 'too-late',
      firstComeFrom: jst('2027-01-20 12:00'),
    });
  });

  it('takes its deadlines from the policy', () => {
    expect(promotionDeadline(jst('2026-11-15 10:00'), '2027-01-20', { confirmDays: 1, minDaysBeforeUse: 2 })).toEqual(jst('2026-11-17 00:00'));
    expect(releasedUntil(jst('2026-11-10 10:00'), round)).toEqual(round.firstComeOpensAt);
  });
});
