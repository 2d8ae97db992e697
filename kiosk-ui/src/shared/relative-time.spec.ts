import { elapsed, relativeTime } from './relative-time';

const now = Date.parse('2024-06-01T12:00:00Z');
const ago = (ms: number) => new Date(now - ms).toISOString();

describe('elapsed', () => {
  it.each([
    [0, 'time.justNow', 0],
    [4_999, 'time.justNow', 0],
    [5_000, 'time.secondsAgo', 5],
    [59_999, 'time.secondsAgo', 59],
    [60_000, 'time.minutesAgo', 1],
    [59 * 60_000 + 59_000, 'time.minutesAgo', 59],
    [3_600_000, 'time.hoursAgo', 1],
    [23 * 3_600_000 + 3_599_000, 'time.hoursAgo', 23],
    [86_400_000, 'time.daysAgo', 1],
    [10 * 86_400_000, 'time.daysAgo', 10],
  ])('%i ms ago → %s %i', (ms, key, n) => {
    expect(elapsed(ago(ms), now)).toEqual({ key, n });
  });

  it('treats a timestamp slightly in the future (clock skew) as just now', () => {
    expect(elapsed(new Date(now + 3_000).toISOString(), now)).toEqual({ key: 'time.justNow', n: 0 });
  });

  it('reads null and unparseable instants as never', () => {
    expect(elapsed(null, now).key).toBe('time.never');
    expect(elapsed('not a date', now).key).toBe('time.never');
  });

  it('accepts instants with an explicit offset', () => {
    expect(elapsed('2024-06-01T20:58:00+09:00', now)).toEqual({ key: 'time.minutesAgo', n: 2 });
  });
});

describe('relativeTime', () => {
  it('formats in the requested language', () => {
    expect(relativeTime('ja', ago(3 * 60_000), now)).toBe('3分前');
    expect(relativeTime('en', ago(3 * 60_000), now)).toBe('3 min ago');
    expect(relativeTime('ko', ago(2 * 3_600_000), now)).toBe('2시간 전');
    expect(relativeTime('zh-Hans', null, now)).toBe('无记录');
  });
});
