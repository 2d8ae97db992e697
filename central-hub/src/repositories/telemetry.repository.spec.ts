import { TelemetrySchema, type Telemetry } from '@kiosk/protocols';
import { openTestStore } from '../../test/support/test-store';
import type { HubStore } from '../storage/hub-store';
import { KyselyTelemetryRepository } from './telemetry.repository';

/** Heartbeats against a real store (the run's engine): the latest row, the device snapshot, the series. */
describe('KyselyTelemetryRepository', () => {
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let store: HubStore;
  let repository: KyselyTelemetryRepository;
  const kioskId = 'kiosk-abcd1234';

  beforeEach(async () => {
    opened = await openTestStore();
    store = opened.store;
    repository = new KyselyTelemetryRepository(store);
    await store.db
      .insertInto('kiosks')
      .values({ kiosk_id: kioskId, name: 'n', municipality: 'm', site: 's', kind: 'certificate-kiosk', created_at: '2026-11-26T00:00:00.000Z' })
      .execute();
  });

  afterEach(() => opened.close());

  const heartbeat = (sentAt: string, status: 'ok' | 'error', activity?: Telemetry['activity']): Telemetry =>
    TelemetrySchema.parse({
      sentAt,
      outbox: { backlog: 2, oldestOccurredAt: null, lastSeq: 7, quarantined: 1 },
      devices: [{ deviceId: 'printer', kind: 'receipt-printer', status, reasons: [], since: sentAt }],
      agent: { version: '1.2.3', uptimeSeconds: 12.5, rssBytes: 1000, outOfService: status === 'error' },
      ...(activity ? { activity } : {}),
    });
  const activity = { windowSeconds: 60, cardReads: 1, receiptPrints: 0, documentPrints: 0, transactions: 1, cashBox: null };

  it('keeps the latest heartbeat, the device snapshot and the kiosk’s last heartbeat; a point only when asked', async () => {
    await repository.record(kioskId, heartbeat('2026-11-26T00:00:00.000Z', 'ok', activity), '2026-11-26T00:00:01.000Z', true);
    await repository.record(kioskId, heartbeat('2026-11-26T00:00:15.000Z', 'error'), '2026-11-26T00:00:16.000Z', false);
    expect(await store.db.selectFrom('kiosk_telemetry').select(['sent_at', 'outbox_quarantined', 'uptime_seconds', 'out_of_service']).execute()).toEqual([
      { sent_at: '2026-11-26T00:00:15.000Z', outbox_quarantined: 1, uptime_seconds: 12.5, out_of_service: 1 },
    ]);
    expect(await store.db.selectFrom('kiosks').select(['last_heartbeat_at', 'agent_version']).executeTakeFirst()).toEqual({
      last_heartbeat_at: '2026-11-26T00:00:16.000Z',
      agent_version: '1.2.3',
    });
    expect((await store.db.selectFrom('device_health').select('status').executeTakeFirst())?.status).toBe('error');
    expect(await repository.recent(kioskId, '2026-11-26T00:00:00.000Z', 10)).toEqual([
      {
        at: '2026-11-26T00:00:01.000Z',
        sentAt: '2026-11-26T00:00:00.000Z',
        outboxBacklog: 2,
        outboxOldestOccurredAt: null,
        quarantined: 1,
        rssBytes: 1000,
        uptimeSeconds: 12.5,
        outOfService: false,
        devices: [{ deviceId: 'printer', kind: 'receipt-printer', status: 'ok', reasons: [] }],
        activity,
      },
    ]);
  });

  it('serves the newest points since an instant, oldest first, and prunes the old ones', async () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 0, minute)).toISOString();
    for (let minute = 0; minute < 6; minute++) await repository.record(kioskId, heartbeat(at(minute), 'ok'), at(minute), true);
    expect((await repository.recent(kioskId, at(1), 3)).map((point) => point.at)).toEqual([at(3), at(4), at(5)]);
    expect(await repository.prune(at(4))).toBe(4);
    expect((await repository.recent(kioskId, at(0), 10)).map((point) => point.at)).toEqual([at(4), at(5)]);
  });

  it('prunes more points than one step deletes, points sharing an instant included', async () => {
    const point = (index: number) => ({
      kiosk_id: kioskId,
      // Pairs of points share an instant, so a step's cut may fall between two of them.
      at: new Date(Date.UTC(2026, 10, 1) + Math.floor(index / 2) * 1000).toISOString(),
      sent_at: 'x',
      outbox_backlog: 0,
      rss_bytes: 0,
      uptime_seconds: 0,
      out_of_service: 0,
      devices_json: '[]',
    });
    for (let start = 0; start < 12_001; start += 1000) {
      const count = Math.min(1000, 12_001 - start);
      await store.db
        .insertInto('telemetry_points')
        .values(Array.from({ length: count }, (_, offset) => point(start + offset)))
        .execute();
    }
    const kept = point(12_000).at;
    expect(await repository.prune(kept)).toBe(12_000);
    expect((await repository.recent(kioskId, '2026-01-01T00:00:00.000Z', 10)).map((p) => p.at)).toEqual([kept]);
  });
  it('reads the kiosk’s device changes from its stored events since an instant, oldest first, the newest `limit`', async () => {
    const change = (seq: number, second: number, status: 'ok' | 'error') => ({
      kiosk_id: kioskId,
      event_id: `0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a${String(seq).padStart(2, '0')}`,
      seq,
      type: 'device.health.changed',
      occurred_at: `2026-11-26T00:00:${String(second).padStart(2, '0')}.000Z`,
      payload_json: JSON.stringify({ deviceId: 'printer', kind: 'receipt-printer', status, reasons: status === 'ok' ? [] : ['paper-end'], since: `2026-11-26T00:00:${String(second).padStart(2, '0')}.000Z` }),
      received_at: '2026-11-26T00:01:00.000Z',
    });
    await store.db
      .insertInto('events')
      .values([
        change(1, 5, 'error'),
        change(2, 10, 'ok'),
        { ...change(3, 12, 'ok'), type: 'agent.started', payload_json: JSON.stringify({ agentVersion: '1.2.3' }) },
        change(4, 37, 'error'),
        change(5, 41, 'ok'),
      ])
      .execute();
    const statuses = (changes: Awaited<ReturnType<KyselyTelemetryRepository['deviceChanges']>>) => changes.map((d) => `${d.since.slice(17, 19)} ${d.status}`);
    expect(statuses(await repository.deviceChanges(kioskId, '2026-11-26T00:00:08.000Z', 10))).toEqual(['10 ok', '37 error', '41 ok']);
    expect(statuses(await repository.deviceChanges(kioskId, '2026-11-26T00:00:00.000Z', 2))).toEqual(['37 error', '41 ok']);
    expect(await repository.deviceChanges('kiosk-other123', '2026-11-26T00:00:00.000Z', 10)).toEqual([]);
  });
});
