import type { KioskSummary } from '@kiosk/protocols';
import { ManualClock } from '../../test/support/manual-clock';
import { silentLogger } from '../../test/support/silent-logger';
import { strictMock } from '../../test/support/strict-mock';
import type { AlertRepository } from '../repositories/alert.repository';
import type { CommandRepository } from '../repositories/command.repository';
import type { KioskRepository, KioskView } from '../repositories/kiosk.repository';
import type { Scheduler } from '../repositories/scheduler.repository';
import type { StatusRepository } from '../repositories/status.repository';
import type { TelemetryRepository } from '../repositories/telemetry.repository';
import type { WebsocketRepository } from '../repositories/websocket.repository';
import type { Principal } from './access.rules';
import { FleetService } from './fleet.service';

const NOW = '2026-11-26T01:00:00.000Z';
const admin: Principal = { kind: 'token', userId: null, username: 'admin', role: 'administrator', municipality: null, sessionHash: null, expiresAt: null };

function view(kioskId: string, municipality = '豊中市'): KioskView {
  return {
    kiosk: {
      kioskId,
      name: kioskId,
      municipality,
      site: '本庁',
      kind: 'certificate-kiosk',
      publicKey: 'key',
      enrolledAt: NOW,
      createdAt: NOW,
      ackedThroughSeq: 0,
      lastHeartbeatAt: NOW,
      agentVersion: '1',
      status: 'online',
      statusSince: NOW,
    },
    telemetry: null,
    devices: [],
    cashCollection: null,
  };
}

describe('FleetService', () => {
  let kiosks: ReturnType<typeof strictMock<KioskRepository>>;
  let alerts: ReturnType<typeof strictMock<AlertRepository>>;
  let sockets: ReturnType<typeof strictMock<WebsocketRepository>>;
  let deferred: Map<string, () => Promise<void>>;
  let delays: number[];
  let clock: ManualClock;
  let service: FleetService;

  beforeEach(() => {
    kiosks = strictMock<KioskRepository>('KioskRepository');
    alerts = strictMock<AlertRepository>('AlertRepository');
    sockets = strictMock<WebsocketRepository>('WebsocketRepository');
    deferred = new Map();
    delays = [];
    const scheduler: Scheduler = {
      every: () => undefined,
      defer: (name, delayMs, task) => {
        if (deferred.has(name)) return;
        deferred.set(name, task);
        delays.push(delayMs);
      },
      stop: () => undefined,
    };
    clock = new ManualClock(NOW);
    service = new FleetService(
      kiosks,
      alerts,
      strictMock<StatusRepository>('StatusRepository'),
      strictMock<TelemetryRepository>('TelemetryRepository'),
      strictMock<CommandRepository>('CommandRepository'),
      sockets,
      scheduler,
      clock,
      silentLogger(),
    );
    kiosks.listViews.mockResolvedValue([view('kiosk-a0000001'), view('kiosk-b0000002', '吹田市')]);
    alerts.unresolved.mockResolvedValue([]);
    sockets.isOnline.mockReturnValue(true);
    sockets.connections.mockImplementation((ids) =>
      Promise.resolve(new Map(ids.filter((id) => sockets.isOnline(id)).map((id) => [id, { where: 'here' as const, connectedAt: NOW }]))),
    );
    sockets.publishKiosks.mockReturnValue(undefined);
  });

  const summary = (kioskId: string, over: Partial<KioskSummary> = {}): KioskSummary => ({
    kioskId,
    name: kioskId,
    municipality: '豊中市',
    site: '本庁',
    kind: 'certificate-kiosk',
    enrolled: true,
    online: true,
    lastHeartbeatAt: NOW,
    outboxBacklog: null,
    agentVersion: '1',
    outOfService: false,
    devices: [],
    status: 'online',
    statusSince: NOW,
    activeAlerts: [],
    ...over,
  });

  it('reads the fleet once; later overviews and lists follow the evaluations without reading it again', async () => {
    expect((await service.overview(admin)).counts.online).toBe(2);
    service.publishSummary(summary('kiosk-a0000001', { status: 'offline', online: false }));
    await Promise.resolve();
    const overview = await service.overview(admin);
    expect(overview.counts).toMatchObject({ online: 1, offline: 1 });
    expect((await service.overview({ ...admin, municipality: '吹田市' })).total).toBe(1);
    expect((await service.list(admin, { status: 'offline' })).map((k) => k.kioskId)).toEqual(['kiosk-a0000001']);
    expect((await service.list(admin, { limit: 1, after: 'kiosk-a0000001' })).map((k) => k.kioskId)).toEqual(['kiosk-b0000002']);
    expect(kiosks.listViews).toHaveBeenCalledTimes(1);
  });

  it('pushes what changed in one message at most once a second, the latest summary of each kiosk', async () => {
    service.publishSummary(summary('kiosk-a0000001', { status: 'degraded' }));
    service.publishSummary(summary('kiosk-b0000002'));
    service.publishSummary(summary('kiosk-a0000001', { status: 'offline' }));
    expect(sockets.publishKiosks).not.toHaveBeenCalled();
    await deferred.get('console-kiosk-updates')?.();
    expect(sockets.publishKiosks.mock.calls).toEqual([[[summary('kiosk-a0000001', { status: 'offline' }), summary('kiosk-b0000002')]]]);
    expect(delays).toEqual([0]);

    // The next change within the second waits for the rest of it.
    deferred.clear();
    clock.advance(200);
    service.publishSummary(summary('kiosk-b0000002', { status: 'degraded' }));
    expect(delays).toEqual([0, 800]);
    await deferred.get('console-kiosk-updates')?.();

    // A heartbeat alone is not news within 30 s.
    deferred.clear();
    clock.advance(15_000);
    service.publishSummary(summary('kiosk-b0000002', { status: 'degraded', lastHeartbeatAt: clock.now().toISOString() }));
    expect(deferred.size).toBe(0);
  });
});
