import type { DeviceHealth, KioskSummary } from '@kiosk/protocols';
import { applySnapshot, summarizeDevices, upsertKiosk } from './fleet';
import { kiosk } from './spec-fixtures';

function device(kind: DeviceHealth['kind'], status: DeviceHealth['status']): DeviceHealth {
  return { deviceId: `${kind}-1`, kind, status, reasons: [], since: '2024-06-01T12:00:00Z' };
}

describe('upsertKiosk', () => {
  it('adds a new kiosk in sorted position without mutating the list', () => {
    const list = [kiosk('kiosk-a', { site: 'A' }), kiosk('kiosk-c', { site: 'C' })];
    const next = upsertKiosk(list, kiosk('kiosk-b', { site: 'B' }));
    expect(next.map((k) => k.kioskId)).toEqual(['kiosk-a', 'kiosk-b', 'kiosk-c']);
    expect(list).toHaveLength(2);
  });

  it('replaces the kiosk with the same id', () => {
    const list = [kiosk('kiosk-a'), kiosk('kiosk-b')];
    const next = upsertKiosk(list, kiosk('kiosk-a', { online: false, outboxBacklog: 12 }));
    expect(next).toHaveLength(2);
    expect(next.find((k) => k.kioskId === 'kiosk-a')).toMatchObject({ online: false, outboxBacklog: 12 });
  });

  it('sorts by municipality, site, name, then id', () => {
    const list = [
      kiosk('kiosk-4', { site: 'Z' }),
      kiosk('kiosk-3', { municipality: 'Abiko' }),
      kiosk('kiosk-2', { name: 'B' }),
      kiosk('kiosk-1', { name: 'A' }),
      kiosk('kiosk-0', { name: 'A' }),
    ].reduce<KioskSummary[]>(upsertKiosk, []);
    // Latin sorts before kana/kanji, so 'Abiko' and 'Z' come first within their level.
    expect(list.map((k) => k.kioskId)).toEqual(['kiosk-3', 'kiosk-4', 'kiosk-0', 'kiosk-1', 'kiosk-2']);
  });
});

describe('applySnapshot', () => {
  it('lets updates that arrived during the fetch win over the snapshot', () => {
    const snapshot = [kiosk('kiosk-a', { online: true }), kiosk('kiosk-b')];
    const result = applySnapshot(snapshot, [kiosk('kiosk-a', { online: false }), kiosk('kiosk-new')]);
    expect(result.map((k) => k.kioskId).sort()).toEqual(['kiosk-a', 'kiosk-b', 'kiosk-new']);
    expect(result.find((k) => k.kioskId === 'kiosk-a')?.online).toBe(false);
  });

  it('keeps one row per kiosk id', () => {
    expect(applySnapshot([kiosk('kiosk-a'), kiosk('kiosk-a', { name: 'later' })], [])).toEqual([
      kiosk('kiosk-a', { name: 'later' }),
    ]);
  });
});

describe('summarizeDevices', () => {
  it('says when there is no device data', () => {
    expect(summarizeDevices([])).toEqual({ kind: 'none' });
  });

  it('counts devices when all are OK', () => {
    expect(summarizeDevices([device('card-reader', 'ok'), device('pin-pad', 'ok')])).toEqual({ kind: 'all-ok', count: 2 });
  });

  it('lists only the devices that are not OK, worst first', () => {
    expect(
      summarizeDevices([
        device('receipt-printer', 'warning'),
        device('card-reader', 'ok'),
        device('coin-hopper', 'missing'),
        device('document-printer', 'error'),
      ]),
    ).toEqual({
      kind: 'issues',
      issues: [
        { kind: 'document-printer', status: 'error' },
        { kind: 'coin-hopper', status: 'missing' },
        { kind: 'receipt-printer', status: 'warning' },
      ],
    });
  });
});
