import { fullDayLabel, momentLabel, monthLabel, slotLabel, timeSpanLabel } from './lottery-dates';

describe('lottery dates as people read them (issue 17)', () => {
  const slot = { date: '2027-02-13', start: '09:00', end: '11:00' };

  it('writes when results are announced as a day and a time in Japan, midnight as 00:00 of that day', () => {
    expect(momentLabel('2026-12-12T03:00:00Z', 'ja')).toBe('12月12日（土） 12:00');
    expect(momentLabel('2026-12-11T15:00:00Z', 'ja')).toBe('12月12日（土） 00:00');
    expect(momentLabel('2026-12-12T03:00:00Z', 'en')).toBe('Sat, Dec 12 12:00');
  });

  it('writes a slot with its year, weekday, start and end', () => {
    expect(slotLabel(slot, 'ja')).toBe('2027年2月13日（土）9:00〜11:00');
    expect(slotLabel(slot, 'en')).toBe('Sat, Feb 13, 2027 9:00–11:00');
    expect(slotLabel(slot, 'ko')).toContain('2027년 2월 13일');
    expect(slotLabel(slot, 'zh-Hans')).toContain('2027年2月13日');
    expect(timeSpanLabel('13:00', '15:30', 'ja')).toBe('13:00〜15:30');
    expect(fullDayLabel('2026-12-20', 'ja')).toBe('2026年12月20日（日）');
  });

  it('writes a month as a month, not "2026-12"', () => {
    expect(monthLabel('2026-12', 'ja')).toBe('2026年12月');
    expect(monthLabel('2026-12', 'en')).toBe('December 2026');
    expect(monthLabel('2027-01', 'ko')).toBe('2027년 1월');
  });
});
