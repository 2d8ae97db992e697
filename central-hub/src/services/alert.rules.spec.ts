import type { DeviceHealth } from '@kiosk/protocols';
import { DEFAULT_FLEET_CONFIG } from '../config';
import { alertConditions, isEmptyPlan, planAlerts, type AlertInput, type LiveAlert } from './alert.rules';

const thresholds = DEFAULT_FLEET_CONFIG.alerts;
const now = Date.parse('2026-11-26T01:00:00.000Z');
const since = '2026-11-26T00:00:00.000Z';

function device(deviceId: string, kind: DeviceHealth['kind'], status: DeviceHealth['status'], reasons: DeviceHealth['reasons']): DeviceHealth {
  return { deviceId, kind, status, reasons, since };
}

const base: AlertInput = { enrolled: true, status: 'online', statusSince: since, devices: [], telemetry: null, cashCollection: null };
const keys = (input: Partial<AlertInput>) => alertConditions({ ...base, ...input }, now, thresholds).map((c) => c.key);

describe('alertConditions', () => {
  it('maps printer reasons to paper, cover and jam alerts, out of paper superseding near-end', () => {
    expect(keys({ devices: [device('p1', 'receipt-printer', 'warning', ['paper-near-end'])] })).toEqual(['paper-near-end:p1']);
    expect(keys({ devices: [device('p1', 'receipt-printer', 'error', ['paper-near-end', 'paper-end'])] })).toEqual(['paper-out:p1']);
    expect(keys({ devices: [device('d1', 'document-printer', 'error', ['media-empty', 'cover-open', 'jam'])] })).toEqual([
      'paper-out:d1',
      'printer-cover-open:d1',
      'printer-jam:d1',
    ]);
  });

  it('raises a missing card reader, a full cash box and an empty hopper', () => {
    expect(keys({ devices: [device('r', 'card-reader', 'missing', [])] })).toEqual(['card-reader-missing:r']);
    expect(keys({ devices: [device('r', 'card-reader', 'error', ['disconnected'])] })).toEqual(['card-reader-missing:r']);
    expect(keys({ devices: [device('r', 'card-reader', 'warning', ['timeout'])] })).toEqual([]);
    expect(keys({ devices: [device('c', 'coin-acceptor', 'warning', ['cash-box-full'])] })).toEqual(['cash-box-full:c']);
    expect(keys({ devices: [device('h', 'coin-hopper', 'error', ['hopper-empty'])] })).toEqual(['hopper-empty:h']);
  });

  it('raises kiosk-offline only once the kiosk has been offline for the threshold', () => {
    const fourMinutes = new Date(now - 4 * 60_000).toISOString();
    const fiveMinutes = new Date(now - 5 * 60_000).toISOString();
    expect(keys({ status: 'offline', statusSince: fourMinutes })).toEqual([]);
    expect(alertConditions({ ...base, status: 'offline', statusSince: fiveMinutes }, now, thresholds)).toEqual([
      { key: 'kiosk-offline', kind: 'kiosk-offline', severity: 'critical', deviceId: null, message: 'offline for 5 min' },
    ]);
    expect(keys({ status: 'out-of-service', statusSince: fiveMinutes })).toEqual([]);
  });

  it('raises a backlog by size or by the age of its oldest event, and clock drift either way', () => {
    const telemetry = { receivedAt: '2026-11-26T01:00:00.000Z', sentAt: '2026-11-26T01:00:00.000Z', outboxBacklog: 0, outboxOldestOccurredAt: null };
    expect(keys({ telemetry })).toEqual([]);
    expect(keys({ telemetry: { ...telemetry, outboxBacklog: 501 } })).toEqual(['outbox-backlog']);
    expect(keys({ telemetry: { ...telemetry, outboxBacklog: 3, outboxOldestOccurredAt: '2026-11-26T00:49:59.000Z' } })).toEqual(['outbox-backlog']);
    expect(keys({ telemetry: { ...telemetry, outboxBacklog: 3, outboxOldestOccurredAt: '2026-11-26T00:55:00.000Z' } })).toEqual([]);
    expect(keys({ telemetry: { ...telemetry, sentAt: '2026-11-26T00:59:29.000Z' } })).toEqual(['clock-drift']);
    expect(keys({ telemetry: { ...telemetry, sentAt: '2026-11-26T01:00:30.000Z' } })).toEqual([]);
  });

  it('raises a cash discrepancy per collection that did not balance, and none for one that did', () => {
    const collectedAt = '2026-11-26T00:30:00.000Z';
    expect(alertConditions({ ...base, cashCollection: { collectedAt, discrepancyYen: -100 } }, now, thresholds)).toEqual([
      { key: `cash-discrepancy:${collectedAt}`, kind: 'cash-discrepancy', severity: 'warning', deviceId: null, message: `cash collection at ${collectedAt}: ¥100 short against the ledger` },
    ]);
    expect(keys({ cashCollection: { collectedAt, discrepancyYen: 0 } })).toEqual([]);
  });

  it('forgets a full cash box the device reported before the last collection, not one reported after', () => {
    const full = device('c', 'coin-acceptor', 'warning', ['cash-box-full']); // since 00:00
    expect(keys({ devices: [full], cashCollection: { collectedAt: '2026-11-26T00:30:00.000Z', discrepancyYen: 0 } })).toEqual([]);
    expect(keys({ devices: [full], cashCollection: { collectedAt: '2026-11-25T23:00:00.000Z', discrepancyYen: 0 } })).toEqual(['cash-box-full:c']);
  });

  it('has nothing to say about a kiosk that has not enrolled', () => {
    expect(keys({ enrolled: false, status: 'offline', statusSince: '2026-11-20T00:00:00.000Z', devices: [device('p', 'receipt-printer', 'error', ['paper-end'])] })).toEqual([]);
  });
});

describe('planAlerts', () => {
  const condition = { key: 'paper-out:p1', kind: 'paper-out' as const, severity: 'critical' as const, deviceId: 'p1', message: 'm' };
  const live = (clearedAt: string | null): LiveAlert => ({ alertId: 'a1', key: 'paper-out:p1', kind: 'paper-out', openedAt: since, clearedAt });
  const hold = 60_000;

  it('opens an alert for a new condition, once even if it is listed twice', () => {
    expect(planAlerts([condition, condition], [], now, hold)).toEqual({ open: [condition], reactivate: [], clear: [], resolve: [] });
  });

  it('leaves an active alert alone while its condition holds', () => {
    expect(isEmptyPlan(planAlerts([condition], [live(null)], now, hold))).toBe(true);
  });

  it('starts clearing when the condition goes, and resolves only after the hold', () => {
    expect(planAlerts([], [live(null)], now, hold)).toMatchObject({ clear: ['a1'], resolve: [] });
    expect(isEmptyPlan(planAlerts([], [live(new Date(now - hold + 1).toISOString())], now, hold))).toBe(true);
    expect(planAlerts([], [live(new Date(now - hold).toISOString())], now, hold)).toMatchObject({ clear: [], resolve: ['a1'] });
  });

  it('re-uses a clearing alert when its condition comes back within the hold (a flap)', () => {
    expect(planAlerts([condition], [live(new Date(now - 1000).toISOString())], now, hold)).toEqual({ open: [], reactivate: ['a1'], clear: [], resolve: [] });
  });

  it('resolves a full cash box at once when the box was emptied after it opened; otherwise after the hold', () => {
    const full: LiveAlert = { alertId: 'c1', key: 'cash-box-full:c', kind: 'cash-box-full', openedAt: since, clearedAt: null };
    expect(planAlerts([], [full], now, hold, '2026-11-26T00:30:00.000Z')).toMatchObject({ clear: [], resolve: ['c1'] });
    expect(planAlerts([], [full], now, hold, '2026-11-25T23:00:00.000Z')).toMatchObject({ clear: ['c1'], resolve: [] });
    expect(planAlerts([], [live(null)], now, hold, '2026-11-26T00:30:00.000Z')).toMatchObject({ clear: ['a1'], resolve: [] });
  });

  it('resolves at once with no hold', () => {
    expect(planAlerts([], [live(null)], now, 0)).toMatchObject({ clear: [], resolve: ['a1'] });
  });
});
