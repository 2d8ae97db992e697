/**
 * Fleet status and the alert lifecycle against a real hub, with the hub's clock and scheduler in the
 * test's hands: an alert opens once per occurrence, is acknowledged with a comment, resolves by itself
 * once its condition has stayed clear for the hold time, and a flap within the hold re-uses it. The
 * periodic sweep (not a socket event) takes a silent kiosk offline and raises "offline too long".
 */
import { z } from 'zod';
import { AlertSchema, KioskDetailSchema, type Alert, type DeviceHealth } from '@kiosk/protocols';
import { FLEET_SWEEP } from '../src/services/sweep.service';
import { ConsoleClient } from './support/console-client';
import { ManualClock } from './support/manual-clock';
import { ManualScheduler } from './support/manual-scheduler';
import { TestHub } from './support/test-hub';
import { connectKiosk, enrolKiosk, heartbeat, sendHeartbeat, type AgentClientSocket, type EnrolledKiosk } from './support/agent-client';

const HOLD_MS = 60_000;
const AlertListSchema = z.array(AlertSchema);

function printer(reasons: DeviceHealth['reasons']) {
  return { deviceId: 'receipt-printer', kind: 'receipt-printer' as const, status: reasons.length > 0 ? ('error' as const) : ('ok' as const), reasons };
}

describe('fleet status and alerts', () => {
  const clock = new ManualClock(new Date());
  const scheduler = new ManualScheduler();
  let hub: TestHub;
  let technician: ConsoleClient;
  const agents: AgentClientSocket[] = [];

  beforeAll(async () => {
    hub = await TestHub.start({ overrides: { clock, scheduler } });
    const password = await hub.createUser('tanaka', 'technician', '豊中市');
    technician = await ConsoleClient.connect(hub.url, await hub.login('tanaka', password));
  });

  afterAll(async () => {
    technician.close();
    for (const agent of agents) agent.close();
    await hub.close();
  });

  async function online(kiosk: EnrolledKiosk): Promise<AgentClientSocket> {
    const agent = await connectKiosk(hub.url, kiosk, clock.now());
    agents.push(agent);
    return agent;
  }

  async function alertsOf(kioskId: string, state: 'active' | 'resolved' = 'active'): Promise<Alert[]> {
    const { status, body } = await hub.api('GET', `/api/alerts?kioskId=${kioskId}&state=${state}`);
    expect(status).toBe(200);
    return (body as unknown[]).map((alert) => AlertSchema.parse(alert));
  }

  it('opens one alert per occurrence, takes an acknowledgement, damps a flap, and resolves after the hold', async () => {
    const kiosk = await enrolKiosk(hub);
    const agent = await online(kiosk);
    const isPaperOut = (a: Alert) => a.kioskId === kiosk.kioskId && a.kind === 'paper-out';

    // Paper out, reported again and again: one alert.
    await sendHeartbeat(agent, heartbeat(clock.now(), [printer(['paper-end'])]));
    const opened = await technician.waitFor('alert.updated', isPaperOut);
    expect(opened).toMatchObject({ state: 'open', severity: 'critical', deviceId: 'receipt-printer', municipality: '豊中市', clearedAt: null, flaps: 0 });
    clock.advance(15_000);
    await sendHeartbeat(agent, heartbeat(clock.now(), [printer(['paper-end'])]));
    await sendHeartbeat(agent, heartbeat(clock.now(), [printer(['paper-end'])]));
    expect(await hub.count('SELECT count(*) FROM alerts WHERE kiosk_id = ?', kiosk.kioskId)).toBe(1);
    expect(technician.received('alert.updated', isPaperOut)).toHaveLength(1);
    await technician.waitFor('kiosk.updated', (k) => k.kioskId === kiosk.kioskId && k.status === 'degraded' && (k.activeAlerts ?? []).includes('paper-out'));

    // Acknowledged with a comment, once.
    const ack = await technician.request('alert.ack', { alertId: opened.alertId, comment: '用紙を補充に向かいます' });
    expect(ack).toMatchObject({ ok: true, alert: { alertId: opened.alertId, state: 'acknowledged', acknowledgedBy: 'tanaka', ackComment: '用紙を補充に向かいます' } });
    const again = await technician.request('alert.ack', { alertId: opened.alertId, comment: 'again' });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await hub.count("SELECT count(*) FROM audit_log WHERE action = 'alert.acknowledged' AND target = ? AND actor = 'tanaka'", opened.alertId)).toBe(1);

    // Refilled: clearing, not resolved. Out again within the hold: the same alert goes on (a flap).
    clock.advance(15_000);
    await sendHeartbeat(agent, heartbeat(clock.now(), [printer([])]));
    await technician.waitFor('alert.updated', (a) => a.alertId === opened.alertId && a.clearedAt !== null && a.state === 'acknowledged');
    clock.advance(20_000);
    await sendHeartbeat(agent, heartbeat(clock.now(), [printer(['paper-end'])]));
    const flapped = await technician.waitFor('alert.updated', (a) => a.alertId === opened.alertId && a.flaps === 1);
    expect(flapped).toMatchObject({ state: 'acknowledged', clearedAt: null });
    expect(await hub.count('SELECT count(*) FROM alerts WHERE kiosk_id = ?', kiosk.kioskId)).toBe(1);

    // Clear again; half the hold later the sweep leaves it be, after the hold it resolves it.
    clock.advance(5_000);
    await sendHeartbeat(agent, heartbeat(clock.now(), [printer([])]));
    clock.advance(HOLD_MS / 2);
    await sendHeartbeat(agent, heartbeat(clock.now(), [printer([])]));
    await scheduler.run(FLEET_SWEEP);
    expect(await alertsOf(kiosk.kioskId)).toMatchObject([{ alertId: opened.alertId, state: 'acknowledged' }]);
    clock.advance(HOLD_MS / 2 + 1_000);
    await scheduler.run(FLEET_SWEEP);
    const resolved = await technician.waitFor('alert.updated', (a) => a.alertId === opened.alertId && a.state === 'resolved');
    expect(resolved.resolvedAt).toBe(clock.now().toISOString());
    expect(resolved.acknowledgedBy).toBe('tanaka');
    expect(await alertsOf(kiosk.kioskId)).toEqual([]);
    await technician.waitFor('kiosk.updated', (k) => k.kioskId === kiosk.kioskId && k.status === 'online' && k.activeAlerts?.length === 0);

    // A new occurrence after resolution is a new alert.
    await sendHeartbeat(agent, heartbeat(clock.now(), [printer(['paper-end'])]));
    const second = await technician.waitFor('alert.updated', (a) => isPaperOut(a) && a.alertId !== opened.alertId);
    expect(second.state).toBe('open');
    expect(await alertsOf(kiosk.kioskId, 'resolved')).toMatchObject([{ alertId: opened.alertId }]);
  });

  it('derives near-end, cover, reader, cash and backlog alerts from device reasons and telemetry', async () => {
    const kiosk = await enrolKiosk(hub);
    const agent = await online(kiosk);
    await sendHeartbeat(
      agent,
      heartbeat(
        clock.now(),
        [
          { deviceId: 'doc-printer', kind: 'document-printer', status: 'warning', reasons: ['paper-near-end', 'cover-open'] },
          { deviceId: 'reader', kind: 'card-reader', status: 'missing', reasons: ['not-found'] },
          { deviceId: 'coins', kind: 'coin-acceptor', status: 'warning', reasons: ['cash-box-full'] },
          { deviceId: 'hopper', kind: 'coin-hopper', status: 'error', reasons: ['hopper-empty'] },
        ],
        { backlog: 501 },
      ),
    );
    const active = await alertsOf(kiosk.kioskId);
    expect(active.map((a) => a.kind).sort()).toEqual(['card-reader-missing', 'cash-box-full', 'hopper-empty', 'outbox-backlog', 'paper-near-end', 'printer-cover-open']);

    // Over REST: a viewer may not acknowledge (refused, audited); a technician may.
    const hopper = active.find((a) => a.kind === 'hopper-empty');
    if (!hopper) throw new Error('no hopper alert');
    const viewerToken = await hub.login('sato', await hub.createUser('sato', 'viewer', '豊中市'));
    const refused = await hub.api('POST', `/api/alerts/${hopper.alertId}/ack`, { comment: 'I saw it' }, viewerToken);
    expect(refused).toMatchObject({ status: 403, body: { ok: false, error: { code: 'forbidden' } } });
    expect(await hub.count("SELECT count(*) FROM audit_log WHERE action = 'alert.acknowledged' AND outcome = 'refused' AND actor = 'sato' AND target = ?", hopper.alertId)).toBe(1);
    const techToken = await hub.login('tanaka', 'tanaka-password-1');
    const acknowledged = await hub.api('POST', `/api/alerts/${hopper.alertId}/ack`, { comment: '釣銭を補充します' }, techToken);
    expect(acknowledged).toMatchObject({ status: 200, body: { alertId: hopper.alertId, state: 'acknowledged', acknowledgedBy: 'tanaka' } });
    expect((await hub.api('POST', `/api/alerts/${hopper.alertId}/ack`, { comment: '' }, techToken)).status).toBe(400);
    // Oldest first among the active ones.
    const listed = AlertListSchema.parse((await hub.api('GET', '/api/alerts', undefined, techToken)).body);
    expect(listed.map((a) => a.openedAt)).toEqual([...listed.map((a) => a.openedAt)].sort());
  });

  it('takes a silent kiosk offline on the sweep, raises offline-too-long, and keeps the status history', async () => {
    const kiosk = await enrolKiosk(hub);
    const agent = await online(kiosk);
    await sendHeartbeat(agent, heartbeat(clock.now()));
    await technician.waitFor('kiosk.updated', (k) => k.kioskId === kiosk.kioskId && k.status === 'online');

    // Still connected, but silent: no socket event will say so; the sweep does.
    clock.advance(61_000);
    await scheduler.run(FLEET_SWEEP);
    const wentOffline = clock.now().toISOString();
    await technician.waitFor('kiosk.updated', (k) => k.kioskId === kiosk.kioskId && k.status === 'offline' && k.statusSince === wentOffline);
    expect(await alertsOf(kiosk.kioskId)).toEqual([]);

    clock.advance(5 * 60_000);
    await scheduler.run(FLEET_SWEEP);
    const offlineAlert = await technician.waitFor('alert.updated', (a) => a.kioskId === kiosk.kioskId && a.kind === 'kiosk-offline');
    expect(offlineAlert).toMatchObject({ state: 'open', message: 'offline for 5 min' });

    // Back: online at once, and the alert resolves after the hold.
    await sendHeartbeat(agent, heartbeat(clock.now()));
    const cameBack = clock.now().toISOString();
    await technician.waitFor('kiosk.updated', (k) => k.kioskId === kiosk.kioskId && k.status === 'online' && k.statusSince === cameBack);
    clock.advance(30_000);
    await sendHeartbeat(agent, heartbeat(clock.now()));
    clock.advance(31_000);
    await scheduler.run(FLEET_SWEEP);
    await technician.waitFor('alert.updated', (a) => a.alertId === offlineAlert.alertId && a.state === 'resolved');

    const detail = KioskDetailSchema.parse((await hub.api('GET', `/api/kiosks/${kiosk.kioskId}`)).body);
    expect(detail.statusHistory.slice(0, 3)).toEqual([
      { status: 'online', since: cameBack, until: null },
      { status: 'offline', since: wentOffline, until: cameBack },
      expect.objectContaining({ status: 'online', until: wentOffline }),
    ]);
    expect(detail.telemetry.length).toBeGreaterThanOrEqual(2);
    expect(detail.alerts).toMatchObject([{ alertId: offlineAlert.alertId, state: 'resolved' }]);

    // A disconnect is offline at once, without waiting for the sweep.
    agent.close();
    await technician.waitFor('kiosk.updated', (k) => k.kioskId === kiosk.kioskId && !k.online && k.status === 'offline' && k.statusSince === clock.now().toISOString());
  });

  it('counts the fleet by status for the overview, pushed live', async () => {
    const overview = await technician.request('fleet.overview');
    if (!overview.ok) throw new Error(overview.error.message);
    const { counts, total, municipalities } = overview.overview;
    expect(total).toBe(counts.online + counts.degraded + counts.offline + counts['out-of-service']);
    expect(municipalities.map((m) => m.municipality)).toEqual(['豊中市']);
    expect(technician.received('fleet.overview').length).toBeGreaterThan(0);
  });
});
