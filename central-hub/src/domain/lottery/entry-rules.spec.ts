import { checkEntryRules, checkEntryWindow, voidMergedDuplicates, type ChoiceSlot, type EntryChoices } from './entry-rules';
import { DEFAULT_SCHEDULE, lotteryTimetable } from './schedule';

const slot = (unit: string, date: string, start: string, end: string): ChoiceSlot => ({
  slotId: `${unit}@${date}T${start.replace(':', '')}`,
  unitId: unit,
  date,
  start,
  end,
});
const entry = (first: ChoiceSlot, second: ChoiceSlot | null = null): EntryChoices => ({ first, second });
const caps = { maxEntries: 2, maxHours: 6, maxWins: 2 };

const c1at9 = slot('c1', '2027-01-09', '09:00', '11:00');
const c1at11 = slot('c1', '2027-01-09', '11:00', '13:00');
const c1at15 = slot('c1', '2027-01-09', '15:00', '17:00');
const c2at9 = slot('c2', '2027-01-09', '09:00', '11:00');

describe('entry rules', () => {
  it('accepts entries within the caps', () => {
    expect(checkEntryRules([], entry(c1at9, c2at9), caps)).toBeNull();
    expect(checkEntryRules([entry(c1at9)], entry(c1at15), caps)).toBeNull();
  });

  it('refuses a 2nd choice equal to the 1st', () => {
    expect(checkEntryRules([], entry(c1at9, c1at9), caps)).toEqual({ reason: 'same-choice' });
  });

  it('refuses a slot already entered, as 1st or 2nd choice, in either entry', () => {
    expect(checkEntryRules([entry(c1at9)], entry(c1at9), caps)).toEqual({ reason: 'duplicate-slot', slotId: c1at9.slotId });
    expect(checkEntryRules([entry(c1at15, c2at9)], entry(c2at9), caps)).toEqual({ reason: 'duplicate-slot', slotId: c2at9.slotId });
    expect(checkEntryRules([entry(c1at15)], entry(c2at9, c1at15), caps)).toEqual({ reason: 'duplicate-slot', slotId: c1at15.slotId });
  });

  it('counts back-to-back 1st choices of one unit as one entry for the cap', () => {
    expect(checkEntryRules([entry(c1at9), entry(c1at15)], entry(c1at11), caps)).toBeNull();
    expect(checkEntryRules([entry(c1at9), entry(c1at15)], entry(c2at9), caps)).toEqual({ reason: 'entry-cap', limit: 2 });
  });

  it('caps hours, counting the longer of an entry’s choices', () => {
    const long = slot('arena', '2027-01-10', '13:00', '17:00');
    expect(checkEntryRules([entry(c1at9, long)], entry(c1at15), { ...caps, maxEntries: 5 })).toBeNull();
    expect(checkEntryRules([entry(c1at9, long)], entry(c1at15, slot('arena', '2027-01-11', '13:00', '17:00')), { ...caps, maxEntries: 5 })).toEqual({
      reason: 'hours-cap',
      limit: 6,
    });
  });
});

describe('entry window', () => {
  const t = lotteryTimetable(DEFAULT_SCHEDULE, '2027-01');
  const grace = DEFAULT_SCHEDULE.offlineGraceMinutes * 60_000;
  const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);

  it('judges an online entry by the hub clock, at the window edges', () => {
    expect(checkEntryWindow(t, ms(t.entryOpensAt, -1), null, grace)).toBe('not-open');
    expect(checkEntryWindow(t, t.entryOpensAt, null, grace)).toBeNull();
    expect(checkEntryWindow(t, ms(t.entryClosesAt, -1), null, grace)).toBeNull();
    expect(checkEntryWindow(t, t.entryClosesAt, null, grace)).toBe('closed');
  });

  it('judges an offline entry by its own time, if it arrives within the grace period', () => {
    const lastMoment = ms(t.entryClosesAt, -1);
    expect(checkEntryWindow(t, ms(t.entryClosesAt, grace - 1), lastMoment, grace)).toBeNull();
    expect(checkEntryWindow(t, ms(t.entryClosesAt, grace), lastMoment, grace)).toBe('grace-expired');
    expect(checkEntryWindow(t, ms(t.entryClosesAt, 1000), t.entryClosesAt, grace)).toBe('closed');
    expect(checkEntryWindow(t, ms(t.entryOpensAt, 1000), ms(t.entryOpensAt, -1), grace)).toBe('not-open');
  });

  it('does not believe a terminal clock far ahead of the hub', () => {
    const now = ms(t.entryOpensAt, 3_600_000);
    expect(checkEntryWindow(t, now, ms(now, 5 * 60_000), grace)).toBeNull();
    expect(checkEntryWindow(t, now, ms(now, 5 * 60_000 + 1), grace)).toBe('in-future');
  });
});

describe('voidMergedDuplicates', () => {
  it('voids the later entry of one identity for a slot it already holds', () => {
    const entries = [
      { entryId: 'e1', identityId: 'p', first: 'a', second: 'b' },
      { entryId: 'e2', identityId: 'q', first: 'a', second: null },
      { entryId: 'e3', identityId: 'p', first: 'c', second: 'b' },
      { entryId: 'e4', identityId: 'p', first: 'd', second: null },
    ];
    const { kept, voided } = voidMergedDuplicates(entries);
    expect(kept.map((e) => e.entryId)).toEqual(['e1', 'e2', 'e4']);
    expect(voided.map((e) => e.entryId)).toEqual(['e3']);
  });
});
