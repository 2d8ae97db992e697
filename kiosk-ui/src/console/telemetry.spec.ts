import { backlogSeries, memorySeries, timeDomain } from './telemetry';
import type { DeviceHealth } from '@kiosk/protocols';
import { telemetryPoint } from './spec-fixtures';

/** A device as a stored heartbeat holds it (no `since`, no detail). */
const device = (kind: DeviceHealth['kind'], status: DeviceHealth['status'] = 'ok') => ({ deviceId: kind, kind, status, reasons: [] });

const t = (minute: number) => `2024-06-01T12:${String(minute).padStart(2, '0')}:00Z`;
const ms = (minute: number) => Date.parse(t(minute));

const points = [
  telemetryPoint(t(0), { outboxBacklog: 0, rssBytes: 50 * 1024 * 1024, devices: [device('receipt-printer'), device('card-reader')] }),
  telemetryPoint(t(1), { outboxBacklog: 12, rssBytes: Math.round(52.34 * 1024 * 1024), devices: [device('receipt-printer', 'error'), device('card-reader')] }),
  telemetryPoint(t(2), { outboxBacklog: 3, rssBytes: 51 * 1024 * 1024, devices: [device('receipt-printer')] }),
];

describe('telemetry series', () => {
  it('charts the outbox backlog and the agent’s memory in MB', () => {
    expect(backlogSeries(points)).toEqual([
      { t: ms(0), v: 0 },
      { t: ms(1), v: 12 },
      { t: ms(2), v: 3 },
    ]);
    expect(memorySeries(points).map((p) => p.v)).toEqual([50, 52.3, 51]);
  });

  it('spans the time axis from the first to the last heartbeat', () => {
    expect(timeDomain(points)).toEqual([ms(0), ms(2)]);
    expect(timeDomain([])).toBeNull();
  });
});
