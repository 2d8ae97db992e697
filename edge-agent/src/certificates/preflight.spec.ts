import type { DeviceHealth } from '@kiosk/protocols';
import { preflight, REQUIRED_DEVICES, type HubAvailability } from './preflight';

const since = '2026-12-05T00:00:00Z';
const healthy: DeviceHealth[] = REQUIRED_DEVICES.map((kind) => ({ deviceId: kind, kind, status: 'ok', reasons: [], since }));
const open: HubAvailability = { kind: 'answered', municipality: '豊中市', availability: { open: true, closesAt: '2026-12-05T14:00:00Z' } };

describe('certificate preflight', () => {
  it('passes with the hub open and every device working (warnings allowed)', () => {
    const warning = healthy.map((device) => (device.kind === 'receipt-printer' ? { ...device, status: 'warning' as const, reasons: ['paper-near-end' as const] } : device));
    expect(preflight({ hub: open, outOfService: false, devices: warning })).toEqual({ ok: true, municipality: '豊中市' });
  });

  it('names every failed check, with the hub\'s reason and reopening time', () => {
    const closed: HubAvailability = { kind: 'answered', municipality: '豊中市', availability: { open: false, reason: 'after-hours', reopensAt: '2026-12-05T21:30:00Z' } };
    const devices = healthy.map((device) =>
      device.kind === 'document-printer' ? { ...device, status: 'error' as const, reasons: ['media-empty' as const] } : device,
    ).filter((device) => device.kind !== 'coin-hopper');
    expect(preflight({ hub: closed, outOfService: true, devices })).toEqual({
      ok: false,
      problems: [
        { kind: 'out-of-service' },
        { kind: 'service-closed', reason: 'after-hours', reopensAt: '2026-12-05T21:30:00Z' },
        { kind: 'device', device: 'document-printer', status: 'error', reasons: ['media-empty'] },
        { kind: 'device', device: 'coin-hopper', status: 'absent', reasons: [] },
      ],
    });
  });

  it('refuses when the hub cannot be asked or does not issue here', () => {
    expect(preflight({ hub: { kind: 'unreachable' }, outOfService: false, devices: healthy })).toEqual({ ok: false, problems: [{ kind: 'hub-unreachable' }] });
    expect(preflight({ hub: { kind: 'not-offered' }, outOfService: false, devices: healthy })).toEqual({ ok: false, problems: [{ kind: 'not-offered' }] });
  });

  it('one working hopper among several is enough; a missing card reader is not', () => {
    const devices = [...healthy, { deviceId: 'hopper-2', kind: 'coin-hopper' as const, status: 'error' as const, reasons: ['hopper-empty' as const], since }].map((device) =>
      device.kind === 'card-reader' ? { ...device, status: 'missing' as const, reasons: ['disconnected' as const] } : device,
    );
    expect(preflight({ hub: open, outOfService: false, devices })).toEqual({
      ok: false,
      problems: [{ kind: 'device', device: 'card-reader', status: 'missing', reasons: ['disconnected'] }],
    });
  });

  it('hoppers that are only empty pass (the kiosk then takes the exact amount); jammed ones do not', () => {
    const empty = healthy.map((device) => (device.kind === 'coin-hopper' ? { ...device, status: 'error' as const, reasons: ['hopper-empty' as const] } : device));
    expect(preflight({ hub: open, outOfService: false, devices: empty })).toEqual({ ok: true, municipality: '豊中市' });
    const jammed = healthy.map((device) => (device.kind === 'coin-hopper' ? { ...device, status: 'error' as const, reasons: ['hopper-empty' as const, 'jam' as const] } : device));
    expect(preflight({ hub: open, outOfService: false, devices: jammed })).toEqual({
      ok: false,
      problems: [{ kind: 'device', device: 'coin-hopper', status: 'error', reasons: ['hopper-empty', 'jam'] }],
    });
  });
});
