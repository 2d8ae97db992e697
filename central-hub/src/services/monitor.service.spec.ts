import type { DeviceHealth, Telemetry } from '@kiosk/protocols';
import { parseConfig } from '../config';
import { ManualClock } from '../../test/support/manual-clock';
import { silentLogger } from '../../test/support/silent-logger';
import { strictMock } from '../../test/support/strict-mock';
import type { AlertRecord, AlertRepository } from '../repositories/alert.repository';
import type { KioskRecord, KioskRepository, KioskView } from '../repositories/kiosk.repository';
import type { Random } from '../repositories/random.repository';
import type { StatusRepository } from '../repositories/status.repository';
import type { WebsocketRepository } from '../repositories/websocket.repository';
import type { FleetService } from './fleet.service';
import { MonitorService } from './monitor.service';

const kioskId = 'kiosk-abcd1234';
const NOW = '2026-11-26T01:00:00.000Z';

function view(over: Partial<KioskRecord> = {}, devices: DeviceHealth[] = []): KioskView {
  return {
    kiosk: {
      kioskId,
      name: 'n',
      municipality: '豊中市',
      site: 's',
      kind: 'certificate-kiosk',
      publicKey: 'key',
      enrolledAt: '2026-11-25T00:00:00.000Z',
      createdAt: '2026-11-25T00:00:00.000Z',
      ackedThroughSeq: 0,
      lastHeartbeatAt: '2026-11-26T00:59:50.000Z',
      agentVersion: '1',
      status: 'online',
      statusSince: '2026-11-26T00:00:00.000Z',
      ...over,
    },
    telemetry: null,
    devices,
    cashCollection: null,
  };
}

/** A heartbeat as the kiosk sends it (its clock in step with the hub's). */
function heartbeat(sentAt: string, over: Partial<Telemetry> = {}): Telemetry {
  return {
    sentAt,
    outbox: { backlog: 0, oldestOccurredAt: null, lastSeq: 7 },
    devices: [],
    agent: { version: '1', uptimeSeconds: 100, rssBytes: 50_000_000, outOfService: false },
    ...over,
  };
}

const paperOut: DeviceHealth = { deviceId: 'p1', kind: 'receipt-printer', status: 'error', reasons: ['paper-end'], since: NOW };

function alertRecord(over: Partial<AlertRecord>): AlertRecord {
  return {
    alertId: '019abcde-f012-7345-8678-9abcdef01234',
    kioskId,
    municipality: '豊中市',
    site: 's',
    key: 'paper-out:p1',
    kind: 'paper-out',
    severity: 'critical',
    deviceId: 'p1',
    message: 'm',
    state: 'open',
    openedAt: NOW,
    clearedAt: null,
    flaps: 0,
    acknowledgedAt: null,
    acknowledgedBy: null,
    ackComment: null,
    resolvedAt: null,
    ...over,
  };
}

describe('MonitorService', () => {
  const config = parseConfig({}, { repoRoot: '/r' });
  let clock: ManualClock;
  let kiosks: ReturnType<typeof strictMock<KioskRepository>>;
  let statuses: ReturnType<typeof strictMock<StatusRepository>>;
  let alerts: ReturnType<typeof strictMock<AlertRepository>>;
  let fleet: ReturnType<typeof strictMock<FleetService>>;
  let sockets: ReturnType<typeof strictMock<WebsocketRepository>>;
  let random: ReturnType<typeof strictMock<Random>>;
  let service: MonitorService;

  beforeEach(() => {
    clock = new ManualClock(NOW);
    kiosks = strictMock<KioskRepository>('KioskRepository');
    statuses = strictMock<StatusRepository>('StatusRepository');
    alerts = strictMock<AlertRepository>('AlertRepository');
    fleet = strictMock<FleetService>('FleetService');
    sockets = strictMock<WebsocketRepository>('WebsocketRepository');
    random = strictMock<Random>('Random');
    service = new MonitorService(kiosks, statuses, alerts, fleet, sockets, clock, random, config, silentLogger());
    sockets.connectedAt.mockReturnValue('2026-11-26T00:30:00.000Z');
    // The connections the tests' isOnline / connectedAt stubs describe (all on this process).
    sockets.connections.mockImplementation((ids) =>
      Promise.resolve(new Map(ids.filter((id) => sockets.isOnline(id)).map((id) => [id, { where: 'here' as const, connectedAt: sockets.connectedAt(id) ?? '' }]))),
    );
    fleet.publishSummary.mockReturnValue(undefined);
    fleet.alertChanged.mockReturnValue(undefined);
  });

  it('writes nothing and pushes only the (throttled) summary when nothing changed', async () => {
    kiosks.findView.mockResolvedValue(view());
    alerts.unresolved.mockResolvedValue([]);
    sockets.isOnline.mockReturnValue(true);
    await service.evaluate(kioskId);
    expect(statuses.transition).not.toHaveBeenCalled();
    expect(alerts.apply).not.toHaveBeenCalled();
    expect(fleet.publishSummary).toHaveBeenCalledWith(expect.objectContaining({ kioskId, status: 'online', online: true, activeAlerts: [] }));
  });

  it('records a status transition and opens an alert for a device condition, then pushes them', async () => {
    kiosks.findView.mockResolvedValue(view({}, [paperOut]));
    alerts.unresolved.mockResolvedValue([]);
    sockets.isOnline.mockReturnValue(true);
    statuses.transition.mockResolvedValue([]);
    random.uuidv7.mockReturnValue('019abcde-f012-7345-8678-9abcdef01234');
    const opened = alertRecord({});
    alerts.apply.mockResolvedValue([opened]);
    sockets.publishAlert.mockReturnValue(undefined);
    fleet.requestOverviewPush.mockReturnValue(undefined);

    await service.evaluate(kioskId);
    expect(statuses.transition).toHaveBeenCalledWith([{ kioskId, from: { status: 'online', since: '2026-11-26T00:00:00.000Z' }, status: 'degraded', at: NOW }]);
    expect(alerts.apply).toHaveBeenCalledWith(
      { open: [expect.objectContaining({ alertId: opened.alertId, kioskId, key: 'paper-out:p1', kind: 'paper-out' })], clear: [], reactivate: [], resolve: [] },
      NOW,
    );
    expect(sockets.publishAlert).toHaveBeenCalledWith(expect.not.objectContaining({ key: expect.anything() as unknown }));
    expect(sockets.publishAlert).toHaveBeenCalledWith(expect.objectContaining({ alertId: opened.alertId }));
    expect(fleet.requestOverviewPush).toHaveBeenCalled();
    expect(fleet.publishSummary).toHaveBeenCalledWith(
      expect.objectContaining({ kioskId, status: 'degraded', statusSince: NOW, activeAlerts: ['paper-out'] }),
    );
  });

  it('sweeps the fleet: a connected but silent kiosk goes offline, and only it is pushed', async () => {
    const silent = view({ lastHeartbeatAt: '2026-11-26T00:58:00.000Z' });
    const other = view({ kioskId: 'kiosk-other123', status: 'offline', statusSince: NOW, publicKey: 'k' });
    sockets.connectedAt.mockReturnValue(undefined);
    kiosks.listViews.mockResolvedValue([silent, other]);
    alerts.unresolved.mockResolvedValue([]);
    sockets.isOnline.mockImplementation((id) => id === kioskId);
    statuses.transition.mockResolvedValue([]);
    fleet.requestOverviewPush.mockReturnValue(undefined);

    await service.sweep();
    expect(statuses.transition).toHaveBeenCalledWith([{ kioskId, from: { status: 'online', since: '2026-11-26T00:00:00.000Z' }, status: 'offline', at: NOW }]);
    expect(fleet.publishSummary.mock.calls.map(([summary]) => [summary.kioskId, summary.status])).toEqual([[kioskId, 'offline']]);
  });

  it('after the first sweep, sweeps only the kiosks whose deadline has come, without reading the fleet', async () => {
    const silent = view({ lastHeartbeatAt: '2026-11-26T00:59:50.000Z' });
    const away = view({ kioskId: 'kiosk-other123', status: 'offline', statusSince: NOW });
    sockets.connectedAt.mockReturnValue(undefined);
    sockets.isOnline.mockImplementation((id) => id === kioskId);
    kiosks.listViews.mockResolvedValue([silent, away]);
    alerts.unresolved.mockResolvedValue([]);
    statuses.transition.mockResolvedValue([]);
    fleet.requestOverviewPush.mockReturnValue(undefined);
    await service.sweep();
    expect(statuses.transition).not.toHaveBeenCalled();

    // Nothing is due yet: nothing is read.
    kiosks.listViews.mockClear();
    clock.advance(1_000);
    await service.sweep();
    expect(kiosks.findView).not.toHaveBeenCalled();

    // The connected kiosk's silence passes offlineAfterMs: only it is read, and it goes offline.
    clock.advance(Date.parse(silent.kiosk.lastHeartbeatAt as string) + config.fleet.offlineAfterMs + 1 - clock.now().getTime());
    kiosks.findView.mockResolvedValue(silent);
    await service.sweep();
    expect(kiosks.listViews).not.toHaveBeenCalled();
    expect(kiosks.findView.mock.calls).toEqual([[kioskId]]);
    expect(statuses.transition).toHaveBeenCalledWith([
      { kioskId, from: { status: 'online', since: '2026-11-26T00:00:00.000Z' }, status: 'offline', at: clock.now().toISOString() },
    ]);
  });

  it('resolves an alert once its condition has stayed clear for the hold time', async () => {
    const clearing = alertRecord({ clearedAt: new Date(Date.parse(NOW) - config.fleet.alerts.resolveHoldMs).toISOString() });
    kiosks.listViews.mockResolvedValue([view()]);
    alerts.unresolved.mockResolvedValue([clearing]);
    sockets.isOnline.mockReturnValue(true);
    alerts.apply.mockResolvedValue([{ ...clearing, state: 'resolved', resolvedAt: NOW }]);
    sockets.publishAlert.mockReturnValue(undefined);
    fleet.requestOverviewPush.mockReturnValue(undefined);

    await service.sweep();
    expect(alerts.apply).toHaveBeenCalledWith({ open: [], clear: [], reactivate: [], resolve: [clearing.alertId] }, NOW);
    expect(sockets.publishAlert).toHaveBeenCalledWith(expect.objectContaining({ state: 'resolved' }));
    expect(fleet.publishSummary).toHaveBeenCalledWith(expect.objectContaining({ kioskId, activeAlerts: [] }));
  });

  it('runs evaluations one at a time, so two cannot both open the same alert', async () => {
    const order: string[] = [];
    kiosks.findView.mockImplementation(async () => {
      order.push('read');
      await new Promise((resolve) => setTimeout(resolve, 5));
      return view();
    });
    alerts.unresolved.mockResolvedValue([]);
    sockets.isOnline.mockReturnValue(true);
    fleet.publishSummary.mockImplementation(() => {
      order.push('publish');
    });
    await Promise.all([service.evaluate(kioskId), service.evaluate(kioskId)]);
    expect(order).toEqual(['read', 'publish', 'read', 'publish']);
  });

  it('drops a stale evaluation (another process wrote the status meanwhile) and evaluates the kiosk again from the stored row', async () => {
    // This process read "online"; another process has since written "degraded" with the paper-out alert.
    const written = alertRecord({});
    kiosks.findView.mockResolvedValueOnce(view({}, [paperOut])).mockResolvedValueOnce(view({ status: 'degraded', statusSince: NOW }, [paperOut]));
    alerts.unresolved.mockResolvedValueOnce([]).mockResolvedValueOnce([written]);
    sockets.isOnline.mockReturnValue(true);
    statuses.transition.mockResolvedValue([kioskId]);
    random.uuidv7.mockReturnValue('019abcde-f012-7345-8678-aaaaaaaaaaaa');

    await service.evaluate(kioskId);
    // One compare-and-set, refused; the alert this evaluation planned is not opened, its summary not pushed.
    expect(statuses.transition).toHaveBeenCalledTimes(1);
    expect(alerts.apply).not.toHaveBeenCalled();
    // The second evaluation reads what the other process wrote, and finds nothing to change.
    expect(kiosks.findView).toHaveBeenCalledTimes(2);
    expect(fleet.publishSummary.mock.calls.map(([summary]) => [summary.status, summary.activeAlerts])).toEqual([['degraded', ['paper-out']]]);
  });
  describe('heartbeats of a quiet kiosk (issue 12)', () => {
    beforeEach(() => {
      kiosks.findView.mockImplementation(() => Promise.resolve(view({ lastHeartbeatAt: clock.now().toISOString() })));
      alerts.unresolved.mockResolvedValue([]);
      sockets.isOnline.mockReturnValue(true);
    });

    /** Advances the clock by one heartbeat interval and sends one more heartbeat; resolves with it. */
    async function nextHeartbeat(over: Partial<Telemetry> = {}): Promise<string> {
      clock.advance(15_000);
      const at = clock.now().toISOString();
      await service.heartbeat(kioskId, heartbeat(at, over), at);
      return at;
    }

    it('reads the kiosk once; later heartbeats that repeat it refresh its summary and deadline without reading it', async () => {
      kiosks.listViews.mockResolvedValue([]);
      await service.sweep(); // the first sweep after a start indexes the fleet's deadlines
      await nextHeartbeat();
      expect(kiosks.findView).toHaveBeenCalledTimes(1);
      const second = await nextHeartbeat();
      const third = await nextHeartbeat();
      expect(kiosks.findView).toHaveBeenCalledTimes(1);
      expect(alerts.unresolved.mock.calls.filter(([id]) => id === kioskId)).toHaveLength(1);
      expect(fleet.publishSummary.mock.calls.map(([summary]) => summary.lastHeartbeatAt)).toEqual([expect.any(String), second, third]);
      expect(fleet.publishSummary).toHaveBeenLastCalledWith(expect.objectContaining({ kioskId, status: 'online', online: true, activeAlerts: [] }));

      // Silence: nothing is due before the deadline the last heartbeat set, and at it the kiosk is read again.
      clock.advance(config.fleet.offlineAfterMs);
      await service.sweep();
      expect(kiosks.findView).toHaveBeenCalledTimes(1);
      clock.advance(1);
      kiosks.findView.mockResolvedValue(view({ lastHeartbeatAt: third }));
      statuses.transition.mockResolvedValue([]);
      fleet.requestOverviewPush.mockReturnValue(undefined);
      await service.sweep();
      expect(kiosks.findView).toHaveBeenCalledTimes(2);
      expect(statuses.transition).toHaveBeenCalledWith([expect.objectContaining({ kioskId, status: 'offline' })]);
    });

    it('is read again when the heartbeat differs from what it read: a device changed, the clock drifted, the service flag', async () => {
      await nextHeartbeat();
      await nextHeartbeat({ devices: [{ ...paperOut, status: 'ok', reasons: [] }] });
      expect(kiosks.findView).toHaveBeenCalledTimes(2);
      clock.advance(15_000);
      const at = clock.now().toISOString();
      const drifted = new Date(Date.parse(at) + config.fleet.alerts.clockDriftMs + 1).toISOString();
      await service.heartbeat(kioskId, heartbeat(drifted, { devices: [{ ...paperOut, status: 'ok', reasons: [] }] }), at);
      expect(kiosks.findView).toHaveBeenCalledTimes(3);
      await nextHeartbeat({ agent: { version: '1', uptimeSeconds: 1, rssBytes: 1, outOfService: true } });
      expect(kiosks.findView).toHaveBeenCalledTimes(4);
    });

    it('is read again after anything else asked for its evaluation, and at least every few minutes', async () => {
      await nextHeartbeat();
      await service.evaluate(kioskId); // a device event, a disconnect, a settled collection…
      await nextHeartbeat();
      expect(kiosks.findView).toHaveBeenCalledTimes(3);
      await nextHeartbeat();
      expect(kiosks.findView).toHaveBeenCalledTimes(3);
      for (let i = 0; i < 20; i++) await nextHeartbeat(); // five minutes of identical heartbeats
      expect(kiosks.findView.mock.calls.length).toBeGreaterThanOrEqual(4);
      expect(kiosks.findView.mock.calls.length).toBeLessThanOrEqual(5);
    });

    it('a kiosk with an unresolved alert is never quiet: each heartbeat is evaluated', async () => {
      alerts.unresolved.mockResolvedValue([alertRecord({ state: 'acknowledged' })]);
      kiosks.findView.mockImplementation(() => Promise.resolve(view({ lastHeartbeatAt: clock.now().toISOString() }, [paperOut])));
      statuses.transition.mockResolvedValue([]);
      fleet.requestOverviewPush.mockReturnValue(undefined);
      await nextHeartbeat({ devices: [paperOut] });
      await nextHeartbeat({ devices: [paperOut] });
      expect(kiosks.findView).toHaveBeenCalledTimes(2);
    });
  });
});
