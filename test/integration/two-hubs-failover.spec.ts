/**
 * Issue 14: two hub processes on one PostgreSQL database, one agent with `HUB_URL=<a>,<b>`. Hub A is
 * sent SIGTERM while the agent drains a large outbox to it: A stops accepting, lets the batch in flight be
 * committed and acked, disconnects the kiosk and exits 0; the agent moves to B with its backoff, and every
 * event is stored exactly once (one row per (kiosk, event id), seqs 1..n without a gap).
 *
 * What the two processes share, as an operator must set it up (README, "Several hub processes"):
 * - the database (HUB_DATABASE_URL): kiosks' public keys from enrolment, the handshake nonces (one use,
 *   whichever process sees it), enrolment codes, sessions, events;
 * - the admin token (HUB_ADMIN_TOKEN, or the same `admin-token` file in each data directory);
 * - the offline lottery key (`lottery-offline-key.pem`, the same file in each data directory): terminals
 *   seal PINs and offline entries to the key the hub published, so every process must hold it.
 * Each process has its own HUB_DATA_DIR. The agent trusts no per-process secret of the hub: its
 * handshake is signed with its own key and checked against the shared database.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { CONSOLE_NAMESPACE } from '@kiosk/protocols';
import { requestEnrolmentCode } from '../support/enrolment';
import { HubRecords, createTestPostgresDatabase } from '../support/hub-records';
import { freePort, repoRoot, startNode, waitUntil, type LogEntry, type NodeProcess } from '../support/processes';

jest.setTimeout(180_000);

const FIRST = 200;
const DURING = 4_000;

describe('two hub processes on one database, one agent listing both', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kiosk-two-hubs-'));
  const agentDataDir = path.join(dir, 'agent');
  const adminToken = randomBytes(24).toString('hex');
  let database: { url: string; drop(): Promise<void> } | undefined;
  let records: HubRecords | undefined;
  const processes: NodeProcess[] = [];
  let hubA: { process: NodeProcess; url: string };
  let hubB: { process: NodeProcess; url: string };
  let agent: NodeProcess;
  let offlineKeyPem = '';
  /** A technician console's socket on hub A, made as the console makes it (kiosk-ui console/hub-link.ts). */
  let consoleSocket: Socket | undefined;

  async function startHub(name: string, port: number, env: Record<string, string> = {}): Promise<{ process: NodeProcess; url: string }> {
    if (!database) throw new Error('no database');
    const dataDir = path.join(dir, name);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(dataDir, 'lottery-offline-key.pem'), offlineKeyPem, { mode: 0o600 });
    const hub = startNode(name, 'central-hub/dist/main.js', {
      HUB_PORT: String(port),
      HUB_DATA_DIR: dataDir,
      HUB_DATABASE_URL: database.url,
      HUB_ADMIN_TOKEN: adminToken,
      ...env,
    });
    processes.push(hub);
    await hub.waitForLog((entry) => entry.msg === 'hub listening');
    return { process: hub, url: `http://127.0.0.1:${port}` };
  }

  function outboxTool(...args: string[]): unknown {
    const output = execFileSync(process.execPath, [path.join(repoRoot, 'edge-agent/dist/tools/outbox-tool.js'), ...args, '--data-dir', agentDataDir], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent' },
    });
    return JSON.parse(output.trim().split('\n').pop() ?? 'null') as unknown;
  }

  const kioskId = (): string => (JSON.parse(readFileSync(path.join(agentDataDir, 'identity.json'), 'utf8')) as { kioskId: string }).kioskId;

  async function ackedThroughSeq(): Promise<number> {
    return (await records?.value<number>('SELECT acked_through_seq FROM kiosks WHERE kiosk_id = ?', kioskId())) ?? 0;
  }

  /** The agent's outbox is empty and the hub has acked through its last seq (the agent queues events of its own too). */
  async function deliveredAll(): Promise<boolean> {
    const { lastSeq, backlog } = outboxTool('stats') as { backlog: number; lastSeq: number };
    return backlog === 0 && (await ackedThroughSeq()) === lastSeq;
  }

  const connectingTo = (entry: LogEntry): string | null => (entry.msg === 'connecting to hub' ? String(entry.hub) : null);

  beforeAll(async () => {
    database = await createTestPostgresDatabase('hub_pair');
    const url = database.url;
    records = new HubRecords(() => ({ engine: 'postgres', url }));
    // The operator's one offline lottery key, given to both processes (a smaller key than production's, for speed).
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    offlineKeyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    // One after the other: the first start migrates the empty database (and creates the demo administrator).
    hubA = await startHub('hub-a', await freePort(), { HUB_DEMO_ADMIN: '1' });
    hubB = await startHub('hub-b', await freePort());
    const code = await requestEnrolmentCode(hubA.url, adminToken, { name: 'テスト端末', municipality: '豊中市', site: '豊島体育館', kind: 'street-terminal' });
    agent = startNode('agent', 'edge-agent/dist/main.js', {
      HUB_URL: `${hubA.url},${hubB.url}`,
      AGENT_DATA_DIR: agentDataDir,
      AGENT_UI_PORT: '0',
      AGENT_HEARTBEAT_MS: '1000',
      AGENT_RECONNECT_MIN_MS: '200',
      AGENT_RECONNECT_MAX_MS: '1000',
      AGENT_BATCH_SIZE: '40',
      AGENT_ENROLMENT_CODE: code,
    });
    processes.push(agent);
    await agent.waitForLog((entry) => entry.msg === 'agent ui listening');
  });

  afterAll(async () => {
    consoleSocket?.close();
    await Promise.all(processes.map((child) => child.stop()));
    await records?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a technician console on hub A', async () => {
    const admin = JSON.parse(readFileSync(path.join(dir, 'hub-a', 'demo-admin.json'), 'utf8')) as { username: string; password: string };
    const login = await fetch(`${hubA.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: admin.username, password: admin.password }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    // The console's own socket options: websocket only, socket.io's reconnection with 0.5–5 s delays.
    consoleSocket = io(`${hubA.url}${CONSOLE_NAMESPACE}`, { transports: ['websocket'], reconnectionDelay: 500, reconnectionDelayMax: 5000, auth: { token } });
    await new Promise<void>((resolve, reject) => {
      consoleSocket?.once('connect', resolve);
      consoleSocket?.once('connect_error', reject);
    });
    await expect(consoleSocket.timeout(5000).emitWithAck('session.me')).resolves.toMatchObject({ ok: true, user: { username: admin.username } });
  });

  it('delivers through the first hub of the list', async () => {
    outboxTool('enqueue-synthetic', '--count', String(FIRST));
    await waitUntil('the first events are stored', deliveredAll, 60_000, 200);
    expect(agent.logs.map(connectingTo).filter((hub) => hub !== null)).toEqual([hubA.url]);
  });

  it('moves to the second hub when the first drains on SIGTERM mid-delivery; every event stored once', async () => {
    outboxTool('enqueue-synthetic', '--count', String(DURING));
    const before = await ackedThroughSeq();
    // Well into the delivery, far from its end: batches of 40 keep going to A.
    await waitUntil('the agent is sending to hub A', async () => (await ackedThroughSeq()) >= before + 400, 60_000, 50);
    hubA.process.kill('SIGTERM');

    const exit = await hubA.process.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    const drained = hubA.process.logs.find((entry) => typeof entry.msg === 'string' && entry.msg.startsWith('hub drained'));
    expect(drained).toMatchObject({ msg: 'hub drained: every kiosk disconnected after its acks', cutOff: 0 });
    expect(Number(drained?.sockets)).toBeGreaterThanOrEqual(1);
    expect(hubA.process.logs.some((entry) => entry.msg === 'hub stopped')).toBe(true);

    await agent.waitForLog((entry) => connectingTo(entry) === hubB.url, 30_000);
    await waitUntil('every event reached hub B', deliveredAll, 120_000, 250);
    expect(hubB.process.running).toBe(true);

    const { lastSeq: total } = outboxTool('stats') as { lastSeq: number };
    expect(total).toBeGreaterThanOrEqual(FIRST + DURING);
    const stored = await records?.row<{ rows: number; distinctIds: number; distinctSeqs: number; minSeq: number; maxSeq: number }>(
      'SELECT count(*) AS "rows", count(DISTINCT event_id) AS "distinctIds", count(DISTINCT seq) AS "distinctSeqs", min(seq) AS "minSeq", max(seq) AS "maxSeq" FROM events WHERE kiosk_id = ?',
      kioskId(),
    );
    expect(stored).toEqual({ rows: total, distinctIds: total, distinctSeqs: total, minSeq: 1, maxSeq: total });
  });

  it('the console of hub A reconnects by itself once A is back (same port), its session held in the database', async () => {
    const socket = consoleSocket;
    if (!socket) throw new Error('no console socket');
    expect(socket.connected).toBe(false);
    const back = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    hubA = await startHub('hub-a', Number(new URL(hubA.url).port));
    await back;
    await expect(socket.timeout(5000).emitWithAck('session.me')).resolves.toMatchObject({ ok: true });
  });
});
