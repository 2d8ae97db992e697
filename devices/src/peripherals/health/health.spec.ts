import type { DeviceHealth } from '@kiosk/protocols';
import { HealthTracker, deriveStatus, normaliseReasons } from './health';

describe('deriveStatus', () => {
  it('ranks missing over error over warning over ok', () => {
    expect(deriveStatus([])).toBe('ok');
    expect(deriveStatus(['paper-near-end'])).toBe('warning');
    expect(deriveStatus(['paper-near-end', 'cover-open'])).toBe('error');
    expect(deriveStatus(['cover-open', 'disconnected'])).toBe('missing');
    expect(deriveStatus(['lost-credit'])).toBe('error');
  });
});

describe('normaliseReasons', () => {
  it('deduplicates and orders by the schema', () => {
    expect(normaliseReasons(['jam', 'paper-end', 'jam'])).toEqual(['paper-end', 'jam']);
  });
});

describe('HealthTracker', () => {
  let now = new Date('2026-11-26T01:00:00.000Z');
  const clock = { now: () => now };

  it('starts not-found and emits only on status or reason changes', () => {
    const tracker = new HealthTracker('printer-1', 'receipt-printer', clock);
    expect(tracker.health()).toMatchObject({ status: 'missing', reasons: ['not-found'] });
    const seen: DeviceHealth[] = [];
    tracker.onChange((health) => seen.push(health));

    expect(tracker.update([])).toBe(true);
    now = new Date('2026-11-26T01:00:05.000Z');
    expect(tracker.update([])).toBe(false);
    expect(tracker.update(['paper-near-end'])).toBe(true);
    expect(tracker.update(['paper-near-end'], { detail: 'roll low' })).toBe(false);
    expect(tracker.health().detail).toBe('roll low');

    expect(seen.map((health) => health.status)).toEqual(['ok', 'warning']);
    expect(seen[1]?.since).toBe('2026-11-26T01:00:05.000Z');
  });

  it('keeps working when a listener throws', () => {
    const tracker = new HealthTracker('coins', 'coin-acceptor', clock);
    tracker.onChange(() => {
      throw new Error('listener bug');
    });
    const seen: string[] = [];
    tracker.onChange((health) => seen.push(health.status));
    expect(tracker.update(['coin-jam'])).toBe(true);
    expect(seen).toEqual(['error']);
  });

  it('accepts an explicit status and unsubscribes', () => {
    const tracker = new HealthTracker('a4', 'document-printer', clock);
    const seen: string[] = [];
    const off = tracker.onChange((health) => seen.push(health.status));
    tracker.update(['media-empty'], { status: 'warning' });
    off();
    tracker.update([]);
    expect(seen).toEqual(['warning']);
    expect(tracker.health().status).toBe('ok');
  });
});
