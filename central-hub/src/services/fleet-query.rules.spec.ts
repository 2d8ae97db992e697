import type { KioskSummary } from '@kiosk/protocols';
import { matchesQuery, overviewOf } from './fleet-query.rules';
import { HEARTBEAT_ONLY_PUBLISH_MS, shouldPublish, summaryKey } from './publish.rules';
import { pointKey, shouldStorePoint } from './telemetry.rules';

function kiosk(over: Partial<KioskSummary>): KioskSummary {
  return {
    kioskId: 'kiosk-a',
    name: 'n',
    municipality: '豊中市',
    site: '豊島体育館',
    kind: 'street-terminal',
    enrolled: true,
    online: true,
    lastHeartbeatAt: null,
    outboxBacklog: 0,
    agentVersion: '1',
    outOfService: false,
    devices: [],
    status: 'online',
    statusSince: null,
    activeAlerts: [],
    ...over,
  };
}

describe('kiosk list filter', () => {
  it('filters by municipality, site, status and alert', () => {
    const k = kiosk({ status: 'degraded', activeAlerts: ['paper-out'] });
    expect(matchesQuery(k, {})).toBe(true);
    expect(matchesQuery(k, { municipality: '吹田市' })).toBe(false);
    expect(matchesQuery(k, { site: '豊島体育館', status: 'degraded' })).toBe(true);
    expect(matchesQuery(k, { status: 'online' })).toBe(false);
    expect(matchesQuery(k, { alert: 'paper-out' })).toBe(true);
    expect(matchesQuery(k, { alert: 'hopper-empty' })).toBe(false);
    expect(matchesQuery(k, { alert: 'any' })).toBe(true);
    expect(matchesQuery(kiosk({}), { alert: 'any' })).toBe(false);
    expect(matchesQuery(kiosk({ enrolled: false, status: 'offline' }), { status: 'offline' })).toBe(false);
  });
});

describe('overview', () => {
  it('counts enrolled kiosks by status, grouped by municipality and site, pending enrolments apart', () => {
    const overview = overviewOf(
      [
        kiosk({ kioskId: 'a', status: 'online' }),
        kiosk({ kioskId: 'b', status: 'offline', site: '庄内体育館' }),
        kiosk({ kioskId: 'c', status: 'degraded', municipality: '吹田市', site: '吹田市役所' }),
        kiosk({ kioskId: 'd', enrolled: false, status: 'offline' }),
      ],
      { open: 2, acknowledged: 1 },
    );
    expect(overview).toEqual({
      counts: { online: 1, degraded: 1, offline: 1, 'out-of-service': 0 },
      total: 3,
      pendingEnrolment: 1,
      alerts: { open: 2, acknowledged: 1 },
      municipalities: [
        {
          municipality: '吹田市',
          counts: { online: 0, degraded: 1, offline: 0, 'out-of-service': 0 },
          sites: [{ site: '吹田市役所', counts: { online: 0, degraded: 1, offline: 0, 'out-of-service': 0 } }],
        },
        {
          municipality: '豊中市',
          counts: { online: 1, degraded: 0, offline: 1, 'out-of-service': 0 },
          sites: [
            { site: '庄内体育館', counts: { online: 0, degraded: 0, offline: 1, 'out-of-service': 0 } },
            { site: '豊島体育館', counts: { online: 1, degraded: 0, offline: 0, 'out-of-service': 0 } },
          ],
        },
      ],
    });
  });
});

describe('publishing and sampling', () => {
  it('pushes a summary when something but the heartbeat time changed, else at most every 30 s', () => {
    const key = summaryKey(kiosk({ lastHeartbeatAt: '2026-11-26T01:00:00.000Z' }));
    expect(summaryKey(kiosk({ lastHeartbeatAt: '2026-11-26T01:00:15.000Z' }))).toBe(key);
    expect(shouldPublish(undefined, key, 0)).toBe(true);
    expect(shouldPublish({ key, atMs: 0 }, key, HEARTBEAT_ONLY_PUBLISH_MS - 1)).toBe(false);
    expect(shouldPublish({ key, atMs: 0 }, key, HEARTBEAT_ONLY_PUBLISH_MS)).toBe(true);
    expect(shouldPublish({ key, atMs: 0 }, summaryKey(kiosk({ outboxBacklog: 1 })), 1)).toBe(true);
  });

  it('keeps a telemetry point per interval and on every change of devices or service flag', () => {
    const beat = (status: 'ok' | 'error', outOfService = false) => ({
      sentAt: '2026-11-26T01:00:00.000Z',
      outbox: { backlog: 0, oldestOccurredAt: null, lastSeq: 0 },
      devices: [{ deviceId: 'p', kind: 'receipt-printer' as const, status, reasons: [], since: '2026-11-26T01:00:00.000Z' }],
      agent: { version: '1', uptimeSeconds: 1, rssBytes: 1, outOfService },
    });
    const key = pointKey(beat('ok'));
    expect(shouldStorePoint(undefined, 0, key, 60_000)).toBe(true);
    expect(shouldStorePoint({ atMs: 0, key }, 59_999, key, 60_000)).toBe(false);
    expect(shouldStorePoint({ atMs: 0, key }, 60_000, key, 60_000)).toBe(true);
    expect(shouldStorePoint({ atMs: 0, key }, 1, pointKey(beat('error')), 60_000)).toBe(true);
    expect(shouldStorePoint({ atMs: 0, key }, 1, pointKey(beat('ok', true)), 60_000)).toBe(true);
  });
});
