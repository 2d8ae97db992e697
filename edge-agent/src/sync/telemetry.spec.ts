import type { DeviceHealth } from '@kiosk/protocols';
import { buildTelemetry } from './telemetry';

const device = (i: number): DeviceHealth => ({
  deviceId: `printer-${i}`,
  kind: 'receipt-printer',
  status: 'ok',
  reasons: [],
  since: '2025-03-01T00:00:00.000Z',
});

describe('buildTelemetry', () => {
  const base = {
    now: new Date('2025-03-01T10:00:00.000Z'),
    outbox: { backlog: 3, oldestOccurredAt: '2025-03-01T09:59:00.000Z', lastSeq: 42, quarantined: 1 },
    devices: [device(1)],
    agentVersion: '0.1.0',
    uptimeSeconds: 12.5,
    rssBytes: 50_000_000.7,
    outOfService: true,
  };

  it('builds a heartbeat the protocol accepts', () => {
    expect(buildTelemetry(base)).toEqual({
      sentAt: '2025-03-01T10:00:00.000Z',
      outbox: { backlog: 3, oldestOccurredAt: '2025-03-01T09:59:00.000Z', lastSeq: 42, quarantined: 1 },
      devices: [device(1)],
      agent: { version: '0.1.0', uptimeSeconds: 12.5, rssBytes: 50_000_001, outOfService: true },
    });
  });

  it('keeps to the wire limit of 32 devices', () => {
    const many = Array.from({ length: 40 }, (_, i) => device(i));
    expect(buildTelemetry({ ...base, devices: many }).devices).toHaveLength(32);
  });
});
