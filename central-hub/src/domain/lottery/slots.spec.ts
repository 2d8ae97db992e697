import { TOYONAKA_FACILITIES } from './catalogue.toyonaka';
import { countBlocks, generateSlots, slotHours, slotIdOf, type SlotSpan } from './slots';

const span = (unitId: string, date: string, start: string, end: string): SlotSpan => ({ unitId, date, start, end });

describe('slots', () => {
  const pool = TOYONAKA_FACILITIES.find((f) => f.facilityType === 'pool');
  const tennis = TOYONAKA_FACILITIES.find((f) => f.facilityId === 'toyonaka-nobata-tennis');

  it('generates every unit slot of every open day, with Japan-time instants', () => {
    if (!tennis) throw new Error('no tennis');
    const slots = generateSlots(tennis, '2027-02');
    expect(slots).toHaveLength(28 * 4 * 7);
    expect(slots[0]).toEqual({
      slotId: 'toyonaka-nobata-tennis-c1@2027-02-01T0700',
      unitId: 'toyonaka-nobata-tennis-c1',
      date: '2027-02-01',
      start: '07:00',
      end: '09:00',
      startsAt: '2027-01-31T22:00:00.000Z',
      endsAt: '2027-02-01T00:00:00.000Z',
      feeYen: 1200,
    });
  });

  it('skips the New Year closure and the closed weekday', () => {
    if (!tennis || !pool) throw new Error('no facility');
    const dates = new Set(generateSlots(tennis, '2026-12').map((s) => s.date));
    expect(dates.has('2026-12-28')).toBe(true);
    expect(dates.has('2026-12-29')).toBe(false);
    expect(dates.has('2026-12-31')).toBe(false);
    const poolDates = new Set(generateSlots(pool, '2027-01').map((s) => s.date));
    expect(poolDates.has('2027-01-03')).toBe(false);
    expect(poolDates.has('2027-01-04')).toBe(false); // a Monday
    expect(poolDates.has('2027-01-05')).toBe(true);
  });

  it('names slots by unit, date and start', () => {
    expect(slotIdOf('toyonaka-rose-stadium-field', '2027-01-09', '08:00')).toBe('toyonaka-rose-stadium-field@2027-01-09T0800');
    expect(slotHours(span('u', '2027-01-09', '18:00', '21:30'))).toBe(3.5);
  });

  it('counts back-to-back slots of one unit on one day as one block', () => {
    expect(countBlocks([span('c1', 'd', '09:00', '11:00'), span('c1', 'd', '11:00', '13:00')])).toBe(1);
    expect(countBlocks([span('c1', 'd', '11:00', '13:00'), span('c1', 'd', '07:00', '09:00'), span('c1', 'd', '09:00', '11:00')])).toBe(1);
    expect(countBlocks([span('c1', 'd', '09:00', '11:00'), span('c1', 'd', '13:00', '15:00')])).toBe(2);
    expect(countBlocks([span('c1', 'd', '09:00', '11:00'), span('c2', 'd', '11:00', '13:00')])).toBe(2);
    expect(countBlocks([span('c1', 'd1', '09:00', '11:00'), span('c1', 'd2', '11:00', '13:00')])).toBe(2);
    expect(countBlocks([])).toBe(0);
  });
});
