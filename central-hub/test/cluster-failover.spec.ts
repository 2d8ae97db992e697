/**
 * Issue 14: two hub processes (the real entry point, src/main.ts) on one PostgreSQL database and one
 * Redis; ten scripted kiosks that follow the agent's delivery rules (support/scripted-kiosk.ts), five
 * listing A first and five B first, drain 2,000 events each. The process that leads the fleet sweep is
 * SIGKILLed mid-drain. Its kiosks reconnect to the other with their backoff and send again what was not
 * acked; every event is stored exactly once (per kiosk: 2,000 rows, 2,000 event ids, seqs 1..2,000);
 * no kiosk is marked offline or alerted for the failover: the survivor takes the sweep over and judges
 * the whole fleet while the dead process's kiosks cannot reach it yet (each kiosk's second hub is behind
 * a gate the test opens after that sweep), and their presence leases hold them online; the sweep then
 * goes on in the survivor (it expires a command). Without the leases this test fails.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { KioskSummarySchema } from '@kiosk/protocols';
import { HubRecords, createTestPostgresDatabase } from '../../test/support/hub-records';
import { waitUntil } from '../../test/support/processes';
import { DEFAULT_REDIS_KEY_PREFIX } from '../src/config';
import { FLEET_SWEEP } from '../src/services/sweep.service';
import { creditEvents, enrolKiosk } from './support/agent-client';
import { GatedProxy } from './support/gated-proxy';
import { HubProcess, type ProcessLogLine } from './support/hub-process';
import { ScriptedKiosk } from './support/scripted-kiosk';
import { TEST_ENGINE } from './support/test-store';

jest.setTimeout(300_000);

const REDIS_URL = process.env.HUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const KIOSKS = 10;
const EVENTS_PER_KIOSK = 2_000;
const BATCH = 50;
/** The kill comes once this many events are acked in all: well into the drain, far from its end. */
const KILL_AFTER_ACKED = 5_000;
const RECONNECT_BACKOFF = { minMs: 500, maxMs: 5_000 };

const describeOnPostgres = TEST_ENGINE === 'postgres' ? describe : describe.skip;

interface RunningHub {
  name: string;
  process: HubProcess;
  url: string;
}

const leadsSweep = (line: ProcessLogLine): boolean => line.msg === 'job leadership gained' && line.job === FLEET_SWEEP;

describeOnPostgres('SIGKILL of one hub process during a 20,000-event drain from 10 kiosks', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hub-cluster-failover-'));
  const adminToken = randomBytes(24).toString('hex');
  const offlineKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const hubs: RunningHub[] = [];
  const kiosks: ScriptedKiosk[] = [];
  const proxies: GatedProxy[] = [];
  let database: { url: string; drop(): Promise<void> } | undefined;
  let records: HubRecords | undefined;

  async function startHub(name: string, databaseUrl: string): Promise<RunningHub> {
    const dataDir = path.join(dir, name);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // What every process of a site shares besides the database (README, "Two hub processes").
    writeFileSync(path.join(dataDir, 'lottery-offline-key.pem'), offlineKeyPem, { mode: 0o600 });
    const child = new HubProcess({
      HUB_PORT: '0',
      HUB_DATA_DIR: dataDir,
      HUB_CONSOLE_DIR: path.join(dataDir, 'no-console'),
      HUB_DATABASE_URL: databaseUrl,
      HUB_REDIS_URL: REDIS_URL,
      HUB_ADMIN_TOKEN: adminToken,
      HUB_SWEEP_INTERVAL_MS: '500',
      LOG_LEVEL: 'info',
    });
    const hub = { name, process: child, url: '' };
    hubs.push(hub);
    hub.url = String((await child.waitForLog('hub listening', 60_000)).url);
    return hub;
  }

  async function api(hub: RunningHub, method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${hub.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  async function statuses(hub: RunningHub): Promise<Map<string, { status: string | undefined; online: boolean }>> {
    const { status, body } = await api(hub, 'GET', '/api/kiosks');
    if (status !== 200) throw new Error(`kiosk list: ${status}`);
    return new Map((body as unknown[]).map((entry) => KioskSummarySchema.parse(entry)).map((k) => [k.kioskId, { status: k.status, online: k.online }]));
  }

  const acked = (): number => kiosks.reduce((sum, kiosk) => sum + (EVENTS_PER_KIOSK - kiosk.pending), 0);

  beforeAll(async () => {
    database = await createTestPostgresDatabase('hub_cluster_failover');
    const url = database.url;
    records = new HubRecords(() => ({ engine: 'postgres', url }));
  });

  afterAll(async () => {
    await Promise.all(kiosks.map((kiosk) => kiosk.stop()));
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await Promise.all(hubs.map((hub) => hub.process.kill()));
    // The leases the processes left for these kiosks (they would expire by themselves within 15 s).
    if (kiosks.length > 0) {
      const redis = createClient({ url: REDIS_URL });
      await redis.connect();
      await redis.del(kiosks.map((kiosk) => `${DEFAULT_REDIS_KEY_PREFIX}presence:${kiosk.kioskId}`));
      redis.destroy();
    }
    await records?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every event exactly once, keeps every kiosk online and unalerted, and the survivor keeps sweeping', async () => {
    if (!database || !records) throw new Error('no database');
    // A first (it migrates the empty database), then B.
    const a = await startHub('hub-a', database.url);
    const b = await startHub('hub-b', database.url);

    // Each kiosk's second hub is reached through a gate, shut until the test opens it: a victim's kiosks
    // are then connected nowhere for as long as the survivor takes to lead the sweep and judge the fleet.
    const gateTo = { a: new GatedProxy({ host: '127.0.0.1', port: Number(new URL(a.url).port) }), b: new GatedProxy({ host: '127.0.0.1', port: Number(new URL(b.url).port) }) };
    proxies.push(gateTo.a, gateTo.b);
    await Promise.all(proxies.map((proxy) => proxy.start()));
    for (let i = 0; i < KIOSKS; i++) {
      const enrolled = await enrolKiosk({ api: (method, route, body) => api(a, method, route, body) }, { name: `端末 ${i + 1}` });
      kiosks.push(
        new ScriptedKiosk({
          hubUrls: i % 2 === 0 ? [a.url, gateTo.b.url] : [b.url, gateTo.a.url],
          kiosk: enrolled,
          events: creditEvents(enrolled.kioskId, 1, EVENTS_PER_KIOSK),
          batchSize: BATCH,
          heartbeatMs: 1_000,
          ackTimeoutMs: 10_000,
          // The agent's default reconnect backoff (AGENT_RECONNECT_MIN_MS / AGENT_RECONNECT_MAX_MS).
          backoff: RECONNECT_BACKOFF,
        }),
      );
    }
    const ids = kiosks.map((kiosk) => kiosk.kioskId);
    const inKiosks = ids.map(() => '?').join(', ');

    // Every kiosk connected and online before the drain: the offline intervals from before (a kiosk is
    // offline from its enrolment until it connects) are the baseline.
    for (const kiosk of kiosks) kiosk.start();
    await waitUntil(
      'every kiosk online',
      async () => {
        const seen = await statuses(b);
        return ids.every((id) => seen.get(id)?.status === 'online');
      },
      60_000,
    );
    const offlineIntervals = () => records?.count(`SELECT count(*) FROM kiosk_status_history WHERE status = 'offline' AND kiosk_id IN (${inKiosks})`, ...ids) ?? Promise.resolve(-1);
    const offlineBefore = await offlineIntervals();

    // The kill: once well into the drain, the process that leads the fleet sweep.
    await waitUntil('a process leads the fleet sweep', () => hubs.some((hub) => hub.process.lines.some(leadsSweep)), 60_000);
    const victim = a.process.lines.some(leadsSweep) ? a : b;
    const survivor = victim === a ? b : a;
    await waitUntil(`${KILL_AFTER_ACKED} events acked`, () => acked() >= KILL_AFTER_ACKED, 120_000);
    expect(acked()).toBeLessThan(KIOSKS * EVENTS_PER_KIOSK);
    const linesBeforeKill = survivor.process.lines.length;
    victim.process.signal('SIGKILL');
    expect(await victim.process.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // The survivor takes the sweep over and judges the whole fleet while the victim's kiosks cannot reach
    // it yet; then they get through, and the drain goes on.
    const gate = victim === a ? gateTo.b : gateTo.a;
    const afterKill = () => survivor.process.lines.slice(linesBeforeKill);
    await waitUntil('the survivor leads the sweep', () => afterKill().some(leadsSweep), 30_000);
    await waitUntil('the survivor swept the whole fleet', () => afterKill().some((line) => line.msg === 'fleet deadlines indexed'), 30_000);
    gate.openGate();
    await Promise.all(kiosks.map((kiosk) => kiosk.drained()));

    // Exactly once: per kiosk every seq and every event id, once.
    const stored = await records.rows<{ kioskId: string; rows: number; ids: number; seqs: number; minSeq: number; maxSeq: number }>(
      `SELECT kiosk_id AS "kioskId", count(*) AS "rows", count(DISTINCT event_id) AS "ids", count(DISTINCT seq) AS "seqs", min(seq) AS "minSeq", max(seq) AS "maxSeq"
         FROM events WHERE kiosk_id IN (${inKiosks}) GROUP BY kiosk_id ORDER BY kiosk_id`,
      ...ids,
    );
    const expected = { rows: EVENTS_PER_KIOSK, ids: EVENTS_PER_KIOSK, seqs: EVENTS_PER_KIOSK, minSeq: 1, maxSeq: EVENTS_PER_KIOSK };
    expect(stored.map((row) => ({ ...row, rows: Number(row.rows), ids: Number(row.ids), seqs: Number(row.seqs), minSeq: Number(row.minSeq), maxSeq: Number(row.maxSeq) }))).toEqual(
      [...ids].sort().map((kioskId) => ({ kioskId, ...expected })),
    );
    expect(await records.count(`SELECT count(*) FROM kiosks WHERE acked_through_seq = ? AND kiosk_id IN (${inKiosks})`, EVENTS_PER_KIOSK, ...ids)).toBe(KIOSKS);

    // The victim's kiosks went on to the survivor with their backoff; the survivor's stayed where they were.
    const victims = kiosks.filter((kiosk) => kiosk.sessions[0]?.hubUrl === victim.url);
    expect(victims).toHaveLength(KIOSKS / 2);
    // A victim's kiosk whose events were all acked before the kill has nothing left to drain: it is
    // judged once it has reconnected (its heartbeats keep it trying), not at the moment the drain ends.
    await waitUntil('every victim kiosk reconnected through the gate', () => victims.every((kiosk) => kiosk.sessions.at(-1)?.hubUrl === gate.url), 30_000);
    for (const kiosk of victims) {
      expect(kiosk.sessions.at(-1)?.hubUrl).toBe(gate.url);
      // Its first try after the kill went to the same hub (a session that just ended is retried there),
      // which was gone: a failed attempt, a backoff, then the next hub of its list.
      expect(kiosk.failures.length).toBeGreaterThanOrEqual(1);
      expect(kiosk.failures.every((failure) => failure.retryInMs <= RECONNECT_BACKOFF.maxMs)).toBe(true);
    }
    for (const kiosk of kiosks.filter((k) => !victims.includes(k))) expect(kiosk.sessions.map((s) => s.hubUrl)).toEqual([survivor.url]);

    // The survivor goes on sweeping (it alone leads the sweep now): a command queued through it for a kiosk
    // that is not connected, living one second, is marked expired by the sweep (the only other thing
    // that expires commands, listing them, is not asked here).
    const absent = await enrolKiosk({ api: (method, route, body) => api(survivor, method, route, body) }, { name: '未接続の端末' });
    const queued = await api(survivor, 'POST', `/api/kiosks/${absent.kioskId}/commands`, { type: 'ping', params: {}, ttlSeconds: 1 });
    expect(queued.status).toBe(201);
    const { commandId } = queued.body as { commandId: string };
    await waitUntil('the sweep expires the command', async () => (await records?.value<string>('SELECT status FROM commands WHERE command_id = ?', commandId)) === 'expired', 30_000);
    expect(await records.count("SELECT count(*) FROM audit_log WHERE action = 'command.expired' AND target = ?", commandId)).toBe(1);

    // Nobody was judged offline or alerted for the failover (the dead process's leases held its kiosks
    // while they were connected nowhere): every kiosk is online.
    const seen = await statuses(survivor);
    for (const id of ids) expect(seen.get(id)).toEqual({ status: 'online', online: true });
    expect(await offlineIntervals()).toBe(offlineBefore);
    expect(await records.count(`SELECT count(*) FROM alerts WHERE kiosk_id IN (${inKiosks})`, ...ids)).toBe(0);
    expect(survivor.process.lines.filter((line) => line.msg === 'alert opened')).toEqual([]);
  });
});
