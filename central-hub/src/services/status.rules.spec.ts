import { deriveStatus, latest, type StatusInput } from './status.rules';

const now = Date.parse('2026-11-26T01:00:00.000Z');
const base: StatusInput = {
  enrolled: true,
  connected: true,
  lastContactAt: '2026-11-26T00:59:50.000Z',
  outOfService: false,
  devices: [{ status: 'ok' }],
};

describe('deriveStatus', () => {
  it('is online when connected, heard from recently, every device ok', () => {
    expect(deriveStatus(base, now, 60_000)).toBe('online');
  });

  it('is degraded when any device is not ok', () => {
    for (const status of ['warning', 'error', 'missing'] as const) {
      expect(deriveStatus({ ...base, devices: [{ status: 'ok' }, { status }] }, now, 60_000)).toBe('degraded');
    }
  });

  it('is offline when disconnected, never heard from, or silent for the configured time', () => {
    expect(deriveStatus({ ...base, connected: false }, now, 60_000)).toBe('offline');
    expect(deriveStatus({ ...base, lastContactAt: null }, now, 60_000)).toBe('offline');
    expect(deriveStatus({ ...base, lastContactAt: '2026-11-26T00:59:00.001Z' }, now, 60_000)).toBe('online');
    expect(deriveStatus({ ...base, lastContactAt: '2026-11-26T00:59:00.000Z' }, now, 60_000)).toBe('offline');
    expect(deriveStatus({ ...base, lastContactAt: 'garbage' }, now, 60_000)).toBe('offline');
  });

  it('is out of service whenever the kiosk last said so, connected or not', () => {
    expect(deriveStatus({ ...base, outOfService: true, devices: [{ status: 'error' }] }, now, 60_000)).toBe('out-of-service');
    expect(deriveStatus({ ...base, outOfService: true, connected: false }, now, 60_000)).toBe('out-of-service');
  });

  it('is offline for a kiosk that has not enrolled', () => {
    expect(deriveStatus({ ...base, enrolled: false, outOfService: true }, now, 60_000)).toBe('offline');
  });
});

describe('latest', () => {
  it('picks the newer instant, ignoring missing ones', () => {
    expect(latest('2026-11-26T01:00:00.000Z', '2026-11-26T00:00:00.000Z')).toBe('2026-11-26T01:00:00.000Z');
    expect(latest('2026-11-26T00:00:00.000Z', '2026-11-26T01:00:00.000Z')).toBe('2026-11-26T01:00:00.000Z');
    expect(latest(null, undefined)).toBeNull();
    expect(latest(undefined, 'x')).toBe('x');
  });
});
