/**
 * Two hub processes on one PostgreSQL database and one Redis (issue 14), as two real hubs in this test
 * process, each with its own HTTP and socket.io server: socket.io travels between them through the
 * Redis Streams adapter and kiosk presence is a lease in Redis. A kiosk connected to B receives a
 * command queued through A's REST and its receipt comes back to A; a console on A sees B's kiosks
 * change; A's sweep never judges B's kiosks (or a crashed process's, while their lease lasts) offline.
 *
 * Runs in the PostgreSQL pass of the hub suite (several processes need a shared server database), with
 * the Redis on loopback (scripts/ensure-redis.sh); every hub pair has its own key prefix, removed after.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { v7 as uuidv7 } from 'uuid';
import { AlertSchema, KioskDetailSchema, OutboxEventSchema, PROTOCOL_VERSION, type DeviceHealth, type HubCommand } from '@kiosk/protocols';
import type { RedisConfig } from '../src/config';
import type { CommandView } from '../src/dtos/command.dto';
import { FLEET_SWEEP } from '../src/services/sweep.service';
import { encodeLease } from '../src/services/presence.rules';
import { waitUntil } from '../../test/support/processes';
import { ConsoleClient } from './support/console-client';
import { ManualClock } from './support/manual-clock';
import { ManualScheduler } from './support/manual-scheduler';
import { TEST_ENGINE } from './support/test-store';
import { TestHub } from './support/test-hub';
import { deleteKeysUnder } from './support/redis-keys';
import { connectAgent, enrolKiosk, heartbeat, sendHeartbeat, signedAuth, type AgentClientSocket, type EnrolledKiosk } from './support/agent-client';

const REDIS_URL = process.env.HUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const describeOnPostgres = TEST_ENGINE === 'postgres' ? describe : describe.skip;

function printer(reasons: DeviceHealth['reasons']) {
  return { deviceId: 'receipt-printer', kind: 'receipt-printer' as const, status: reasons.length > 0 ? ('error' as const) : ('ok' as const), reasons };
}

/** Polls `probe` until it holds (each step waits on I/O, never on a fixed delay); fails after 10 s. */
function eventually(what: string, probe: () => Promise<boolean>): Promise<void> {
  return waitUntil(what, probe, 10_000, 20);
}

describeOnPostgres('two hub processes on one PostgreSQL and one Redis', () => {
  const clock = new ManualClock(new Date());
  const schedulerA = new ManualScheduler();
  const schedulerB = new ManualScheduler();
  const redis: RedisConfig = { url: REDIS_URL, keyPrefix: `hub-test:${process.pid}:${randomUUID()}:` };
  const inspector = createClient({ url: REDIS_URL });
  let a: TestHub;
  let b: TestHub;
  let technicianOnA: ConsoleClient;
  const agents: AgentClientSocket[] = [];

  beforeAll(async () => {
    await inspector.connect();
    a = await TestHub.start({ config: { redis }, overrides: { clock, scheduler: schedulerA } });
    // B on A's database (the test hub B makes a database of its own too, which stays unused).
    b = await TestHub.start({ config: { redis, database: a.database }, overrides: { clock, scheduler: schedulerB } });
    const password = await a.createUser('tanaka', 'technician', '豊中市');
    technicianOnA = await ConsoleClient.connect(a.url, await a.login('tanaka', password));
  });

  afterAll(async () => {
    technicianOnA?.close();
    for (const agent of agents) agent.close();
    await b?.close();
    await a?.close();
    // Everything these two hubs wrote in Redis: leases, the adapter's stream.
    await deleteKeysUnder(inspector, redis.keyPrefix);
    inspector.destroy();
  });

  /** Connects the kiosk to `hub` as its agent does, answering every command with an ok receipt. */
  async function connectTo(hub: TestHub, kiosk: EnrolledKiosk, received: HubCommand[] = []): Promise<AgentClientSocket> {
    const { socket, refusal } = await connectAgent(hub.url, signedAuth(kiosk.kioskId, kiosk.privateKey, { timestamp: clock.now().getTime() }), (s) => {
      s.on('command', (command, ack) => {
        received.push(command);
        ack({ ok: true, duplicate: false });
      });
    });
    if (refusal) throw new Error(`handshake refused: ${refusal.code}`);
    agents.push(socket);
    await socket.timeout(5000).emitWithAck('hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '1.0.0' });
    return socket;
  }

  /**
   * Enrols through A and waits until A has evaluated the new kiosk (its first status row): otherwise
   * that evaluation could still be running when the kiosk connects to B.
   */
  async function enrol(): Promise<EnrolledKiosk> {
    const kiosk = await enrolKiosk(a);
    await eventually('A evaluated the enrolled kiosk', async () => (await a.count('SELECT count(*) FROM kiosk_status_history WHERE kiosk_id = ?', kiosk.kioskId)) > 0);
    return kiosk;
  }

  async function commandOn(hub: TestHub, kioskId: string, commandId: string): Promise<CommandView | undefined> {
    const { body } = await hub.api('GET', `/api/kiosks/${kioskId}/commands`);
    return (body as CommandView[]).find((c) => c.commandId === commandId);
  }

  async function detailOn(hub: TestHub, kioskId: string) {
    const { status, body } = await hub.api('GET', `/api/kiosks/${kioskId}`);
    expect(status).toBe(200);
    return KioskDetailSchema.parse(body);
  }

  it('delivers a command queued through A to the kiosk connected to B, and A sees its receipt and result', async () => {
    const kiosk = await enrol();
    const received: HubCommand[] = [];
    const agent = await connectTo(b, kiosk, received);
    // A knows the kiosk is connected (to B) before anything is sent.
    expect((await detailOn(a, kiosk.kioskId)).kiosk).toMatchObject({ online: true });

    const created = await a.api('POST', `/api/kiosks/${kiosk.kioskId}/commands`, { type: 'service.set', params: { inService: false, reason: 'maintenance' } });
    expect(created.status).toBe(201);
    const { commandId } = created.body as { commandId: string };
    await eventually('the kiosk on B receives the command', () => Promise.resolve(received.some((c) => c.commandId === commandId)));
    await eventually('A records the receipt', async () => (await commandOn(a, kiosk.kioskId, commandId))?.status === 'delivered');
    expect(received.filter((c) => c.commandId === commandId)).toHaveLength(1);

    // The result goes to B (the kiosk's process) as an outbox event; A's REST and A's console see it.
    const result = OutboxEventSchema.parse({
      id: uuidv7(),
      kioskId: kiosk.kioskId,
      seq: 1,
      occurredAt: clock.now().toISOString(),
      type: 'command.result',
      payload: { commandId, status: 'succeeded', detail: 'out of service' },
    });
    expect(await agent.timeout(5000).emitWithAck('events', { events: [result] })).toMatchObject({ ok: true, stored: 1 });
    expect(await commandOn(a, kiosk.kioskId, commandId)).toMatchObject({ status: 'succeeded', detail: 'out of service' });
    await technicianOnA.waitFor('command.updated', (c) => c.commandId === commandId && c.status === 'delivered');
    await technicianOnA.waitFor('command.updated', (c) => c.commandId === commandId && c.status === 'succeeded');
    expect(await a.count("SELECT count(*) FROM audit_log WHERE action = 'command.delivered' AND target = ?", commandId)).toBe(1);
  });

  it("pushes a kiosk on B's status and alerts to a console on A", async () => {
    const kiosk = await enrol();
    const agent = await connectTo(b, kiosk);
    await sendHeartbeat(agent, heartbeat(clock.now(), [printer(['paper-end'])]));
    await technicianOnA.waitFor('kiosk.updated', (k) => k.kioskId === kiosk.kioskId && k.online && k.status === 'degraded' && (k.activeAlerts ?? []).includes('paper-out'));
    const alert = AlertSchema.parse(await technicianOnA.waitFor('alert.updated', (x) => x.kioskId === kiosk.kioskId && x.kind === 'paper-out'));
    expect(alert).toMatchObject({ state: 'open', municipality: '豊中市' });
    expect(await a.count("SELECT count(*) FROM alerts WHERE kiosk_id = ? AND kind = 'paper-out'", kiosk.kioskId)).toBe(1);
    // A's own fleet index (its REST list, its consoles' overview) has learnt of it from B too.
    await eventually("A's kiosk list shows the kiosk degraded", async () => {
      const { body } = await a.api('GET', '/api/kiosks');
      return (body as { kioskId: string; status: string }[]).some((k) => k.kioskId === kiosk.kioskId && k.status === 'degraded');
    });
    await technicianOnA.waitFor('fleet.overview', (overview) => (overview.counts.degraded ?? 0) >= 1);
    const answer = await technicianOnA.request('fleet.overview');
    if (!answer.ok) throw new Error(answer.error.code);
    expect(answer.overview.counts.degraded).toBeGreaterThanOrEqual(1);
  });

  it('closes the older connection on A when the kiosk connects again through B, and delivers to the new one', async () => {
    const kiosk = await enrol();
    const onA: HubCommand[] = [];
    const first = await connectTo(a, kiosk, onA);
    const closed = new Promise<string>((resolve) => first.once('disconnect', resolve));
    const onB: HubCommand[] = [];
    await connectTo(b, kiosk, onB);
    expect(await closed).toBe('io server disconnect');
    await eventually('A sees the kiosk connected (to B)', async () => (await detailOn(a, kiosk.kioskId)).kiosk.online);

    const created = await a.api('POST', `/api/kiosks/${kiosk.kioskId}/commands`, { type: 'ping', params: {} });
    const { commandId } = created.body as { commandId: string };
    await eventually('A records the receipt', async () => (await commandOn(a, kiosk.kioskId, commandId))?.status === 'delivered');
    expect(onB.map((c) => c.commandId)).toContain(commandId);
    expect(onA.map((c) => c.commandId)).not.toContain(commandId);
  });

  it("never marks B's kiosks offline from A's sweep, nor a crashed process's while their lease lasts", async () => {
    const onB = await enrol();
    const agent = await connectTo(b, onB);
    await sendHeartbeat(agent, heartbeat(clock.now()));
    // A kiosk whose process died: its lease (written here as that process would have) is still in Redis.
    const orphan = await enrol();
    const orphanAgent = await connectTo(b, orphan);
    await sendHeartbeat(orphanAgent, heartbeat(clock.now()));
    orphanAgent.close();
    await eventually("B has judged the orphan's disconnection", async () => (await detailOn(a, orphan.kioskId)).kiosk.status === 'offline');
    const leaseKey = `${redis.keyPrefix}presence:${orphan.kioskId}`;
    await inspector.set(leaseKey, encodeLease({ owner: 'crashed-process', socketId: 'gone', connectedAt: clock.now().toISOString() }), { PX: 60_000 });

    const offlineRows = () => a.count("SELECT count(*) FROM kiosk_status_history WHERE kiosk_id = ? AND status = 'offline'", onB.kioskId);
    const offlineBefore = await offlineRows();
    clock.advance(5_000);
    // A sweeps the whole fleet (its first sweep after start); only A runs a sweep in this suite.
    await schedulerA.run(FLEET_SWEEP);
    // It did sweep (this process leads the sweep: B never runs one here).
    expect(a.logs.find('fleet deadlines indexed')).toBeDefined();
    for (const kiosk of [onB, orphan]) {
      expect((await detailOn(a, kiosk.kioskId)).kiosk).toMatchObject({ online: true, status: 'online' });
      expect(await a.count("SELECT count(*) FROM alerts WHERE kiosk_id = ? AND kind = 'kiosk-offline'", kiosk.kioskId)).toBe(0);
    }
    expect(await offlineRows()).toBe(offlineBefore);

    // The crashed process's lease runs out: the kiosk is connected nowhere, so offline (an alert only
    // after the offline threshold, minutes later); B's live kiosk stays online.
    await inspector.del(leaseKey);
    clock.advance(1_000);
    expect((await detailOn(a, orphan.kioskId)).kiosk.online).toBe(false);
    expect((await detailOn(a, onB.kioskId)).kiosk).toMatchObject({ online: true, status: 'online' });
  });
  // Last: B stops here.
  it("keeps B's kiosks connected while B stops, until their leases run out", async () => {
    const kiosk = await enrol();
    const agent = await connectTo(b, kiosk);
    await sendHeartbeat(agent, heartbeat(clock.now()));
    const offlineRows = () => a.count("SELECT count(*) FROM kiosk_status_history WHERE kiosk_id = ? AND status = 'offline'", kiosk.kioskId);
    const offlineBefore = await offlineRows();
    const closed = new Promise<string>((resolve) => agent.once('disconnect', resolve));
    await b.stop();
    await closed;
    // B closed the connection itself: the kiosk is reconnecting (to A, in production), its lease still stands.
    expect(await inspector.exists(`${redis.keyPrefix}presence:${kiosk.kioskId}`)).toBe(1);
    await schedulerA.run(FLEET_SWEEP);
    expect((await detailOn(a, kiosk.kioskId)).kiosk).toMatchObject({ online: true, status: 'online' });
    expect(await offlineRows()).toBe(offlineBefore);
    // It reconnects to A, which takes the lease over.
    const again = await connectTo(a, kiosk);
    await sendHeartbeat(again, heartbeat(clock.now()));
    expect(JSON.parse((await inspector.get(`${redis.keyPrefix}presence:${kiosk.kioskId}`)) ?? '{}')).toMatchObject({ s: again.id });
    expect((await detailOn(a, kiosk.kioskId)).kiosk).toMatchObject({ online: true, status: 'online' });
    expect(await offlineRows()).toBe(offlineBefore);
  });
});
