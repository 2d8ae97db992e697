import { parseRoute, routeHash, samePage, type Route } from './routes';

describe('parseRoute', () => {
  it.each([
    ['', { page: 'fleet', filter: {} }],
    ['#', { page: 'fleet', filter: {} }],
    ['#/', { page: 'fleet', filter: {} }],
    ['#/fleet', { page: 'fleet', filter: {} }],
    ['#/kiosks/kiosk-abc123', { page: 'kiosk', kioskId: 'kiosk-abc123' }],
    ['#/alerts', { page: 'alerts', tab: 'open' }],
    ['#/alerts?state=acknowledged', { page: 'alerts', tab: 'acknowledged' }],
    ['#/alerts?state=resolved', { page: 'alerts', tab: 'resolved' }],
    ['#/audit', { page: 'audit' }],
    ['/audit/', { page: 'audit' }],
    ['#/certificates', { page: 'certificates' }],
    ['#/cash', { page: 'cash' }],
    ['#/rollouts', { page: 'rollouts' }],
    ['#/public/lottery', { page: 'public-lottery' }],
  ] as [string, Route][])('%s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('reads the kiosk list filters from the query', () => {
    const municipality = encodeURIComponent('豊中市');
    expect(parseRoute(`#/fleet?municipality=${municipality}&site=A&status=offline&alert=paper-out`)).toEqual({
      page: 'fleet',
      filter: { municipality: '豊中市', site: 'A', status: 'offline', alert: 'paper-out' },
    });
    expect(parseRoute('#/fleet?alert=any')).toEqual({ page: 'fleet', filter: { alert: 'any' } });
  });

  it('leaves out filter values it cannot read instead of failing the page', () => {
    expect(parseRoute(`#/fleet?status=sleeping&alert=fire&site=&municipality=${'x'.repeat(101)}`)).toEqual({ page: 'fleet', filter: {} });
  });

  it('falls back to the open tab for an unknown alert state', () => {
    expect(parseRoute('#/alerts?state=everything')).toEqual({ page: 'alerts', tab: 'open' });
  });

  it('sends unknown pages, bad kiosk ids and broken escapes to not-found', () => {
    for (const hash of ['#/nowhere', '#/kiosks', '#/kiosks/BAD ID', '#/kiosks/%E0%A4%A', '#/kiosks/a/b', '#/audit/1']) {
      expect(parseRoute(hash)).toEqual({ page: 'not-found' });
    }
  });
});

describe('routeHash', () => {
  it.each([
    { page: 'fleet', filter: {} },
    { page: 'fleet', filter: { municipality: '豊中市', site: '庄内 体育館', status: 'degraded', alert: 'any' } },
    { page: 'kiosk', kioskId: 'kiosk-001' },
    { page: 'alerts', tab: 'open' },
    { page: 'alerts', tab: 'resolved' },
    { page: 'audit' },
    { page: 'certificates' },
    { page: 'cash' },
    { page: 'rollouts' },
    { page: 'public-lottery' },
  ] as Route[])('round-trips %j', (route) => {
    expect(parseRoute(routeHash(route))).toEqual(route);
  });

  it('writes filters in a fixed order and leaves empty ones out', () => {
    expect(routeHash({ page: 'fleet', filter: { status: 'offline', municipality: 'A' } })).toBe('#/fleet?municipality=A&status=offline');
    expect(routeHash({ page: 'fleet', filter: { status: undefined } })).toBe('#/fleet');
  });
});

describe('samePage', () => {
  it('treats a filter change as the same page and another kiosk as a new one', () => {
    expect(samePage({ page: 'fleet', filter: {} }, { page: 'fleet', filter: { status: 'offline' } })).toBe(true);
    expect(samePage({ page: 'kiosk', kioskId: 'kiosk-a' }, { page: 'kiosk', kioskId: 'kiosk-a' })).toBe(true);
    expect(samePage({ page: 'kiosk', kioskId: 'kiosk-a' }, { page: 'kiosk', kioskId: 'kiosk-b' })).toBe(false);
    expect(samePage({ page: 'alerts', tab: 'open' }, { page: 'audit' })).toBe(false);
  });
});
