import { DEFAULT_SCHEDULE, ScheduleSettingsSchema, firstComeOnlyTimetable, lotteryTimetable, roundPhase, useMonthsToPrepare } from './schedule';

const at = (iso: string) => new Date(iso);
const before = (d: Date) => new Date(d.getTime() - 1);

describe('round timetable', () => {
  // Slots used in January 2027: entries 1–10 November 2026 (two months ahead), all Japan time.
  const t = lotteryTimetable(DEFAULT_SCHEDULE, '2027-01');

  it('puts every milestone in the entry month, Japan time', () => {
    expect(t.entryOpensAt.toISOString()).toBe('2026-10-31T15:00:00.000Z'); // Nov 1 00:00 JST
    expect(t.entryClosesAt.toISOString()).toBe('2026-11-10T15:00:00.000Z'); // end of Nov 10 JST
    expect(t.drawAt.toISOString()).toBe('2026-11-12T00:00:00.000Z'); // Nov 12 09:00
    expect(t.resultsAt.toISOString()).toBe('2026-11-13T00:00:00.000Z');
    expect(t.confirmClosesAt.toISOString()).toBe('2026-11-20T15:00:00.000Z'); // end of Nov 20
    expect(t.firstComeOpensAt.toISOString()).toBe('2026-11-21T03:00:00.000Z'); // Nov 21 12:00
    expect(t.endsAt.toISOString()).toBe('2027-01-31T15:00:00.000Z'); // Feb 1 00:00
  });

  it.each([
    ['entryOpensAt', 'announced', 'entry'],
    ['entryClosesAt', 'entry', 'awaiting-draw'],
    ['drawAt', 'awaiting-draw', 'awaiting-results'],
    ['resultsAt', 'awaiting-results', 'confirmation'],
    ['confirmClosesAt', 'confirmation', 'release-hold'],
    ['firstComeOpensAt', 'release-hold', 'first-come'],
    ['endsAt', 'first-come', 'finished'],
  ] as const)('changes phase exactly at %s (%s → %s)', (milestone, beforePhase, atPhase) => {
    expect(roundPhase(t, before(t[milestone]))).toBe(beforePhase);
    expect(roundPhase(t, t[milestone])).toBe(atPhase);
  });

  it('is the same whatever the machine time zone', () => {
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      expect(lotteryTimetable(DEFAULT_SCHEDULE, '2027-01')).toEqual(t);
      expect(roundPhase(t, at('2026-11-10T14:59:59.999Z'))).toBe('entry');
    } finally {
      process.env.TZ = tz;
    }
  });

  it('collapses a first-come-only round onto its opening instant', () => {
    const opens = at('2026-11-26T01:00:00.000Z');
    const f = firstComeOnlyTimetable('2026-12', opens);
    expect(roundPhase(f, before(opens))).toBe('announced');
    expect(roundPhase(f, opens)).toBe('first-come');
    expect(roundPhase(f, at('2027-01-01T00:00:00.000Z'))).toBe('finished');
  });

  it('prepares this month and the ones whose windows are still ahead', () => {
    expect(useMonthsToPrepare(DEFAULT_SCHEDULE, '2026-11')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
  });
});

describe('schedule settings', () => {
  it('accepts the defaults', () => {
    expect(ScheduleSettingsSchema.safeParse(DEFAULT_SCHEDULE).success).toBe(true);
  });

  it('refuses an offline grace that would run past the draw', () => {
    const result = ScheduleSettingsSchema.safeParse({ ...DEFAULT_SCHEDULE, offlineGraceMinutes: 2 * 24 * 60 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['draw']);
  });

  it('refuses milestones out of order and days past the 28th', () => {
    expect(ScheduleSettingsSchema.safeParse({ ...DEFAULT_SCHEDULE, results: { day: 11, time: '09:00' } }).success).toBe(false);
    expect(ScheduleSettingsSchema.safeParse({ ...DEFAULT_SCHEDULE, firstComeOpens: { day: 20, time: '12:00' } }).success).toBe(false);
    expect(ScheduleSettingsSchema.safeParse({ ...DEFAULT_SCHEDULE, firstComeOpens: { day: 29, time: '12:00' } }).success).toBe(false);
  });
});
