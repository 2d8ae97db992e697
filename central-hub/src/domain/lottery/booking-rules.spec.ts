import { cancellationTerms, slotState } from './booking-rules';
import { DEFAULT_SCHEDULE, lotteryTimetable } from './schedule';

describe('slot state', () => {
  const t = lotteryTimetable(DEFAULT_SCHEDULE, '2027-01');
  const starts = new Date('2027-01-09T00:00:00.000Z');
  const before = (d: Date) => new Date(d.getTime() - 1);

  it('follows the round: upcoming, open, closed, then available at first-come opening', () => {
    expect(slotState(t, starts, null, before(t.entryOpensAt))).toBe('upcoming-lottery');
    expect(slotState(t, starts, null, t.entryOpensAt)).toBe('lottery-open');
    expect(slotState(t, starts, null, t.entryClosesAt)).toBe('lottery-closed');
    expect(slotState(t, starts, null, t.resultsAt)).toBe('lottery-closed');
    expect(slotState(t, starts, null, before(t.firstComeOpensAt))).toBe('lottery-closed');
    expect(slotState(t, starts, null, t.firstComeOpensAt)).toBe('available');
  });

  it('shows live bookings, and the past as past', () => {
    expect(slotState(t, starts, 'held', t.resultsAt)).toBe('held');
    expect(slotState(t, starts, 'confirmed', t.firstComeOpensAt)).toBe('booked');
    expect(slotState(t, starts, null, before(starts))).toBe('available');
    expect(slotState(t, starts, null, starts)).toBe('past');
    expect(slotState(t, starts, 'confirmed', starts)).toBe('past');
  });
});

describe('cancellation terms', () => {
  // Used on 2027-01-09 from 09:00 JST; free until the end of the day 7 days before (2027-01-02).
  const slot = { date: '2027-01-09', startsAt: new Date('2027-01-09T00:00:00.000Z'), feeYen: 8400 };

  it('is free until the end of the deadline day, then charges the fee, until the slot starts', () => {
    const freeUntil = new Date('2027-01-02T15:00:00.000Z');
    expect(cancellationTerms(slot, 7, new Date(freeUntil.getTime() - 1))).toEqual({ freeUntil, chargeYen: 0, cancellable: true });
    expect(cancellationTerms(slot, 7, freeUntil)).toEqual({ freeUntil, chargeYen: 8400, cancellable: true });
    expect(cancellationTerms(slot, 7, slot.startsAt)).toEqual({ freeUntil, chargeYen: 8400, cancellable: false });
  });
});
