import { tennisFacility as facility, tennisRound as round, tennisSlot } from './lottery-fixtures';
import { checkOfflineEntry, japanTime, monthRange, roundOfSlot } from './lottery-rules';

const slot = tennisSlot.slotId;

describe('lottery rules on the terminal', () => {
  it('pages the calendar by month, leap years included', () => {
    expect(monthRange('2027-02')).toEqual({ from: '2027-02-01', to: '2027-02-28' });
    expect(monthRange('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(monthRange('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });

  it('finds a slot’s round by its facility type and month', () => {
    expect(roundOfSlot(slot, [facility], [round])?.roundId).toBe('toyonaka-tennis-2027-02');
    expect(roundOfSlot('nobata-court-1@2027-03-09T0900', [facility], [round])).toBeNull();
    expect(roundOfSlot('unknown-unit@2027-02-09T0900', [facility], [round])).toBeNull();
  });

  it('takes an offline entry only inside the cached window, with two different choices', () => {
    const inside = new Date('2026-12-05T01:00:00Z');
    expect(checkOfflineEntry({ firstSlotId: slot }, [facility], [round], inside)).toEqual({ ok: true, roundId: round.roundId });
    expect(checkOfflineEntry({ firstSlotId: slot }, [facility], [round], new Date(round.entryClosesAt))).toMatchObject({ ok: false, code: 'outside_window' });
    expect(checkOfflineEntry({ firstSlotId: slot }, [facility], [round], new Date(Date.parse(round.entryOpensAt) - 1))).toMatchObject({ ok: false, code: 'outside_window' });
    expect(checkOfflineEntry({ firstSlotId: slot, secondSlotId: slot }, [facility], [round], inside)).toMatchObject({ ok: false, code: 'invalid_message' });
    expect(checkOfflineEntry({ firstSlotId: slot }, [facility], [{ ...round, kind: 'first-come-only' }], inside)).toMatchObject({ ok: false });
    expect(checkOfflineEntry({ firstSlotId: slot }, [], [round], inside)).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('prints times in Japan time', () => {
    expect(japanTime('2026-12-05T15:30:00Z')).toBe('2026-12-06 00:30');
  });
});
