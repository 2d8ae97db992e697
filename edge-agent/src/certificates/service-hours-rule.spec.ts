import { paymentMayStart } from './service-hours-rule';

const CLOSES_AT = '2026-12-07T23:00:00+09:00';

describe('the service-hours rule: may a payment step start now?', () => {
  it.each([
    ['a minute before closing', '2026-12-07T22:59:00+09:00', CLOSES_AT, true],
    ['the last millisecond before closing', '2026-12-07T22:59:59.999+09:00', CLOSES_AT, true],
    ['at closing time', '2026-12-07T23:00:00+09:00', CLOSES_AT, false],
    ['after closing time (the 22:59:41 session at 23:00:02)', '2026-12-07T23:00:02+09:00', CLOSES_AT, false],
    ['the hub told no closing time (closed, or never asked)', '2026-12-07T12:00:00+09:00', null, false],
    ['a closing time that is not an instant', '2026-12-07T12:00:00+09:00', 'tonight', false],
  ])('%s', (_case, now, closesAt, allowed) => {
    expect(paymentMayStart(new Date(now), closesAt)).toBe(allowed);
  });
});
