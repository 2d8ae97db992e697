/**
 * Telemetry as a time series (sampled, kept for the retention period, pruned by the scheduled job),
 * the kiosk page over the console socket, clock-drift alerts, and `/metrics` in Prometheus format.
 */
import { ConsoleClient } from './support/console-client';
import { ManualClock } from './support/manual-clock';
import { ManualScheduler } from './support/manual-scheduler';
import { TestHub } from './support/test-hub';
import { TELEMETRY_PRUNE } from '../src/services/sweep.service';
import { connectAgent, connectKiosk, enrolKiosk, heartbeat, sendHeartbeat, signedAuth, type AgentClientSocket } from './support/agent-client';
import { generateKeyPairSync } from 'node:crypto';

const DAY_MS = 24 * 3_600_000;

describe('telemetry and metrics', () => {
  const clock = new ManualClock(new Date());
  const scheduler = new ManualScheduler();
  let hub: TestHub;
  let admin: ConsoleClient;
  const agents: AgentClientSocket[] = [];

  beforeAll(async () => {
    hub = await TestHub.start({ overrides: { clock, scheduler } });
    admin = await ConsoleClient.connect(hub.url, hub.hub.adminToken);
  });

  afterAll(async () => {
    admin.close();
    for (const agent of agents) agent.close();
    await hub.close();
  });

  it('keeps one point a minute plus every device change, shows them on the kiosk page, and prunes them after the retention', async () => {
    const kiosk = await enrolKiosk(hub);
    const agent = await connectKiosk(hub.url, kiosk, clock.now());
    agents.push(agent);
    const coin = (status: 'ok' | 'error') => [{ deviceId: 'coin', kind: 'coin-acceptor' as const, status, reasons: status === 'ok' ? [] : (['coin-jam'] as const).slice() }];
    // Heartbeats every 15 s for 150 s, with a jam in the middle: kept are 0 s, 60 s (a minute on), the
    // jam (75 s), its end (90 s), and 150 s (a minute after the last kept one).
    for (let second = 0; second <= 150; second += 15) {
      await sendHeartbeat(agent, heartbeat(clock.now(), coin(second === 75 ? 'error' : 'ok'), { backlog: second }));
      if (second < 150) clock.advance(15_000);
    }
    const points = () => hub.count('SELECT count(*) FROM telemetry_points WHERE kiosk_id = ?', kiosk.kioskId);
    expect(await points()).toBe(5);

    const detail = await admin.request('kiosk.detail', { kioskId: kiosk.kioskId });
    if (!detail.ok) throw new Error(detail.error.message);
    expect(detail.detail.telemetry.map((p) => p.outboxBacklog)).toEqual([0, 60, 75, 90, 150]);
    expect(detail.detail.telemetry[2]).toMatchObject({ devices: [{ deviceId: 'coin', status: 'error', reasons: ['coin-jam'] }], rssBytes: 50_000_000 });
    expect(detail.detail.kiosk).toMatchObject({ kioskId: kiosk.kioskId, status: 'online', online: true });

    // Six days later nothing is old enough; past seven days the job removes them (and says so).
    clock.advance(6 * DAY_MS);
    await scheduler.run(TELEMETRY_PRUNE);
    expect(await points()).toBe(5);
    clock.advance(DAY_MS + 1_000);
    await scheduler.run(TELEMETRY_PRUNE);
    expect(await points()).toBe(0);
    expect(hub.logs.find('telemetry pruned', { points: 5 })).toBeDefined();
    agent.close();
    await admin.waitFor('kiosk.updated', (k) => k.kioskId === kiosk.kioskId && k.status === 'offline');
  });

  it('raises clock drift when a kiosk’s clock is well off the hub’s', async () => {
    const kiosk = await enrolKiosk(hub);
    const agent = await connectKiosk(hub.url, kiosk, clock.now());
    agents.push(agent);
    await sendHeartbeat(agent, heartbeat(new Date(clock.now().getTime() + 45_000)));
    expect(await admin.waitFor('alert.updated', (a) => a.kioskId === kiosk.kioskId && a.kind === 'clock-drift')).toMatchObject({
      state: 'open',
      message: 'kiosk clock ahead by 45 s',
    });
  });

  it('exposes Prometheus metrics: kiosks by status, alerts, events, refusals, commands, process', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const refused = await connectAgent(hub.url, signedAuth('kiosk-nobody00', privateKey, { timestamp: clock.now().getTime() }));
    expect(refused.refusal?.code).toBe('bad_signature');

    const response = await fetch(`${hub.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^hub_kiosks\{status="online"\} 1$/m);
    expect(text).toMatch(/^hub_kiosks\{status="offline"\} 1$/m);
    expect(text).toMatch(/^hub_kiosks\{status="out-of-service"\} 0$/m);
    expect(text).toMatch(/^hub_alerts\{state="open",kind="clock-drift"\} 1$/m);
    expect(text).toMatch(/^hub_handshake_refusals_total\{namespace="agent",code="bad_signature"\} 1$/m);
    expect(text).toMatch(/^hub_telemetry_received_total 12$/m);
    expect(text).toMatch(/^hub_socket_connections\{namespace="console"\} 1$/m);
    expect(text).toMatch(/^hub_commands\{status="queued"\} 0$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).not.toContain('kiosk-');
  });
});
