import { CalendarError, addDays, addMonths, datesOfMonth, daysBetween, daysInMonth, jstDate, jstInstant, jstMonth, jstParts, minutesOf, weekdayOf } from './jst';

describe('Japan time', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    process.env.TZ = originalTz;
  });

  it.each(['UTC', 'America/New_York', 'Asia/Tokyo', 'Pacific/Kiritimati'])('does not depend on the machine time zone (%s)', (tz) => {
    process.env.TZ = tz;
    expect(jstInstant('2026-11-01', '00:00').toISOString()).toBe('2026-10-31T15:00:00.000Z');
    expect(jstDate(new Date('2026-10-31T14:59:59.999Z'))).toBe('2026-10-31');
    expect(jstDate(new Date('2026-10-31T15:00:00.000Z'))).toBe('2026-11-01');
    expect(jstMonth(new Date('2026-12-31T15:00:00.000Z'))).toBe('2027-01');
    expect(weekdayOf('2027-01-04')).toBe(1);
  });

  it('reads the wall clock in Japan, whatever the machine time zone', () => {
    process.env.TZ = 'America/New_York';
    expect(jstParts(new Date('2026-12-28T14:59:59.000Z'))).toEqual({
      year: 2026,
      month: 12,
      day: 28,
      hour: 23,
      minute: 59,
      second: 59,
      msOfDay: (23 * 3600 + 59 * 60 + 59) * 1000,
    });
    expect(jstParts(new Date('2026-12-28T15:00:00.000Z'))).toMatchObject({ day: 29, hour: 0, msOfDay: 0 });
  });

  it('reads 24:00 as the end of the day', () => {
    expect(jstInstant('2026-11-10', '24:00').toISOString()).toBe(jstInstant('2026-11-11').toISOString());
  });

  it('does calendar arithmetic across months, years and leap days', () => {
    expect(addMonths('2026-11', 2)).toBe('2027-01');
    expect(addMonths('2027-01', -2)).toBe('2026-11');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(daysInMonth('2028-02')).toBe(29);
    expect(daysInMonth('2027-02')).toBe(28);
    expect(datesOfMonth('2027-02')).toHaveLength(28);
    expect(daysBetween('2026-12-30', '2027-01-02')).toBe(3);
    expect(minutesOf('21:30')).toBe(1290);
  });

  it.each(['2027-02-29', '2027-13-01', '27-01-01'])('refuses the date %s', (date) => {
    expect(() => jstInstant(date)).toThrow(CalendarError);
  });

  it.each(['24:01', '9:00', '12:60'])('refuses the time %s', (time) => {
    expect(() => minutesOf(time)).toThrow(CalendarError);
  });
});
