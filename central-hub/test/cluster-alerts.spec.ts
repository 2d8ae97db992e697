/**
 * Issue 14: two hub processes (two real hubs in this test process, each with its own HTTP and socket.io
 * server, on one PostgreSQL database and one Redis), 20 kiosks spread over both. Each kiosk reports its
 * printer out of paper (the device report as an outbox event and in its heartbeat) to the process it is
 * connected to, then moves to the other process and reports it there again (the event resent, as an
 * agent resends what it has no ack for), while the sweep leader evaluates the whole fleet: both processes
 * evaluate every kiosk, at the same time, with the paper out. Each kiosk gets one paper-out alert, opened
 * once, and every heartbeat is answered ok (the process that comes second finds the alert open; it once
 * failed the heartbeat on the alerts' unique key instead); both processes' consoles list it once; and
 * the kiosk has one current status interval.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { v7 as uuidv7 } from 'uuid';
import { OutboxEventSchema, PROTOCOL_VERSION, type OutboxEvent, type Telemetry } from '@kiosk/protocols';
import type { RedisConfig } from '../src/config';
import { FLEET_SWEEP } from '../src/services/sweep.service';
import { waitUntil } from '../../test/support/processes';
import { ConsoleClient } from './support/console-client';
import { ManualClock } from './support/manual-clock';
import { ManualScheduler } from './support/manual-scheduler';
import { TEST_ENGINE } from './support/test-store';
import { TestHub } from './support/test-hub';
import { deleteKeysUnder } from './support/redis-keys';
import { connectAgent, enrolKiosk, heartbeat, sendHeartbeat, signedAuth, type AgentClientSocket, type EnrolledKiosk } from './support/agent-client';

jest.setTimeout(120_000);

const REDIS_URL = process.env.HUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const KIOSKS = 20;
const describeOnPostgres = TEST_ENGINE === 'postgres' ? describe : describe.skip;

describeOnPostgres('a paper-out reported to two hub processes at once, 20 kiosks over both', () => {
  const clock = new ManualClock(new Date());
  const schedulers = { a: new ManualScheduler(), b: new ManualScheduler() };
  const redis: RedisConfig = { url: REDIS_URL, keyPrefix: `hub-test:${process.pid}:${randomUUID()}:` };
  const inspector = createClient({ url: REDIS_URL });
  const sockets: AgentClientSocket[] = [];
  const consoles: ConsoleClient[] = [];
  let a: TestHub;
  let b: TestHub;

  beforeAll(async () => {
    await inspector.connect();
    a = await TestHub.start({ config: { redis }, overrides: { clock, scheduler: schedulers.a } });
    b = await TestHub.start({ config: { redis, database: a.database }, overrides: { clock, scheduler: schedulers.b } });
  });

  afterAll(async () => {
    for (const client of consoles) client.close();
    for (const socket of sockets) socket.close();
    await b?.close();
    await a?.close();
    await deleteKeysUnder(inspector, redis.keyPrefix);
    inspector.destroy();
  });

  async function connectTo(hub: TestHub, kiosk: EnrolledKiosk): Promise<AgentClientSocket> {
    const { socket, refusal } = await connectAgent(hub.url, signedAuth(kiosk.kioskId, kiosk.privateKey, { timestamp: clock.now().getTime() }));
    if (refusal) throw new Error(`handshake refused: ${refusal.code}`);
    sockets.push(socket);
    await socket.timeout(5000).emitWithAck('hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '1.0.0' });
    return socket;
  }

  /** A second printer with its cover open: a kiosk degraded before the paper runs out. */
  const coverOpen = { deviceId: 'second-printer', kind: 'receipt-printer' as const, status: 'error' as const, reasons: ['cover-open' as const] };
  const paperEnd = { deviceId: 'receipt-printer', kind: 'receipt-printer' as const, status: 'error' as const, reasons: ['paper-end' as const] };
  /**
   * Three kiosks in four are degraded already: for them the paper-out changes no status, so the status
   * compare-and-set does not order the two processes' evaluations; only the alerts' unique key does.
   */
  const degradedBefore = (i: number) => i % 4 !== 0;
  const paperOut = (i: number): Telemetry => heartbeat(clock.now(), degradedBefore(i) ? [coverOpen, paperEnd] : [paperEnd]);
  const deviceReport = (kioskId: string): OutboxEvent =>
    OutboxEventSchema.parse({
      id: uuidv7(),
      kioskId,
      seq: 1,
      occurredAt: clock.now().toISOString(),
      type: 'device.health.changed',
      payload: { deviceId: 'receipt-printer', kind: 'receipt-printer', status: 'error', reasons: ['paper-end'], since: clock.now().toISOString() },
    });

  it('opens one paper-out alert per kiosk, once, seen once by the consoles of both processes', async () => {
    const password = await a.createUser('tanaka', 'technician', '豊中市');
    consoles.push(await ConsoleClient.connect(a.url, await a.login('tanaka', password)), await ConsoleClient.connect(b.url, await b.login('tanaka', password)));

    // Half of the kiosks on each process, healthy.
    const kiosks: EnrolledKiosk[] = [];
    for (let i = 0; i < KIOSKS; i++) kiosks.push(await enrolKiosk(i % 2 === 0 ? a : b, { name: `端末 ${i + 1}` }));
    const ids = kiosks.map((kiosk) => kiosk.kioskId);
    const inKiosks = ids.map(() => '?').join(', ');
    const home = (i: number) => (i % 2 === 0 ? a : b);
    const away = (i: number) => (i % 2 === 0 ? b : a);
    const homeSockets = await Promise.all(kiosks.map((kiosk, i) => connectTo(home(i), kiosk)));
    await Promise.all(homeSockets.map((socket, i) => sendHeartbeat(socket, heartbeat(clock.now(), degradedBefore(i) ? [coverOpen] : []))));

    // All at once: A's first sweep (the whole fleet), and every kiosk reporting the paper out to its
    // process, then moving to the other process and reporting it there again.
    const reports = ids.map(deviceReport);
    const movedSockets: AgentClientSocket[] = [];
    const answers: unknown[] = [];
    await Promise.all([
      schedulers.a.run(FLEET_SWEEP),
      ...kiosks.map(async (kiosk, i) => {
        const first = homeSockets[i] as AgentClientSocket;
        const report = reports[i] as OutboxEvent;
        // Not waited for: the move below closes this connection, maybe before they are answered.
        // Answered or cut off by the move; an answer, when one comes, must be ok.
        const unacked = [first.timeout(5000).emitWithAck('events', { events: [report] }), first.timeout(5000).emitWithAck('telemetry', paperOut(i))].map((sent) =>
          sent.then(
            (answer) => answers.push(answer),
            () => undefined,
          ),
        );
        const moved = await connectTo(away(i), kiosk);
        movedSockets[i] = moved;
        expect(await moved.timeout(5000).emitWithAck('events', { events: [report] })).toMatchObject({ ok: true, ackedThroughSeq: 1 });
        await sendHeartbeat(moved, paperOut(i));
        await Promise.all(unacked);
      }),
    ]);
    expect(a.logs.find('fleet deadlines indexed')).toBeDefined();
    expect(answers.filter((answer) => (answer as { ok?: unknown }).ok !== true)).toEqual([]);

    const paperOutAlerts = () =>
      a.rows<{ kioskId: string; alerts: number }>(
        `SELECT kiosk_id AS "kioskId", count(*) AS "alerts" FROM alerts WHERE kind = 'paper-out' AND kiosk_id IN (${inKiosks}) GROUP BY kiosk_id ORDER BY kiosk_id`,
        ...ids,
      );
    await waitUntil('every kiosk has its paper-out alert', async () => (await paperOutAlerts()).length === KIOSKS, 20_000, 20);
    // Both processes have evaluated every kiosk with the paper out: the last evaluation each ran finds the alert open.
    await schedulers.a.run(FLEET_SWEEP);
    await Promise.all(movedSockets.map((socket, i) => sendHeartbeat(socket, paperOut(i))));

    expect((await paperOutAlerts()).map((row) => ({ ...row, alerts: Number(row.alerts) }))).toEqual([...ids].sort().map((kioskId) => ({ kioskId, alerts: 1 })));
    expect(await a.count(`SELECT count(*) FROM alerts WHERE state <> 'open' AND kiosk_id IN (${inKiosks})`, ...ids)).toBe(0);
    const openedLog = [...a.logs.lines, ...b.logs.lines].filter((line) => line.msg === 'alert opened' && line.kind === 'paper-out' && ids.includes(String(line.kioskId)));
    expect(openedLog.map((line) => line.kioskId).sort()).toEqual([...ids].sort());

    // Each console lists every kiosk's alert once, whichever process opened it.
    for (const client of consoles) {
      const listed = await client.request('alerts.list', { state: 'open', limit: 500 });
      if (!listed.ok) throw new Error(listed.error.code);
      const mine = listed.alerts.filter((alert) => alert.kind === 'paper-out' && ids.includes(alert.kioskId));
      expect(mine.map((alert) => alert.kioskId).sort()).toEqual([...ids].sort());
    }

    // One current status interval per kiosk (two processes' evaluations never both wrote a transition), degraded.
    const current = await a.rows<{ kioskId: string; status: string }>(
      `SELECT kiosk_id AS "kioskId", status FROM kiosk_status_history WHERE ended_at IS NULL AND kiosk_id IN (${inKiosks}) ORDER BY kiosk_id`,
      ...ids,
    );
    expect(current).toEqual([...ids].sort().map((kioskId) => ({ kioskId, status: 'degraded' })));
  });
});
