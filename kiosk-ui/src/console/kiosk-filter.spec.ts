import { applyFilter, countByStatus, filterChoices, isFiltered, kioskStatus, matchesFilter, statusBadge, withFilter } from './kiosk-filter';
import { device, kiosk } from './spec-fixtures';

const fleet = [
  kiosk('toyonaka-001', { status: 'online', site: '本庁舎', activeAlerts: [] }),
  kiosk('toyonaka-002', { status: 'degraded', site: '本庁舎', activeAlerts: ['paper-near-end'] }),
  kiosk('toyonaka-003', { status: 'offline', online: false, site: '庄内体育館', activeAlerts: ['kiosk-offline'] }),
  kiosk('suita-001', { status: 'out-of-service', outOfService: true, municipality: '吹田市', site: '吹田市役所' }),
];
const ids = (list: { kioskId: string }[]) => list.map((k) => k.kioskId);

describe('kioskStatus', () => {
  it('takes the hub’s status when it is there', () => {
    expect(kioskStatus(kiosk('kiosk-a', { status: 'degraded', online: true }))).toBe('degraded');
  });

  it('works it out for an older hub the way the hub does: out of service, offline, a device not OK', () => {
    expect(kioskStatus(kiosk('kiosk-a', { outOfService: true, online: false }))).toBe('out-of-service');
    expect(kioskStatus(kiosk('kiosk-a', { online: false, devices: [device('card-reader', 'error')] }))).toBe('offline');
    expect(kioskStatus(kiosk('kiosk-a', { devices: [device('card-reader'), device('receipt-printer', 'warning')] }))).toBe('degraded');
    expect(kioskStatus(kiosk('kiosk-a', { devices: [device('card-reader')] }))).toBe('online');
  });
});

describe('statusBadge', () => {
  it('says whether an out-of-service kiosk is connected', () => {
    expect(statusBadge(kiosk('kiosk-a', { status: 'out-of-service', online: true }))).toBe('outOfServiceOnline');
    expect(statusBadge(kiosk('kiosk-a', { status: 'out-of-service', online: false }))).toBe('outOfServiceOffline');
    expect(statusBadge(kiosk('kiosk-a', { status: 'offline', online: false }))).toBe('offline');
  });
});

describe('filtering', () => {
  it('keeps everything without a filter', () => {
    expect(ids(applyFilter(fleet, {}))).toEqual(ids(fleet));
    expect(isFiltered({})).toBe(false);
  });

  it('combines municipality, site, status and alert', () => {
    expect(ids(applyFilter(fleet, { municipality: '豊中市' }))).toEqual(['toyonaka-001', 'toyonaka-002', 'toyonaka-003']);
    expect(ids(applyFilter(fleet, { municipality: '豊中市', site: '本庁舎' }))).toEqual(['toyonaka-001', 'toyonaka-002']);
    expect(ids(applyFilter(fleet, { status: 'out-of-service' }))).toEqual(['suita-001']);
    expect(ids(applyFilter(fleet, { alert: 'any' }))).toEqual(['toyonaka-002', 'toyonaka-003']);
    expect(ids(applyFilter(fleet, { alert: 'kiosk-offline', municipality: '豊中市' }))).toEqual(['toyonaka-003']);
    expect(ids(applyFilter(fleet, { alert: 'paper-out' }))).toEqual([]);
    expect(isFiltered({ status: 'offline' })).toBe(true);
  });

  it('reads a kiosk without activeAlerts (older hub) as having none', () => {
    expect(matchesFilter(kiosk('kiosk-a'), { alert: 'any' })).toBe(false);
  });
});

describe('filterChoices', () => {
  it('offers the municipalities, the sites of the chosen municipality and the alerts present', () => {
    expect(filterChoices(fleet, {})).toEqual({
      municipalities: ['吹田市', '豊中市'].sort((a, b) => a.localeCompare(b, 'ja')),
      sites: ['吹田市役所', '庄内体育館', '本庁舎'].sort((a, b) => a.localeCompare(b, 'ja')),
      alerts: ['kiosk-offline', 'paper-near-end'],
    });
    expect(filterChoices(fleet, { municipality: '吹田市' }).sites).toEqual(['吹田市役所']);
  });

  it('always offers the values the filter holds, even when no kiosk has them any more', () => {
    const choices = filterChoices(fleet, { municipality: '箕面市', site: '箕面駅', alert: 'hopper-empty' });
    expect(choices.municipalities).toContain('箕面市');
    expect(choices.sites).toEqual(['箕面駅']);
    expect(choices.alerts).toContain('hopper-empty');
  });
});

describe('withFilter', () => {
  it('sets and clears one field without touching the others', () => {
    expect(withFilter(fleet, { status: 'offline' }, 'alert', 'any')).toEqual({ status: 'offline', alert: 'any' });
    expect(withFilter(fleet, { status: 'offline', alert: 'any' }, 'status', undefined)).toEqual({ alert: 'any' });
  });

  it('drops a site that is not in the newly chosen municipality', () => {
    expect(withFilter(fleet, { site: '本庁舎' }, 'municipality', '吹田市')).toEqual({ municipality: '吹田市' });
    expect(withFilter(fleet, { site: '本庁舎' }, 'municipality', '豊中市')).toEqual({ municipality: '豊中市', site: '本庁舎' });
  });
});

describe('countByStatus', () => {
  it('counts every status, zeros included', () => {
    expect(countByStatus(fleet)).toEqual({ online: 1, degraded: 1, offline: 1, 'out-of-service': 1 });
    expect(countByStatus([])).toEqual({ online: 0, degraded: 0, offline: 0, 'out-of-service': 0 });
  });
});
