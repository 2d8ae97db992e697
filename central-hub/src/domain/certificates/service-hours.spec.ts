import { issuanceJudgedAt, serviceAvailability, serviceDays, serviceHoursInstant, type ServiceCalendar } from './service-hours';

/** Instants are written in JST (+09:00) so the edges read as the kiosk's clock shows them. */
const at = (jst: string) => new Date(`${jst}+09:00`);

describe('serviceAvailability', () => {
  const calendar: ServiceCalendar = {
    open: '06:30',
    close: '23:00',
    closedDays: ['12-29', '12-30', '12-31', '01-01', '01-02', '01-03'],
    maintenanceDays: new Set(['2026-11-18']),
  };

  it.each([
    ['2026-11-26T06:29:59', false, 'before-hours'],
    ['2026-11-26T06:30:00', true, undefined],
    ['2026-11-26T22:59:59', true, undefined],
    ['2026-11-26T23:00:00', false, 'after-hours'],
    ['2026-11-26T00:00:00', false, 'before-hours'],
    ['2026-12-28T22:59:00', true, undefined],
    ['2026-12-29T06:30:00', false, 'year-end-holidays'],
    ['2026-12-31T12:00:00', false, 'year-end-holidays'],
    ['2027-01-03T22:00:00', false, 'year-end-holidays'],
    ['2027-01-04T06:30:00', true, undefined],
    ['2027-01-04T06:29:59', false, 'before-hours'],
    ['2026-11-18T12:00:00', false, 'maintenance'],
    ['2026-11-17T22:59:59', true, undefined],
    ['2026-11-19T06:30:00', true, undefined],
  ])('at %s JST open=%s (%s)', (jst, open, reason) => {
    const result = serviceAvailability(at(jst), calendar);
    expect(result.open).toBe(open);
    if (!result.open) expect(result.reason).toBe(reason);
  });

  it('does not depend on the machine time zone: the same instant written in UTC gives the same answer', () => {
    // 2026-11-25T21:30:00Z is 06:30 JST on Nov 26; 21:29:59Z is still 06:29:59 JST.
    expect(serviceAvailability(new Date('2026-11-25T21:30:00Z'), calendar).open).toBe(true);
    expect(serviceAvailability(new Date('2026-11-25T21:29:59Z'), calendar)).toMatchObject({ open: false, reason: 'before-hours' });
    // 14:00Z is 23:00 JST on the same JST day.
    expect(serviceAvailability(new Date('2026-11-26T14:00:00Z'), calendar)).toMatchObject({ open: false, reason: 'after-hours' });
  });

  it('says when it closes and when it reopens', () => {
    expect(serviceAvailability(at('2026-11-26T12:00:00'), calendar)).toEqual({ open: true, closesAt: '2026-11-26T14:00:00.000Z' });
    expect(serviceAvailability(at('2026-11-26T05:00:00'), calendar)).toEqual({
      open: false,
      reason: 'before-hours',
      reopensAt: '2026-11-25T21:30:00.000Z',
    });
    // After hours on the 17th: the 18th is a maintenance day, so it reopens on the 19th at 06:30 JST.
    expect(serviceAvailability(at('2026-11-17T23:30:00'), calendar)).toMatchObject({ reopensAt: '2026-11-18T21:30:00.000Z' });
    // Year-end: reopens Jan 4 06:30 JST.
    expect(serviceAvailability(at('2026-12-28T23:00:00'), calendar)).toMatchObject({
      reason: 'after-hours',
      reopensAt: '2027-01-03T21:30:00.000Z',
    });
    expect(serviceAvailability(at('2027-01-01T10:00:00'), calendar)).toMatchObject({ reopensAt: '2027-01-03T21:30:00.000Z' });
  });

  it('has no reopening in sight when every day is a maintenance day', () => {
    const days = new Set<string>();
    for (let d = new Date('2026-11-26T00:00:00Z'); days.size < 500; d = new Date(d.getTime() + 86_400_000)) {
      days.add(d.toISOString().slice(0, 10));
    }
    expect(serviceAvailability(at('2026-11-26T12:00:00'), { ...calendar, maintenanceDays: days })).toEqual({
      open: false,
      reason: 'maintenance',
      reopensAt: null,
    });
  });
});

describe('serviceHoursInstant', () => {
  it('is the real instant on a real hub', () => {
    const now = at('2026-12-05T04:15:00');
    expect(serviceHoursInstant(now, null)).toEqual(now);
  });

  it('on a demo hub is the same Japan date at the demo time, so the rule still sees closed days', () => {
    expect(serviceHoursInstant(at('2026-12-05T04:15:00'), '12:00')).toEqual(at('2026-12-05T12:00:00'));
    // 00:30 JST on Dec 6 is still Dec 5 in UTC: the Japan date counts.
    expect(serviceHoursInstant(at('2026-12-06T00:30:00'), '12:00')).toEqual(at('2026-12-06T12:00:00'));
    const calendar: ServiceCalendar = { open: '06:30', close: '23:00', closedDays: ['12-29'], maintenanceDays: new Set() };
    expect(serviceAvailability(serviceHoursInstant(at('2026-12-29T03:00:00'), '12:00'), calendar)).toMatchObject({ open: false, reason: 'year-end-holidays' });
  });
});

describe('serviceDays', () => {
  it('gives each day its hours, or why it is closed all day (maintenance after the year-end holidays)', () => {
    const calendar: ServiceCalendar = { open: '06:30', close: '23:00', closedDays: ['12-29'], maintenanceDays: new Set(['2026-12-30']) };
    expect(serviceDays('2026-12-28', '2026-12-31', calendar)).toEqual([
      { day: '2026-12-28', open: true, opensAt: at('2026-12-28T06:30:00').toISOString(), closesAt: at('2026-12-28T23:00:00').toISOString() },
      { day: '2026-12-29', open: false, reason: 'year-end-holidays' },
      { day: '2026-12-30', open: false, reason: 'maintenance' },
      { day: '2026-12-31', open: true, opensAt: at('2026-12-31T06:30:00').toISOString(), closesAt: at('2026-12-31T23:00:00').toISOString() },
    ]);
    expect(serviceDays('2026-12-31', '2026-12-30', calendar)).toEqual([]);
  });
});

describe('issuanceJudgedAt: when the hours of an issuance are judged', () => {
  const now = at('2026-11-26T23:00:06');
  const cardSessionOpenedAt = at('2026-11-26T22:59:41');

  it.each([
    ['when the kiosk says its payment step began', '2026-11-26T22:59:55+09:00', '2026-11-26T22:59:55'],
    ['not before the card session opened', '2026-11-26T22:00:00+09:00', '2026-11-26T22:59:41'],
    ['not after the hub\'s now', '2026-11-26T23:30:00+09:00', '2026-11-26T23:00:06'],
    ['now when the kiosk does not say', undefined, '2026-11-26T23:00:06'],
  ])('%s', (_case, paymentOpenedAt, judged) => {
    expect(issuanceJudgedAt({ now, cardSessionOpenedAt, paymentOpenedAt })).toEqual(at(judged));
  });
});
