/**
 * The hub as the process that `npm start` runs (src/main.ts): configuration from the environment, the
 * "hub listening" line, the generated admin token, graceful shutdown on SIGTERM, and the KIOSK_CHAOS
 * crash between commit and ack, after which the re-sent batch is absorbed as duplicates.
 */
import Database from 'better-sqlite3';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import { CONSOLE_NAMESPACE, EnrolResponseSchema, EnrolmentCodeResponseSchema, HelloAckSchema, PROTOCOL_VERSION } from '@kiosk/protocols';
import { HubProcess } from './support/hub-process';
import { connectAgent, creditEvents, signedAuth, spki } from './support/agent-client';

jest.setTimeout(30_000);

describe('hub process', () => {
  let dir: string;
  const processes: HubProcess[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'central-hub-process-'));
  });

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.kill()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}): Promise<{ hub: HubProcess; url: string }> {
    const hub = new HubProcess({ HUB_PORT: '0', HUB_DATA_DIR: dir, HUB_CONSOLE_DIR: path.join(dir, 'none'), LOG_LEVEL: 'info', ...env });
    processes.push(hub);
    const listening = await hub.waitForLog('hub listening');
    expect(listening).toMatchObject({ url: `http://127.0.0.1:${String(listening.port)}`, port: expect.any(Number) as number });
    return { hub, url: String(listening.url) };
  }

  it('starts from the environment, keeps its admin token, and stops cleanly on SIGTERM', async () => {
    const { hub, url } = await start({ HUB_DEMO_ADMIN: '1' });
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
    const tokenFile = path.join(dir, 'admin-token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(hub.lines.map((l) => JSON.stringify(l)).join('\n')).not.toContain(token);

    // First start of a demo (HUB_DEMO_ADMIN=1): an administrator whose password is kept in a 0600 file,
    // never logged (issue 15), and works.
    const demo = await hub.waitForLog('demo administrator created');
    const demoFile = path.join(dir, 'demo-admin.json');
    expect(demo).toEqual(expect.objectContaining({ username: 'admin', file: demoFile }));
    expect(demo).not.toHaveProperty('password');
    expect(statSync(demoFile).mode & 0o777).toBe(0o600);
    const kept = JSON.parse(readFileSync(demoFile, 'utf8')) as { username: string; password: string };
    expect(kept).toEqual({ username: 'admin', password: expect.stringMatching(/^[\w-]{16}$/) as string });
    expect(hub.lines.map((l) => JSON.stringify(l)).join('\n')).not.toContain(kept.password);
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: kept.password }),
    });
    expect(login.status).toBe(200);
    expect(await login.json()).toMatchObject({ user: { username: 'admin', role: 'administrator', municipality: null } });

    // A connected socket must not hold the shutdown up.
    const consoleSocket = io(`${url}${CONSOLE_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
    await new Promise<void>((resolve, reject) => {
      consoleSocket.once('connect', resolve);
      consoleSocket.once('connect_error', reject);
    });
    const disconnected = new Promise<string>((resolve) => consoleSocket.once('disconnect', resolve));
    hub.signal('SIGTERM');
    expect(await hub.exited).toEqual({ code: 0, signal: null });
    expect(await disconnected).toMatch(/disconnect|transport close/);
    expect(hub.lines.some((l) => l.msg === 'hub stopped')).toBe(true);
    // SQLite removes the WAL file when the last connection closes cleanly: the database was closed.
    expect(existsSync(path.join(dir, 'hub.sqlite-wal'))).toBe(false);

    // Second start: same token, and it works as the operator's bearer token.
    const again = await start();
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(token);
    expect(again.hub.lines.some((l) => l.msg === 'admin token generated')).toBe(false);
    expect(again.hub.lines.some((l) => l.msg === 'demo administrator created')).toBe(false);
    const authorized = await fetch(`${again.url}/api/kiosks`, { headers: { authorization: `Bearer ${token}` } });
    expect(authorized.status).toBe(200);
    again.hub.signal('SIGINT');
    expect((await again.hub.exited).code).toBe(0);
  });

  it('creates no demo administrator unless HUB_DEMO_ADMIN=1 (issue 15)', async () => {
    const { hub } = await start();
    expect(hub.lines.some((l) => l.msg === 'demo administrator created')).toBe(false);
    expect(existsSync(path.join(dir, 'demo-admin.json'))).toBe(false);
    const db = new Database(path.join(dir, 'hub.sqlite'), { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('refuses KIOSK_CHAOS without KIOSK_TEST_HOOKS=1, naming the variable (issue 15)', async () => {
    const hub = new HubProcess({ HUB_PORT: '0', HUB_DATA_DIR: dir, KIOSK_CHAOS: 'hub-crash-after-commit:1' });
    processes.push(hub);
    const failed = await hub.waitForLog('hub failed to start');
    expect(JSON.stringify(failed)).toContain('KIOSK_CHAOS');
    expect(JSON.stringify(failed)).toContain('KIOSK_TEST_HOOKS=1');
    expect((await hub.exited).code).toBe(1);
    expect(hub.lines.some((l) => l.msg === 'hub listening')).toBe(false);
  });

  it('refuses to start on a bad configuration, saying which variable', async () => {
    const hub = new HubProcess({ HUB_PORT: 'eighty', HUB_DATA_DIR: dir });
    processes.push(hub);
    const failed = await hub.waitForLog('hub failed to start');
    expect(JSON.stringify(failed)).toContain('HUB_PORT');
    expect((await hub.exited).code).toBe(1);
  });

  it('refuses to start without the shared facts file, naming it', async () => {
    const missing = path.join(dir, 'no-such-facts.json');
    const hub = new HubProcess({ HUB_PORT: '0', HUB_DATA_DIR: dir, HUB_FACTS_FILE: missing });
    processes.push(hub);
    const failed = await hub.waitForLog('hub failed to start');
    expect(failed).toMatchObject({ err: { name: 'FactsFileError', message: expect.stringContaining(missing) as string } });
    expect((await hub.exited).code).toBe(1);
    expect(hub.lines.some((l) => l.msg === 'hub listening')).toBe(false);
  });

  it('KIOSK_CHAOS=hub-crash-after-commit:1 dies after the commit and before the ack; the re-sent batch is absorbed', async () => {
    const adminToken = 'operator-token-for-the-chaos-test';
    const { hub, url } = await start({ HUB_ADMIN_TOKEN: adminToken, KIOSK_CHAOS: 'hub-crash-after-commit:1', KIOSK_TEST_HOOKS: '1' });

    const codeResponse = await fetch(`${url}/api/enrolment-codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'chaos', municipality: '豊中市', site: '庄内体育館', kind: 'street-terminal' }),
    });
    const { code } = EnrolmentCodeResponseSchema.parse(await codeResponse.json());
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const enrolResponse = await fetch(`${url}/api/kiosks/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, publicKey: spki(publicKey) }),
    });
    const { kioskId } = EnrolResponseSchema.parse(await enrolResponse.json());

    const batch = creditEvents(kioskId, 1, 50);
    const first = await connectAgent(url, signedAuth(kioskId, privateKey));
    expect(first.refusal).toBeNull();
    await expect(first.socket.timeout(10_000).emitWithAck('events', { events: batch })).rejects.toThrow();
    first.socket.close();
    expect(await hub.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // Committed although never acked.
    const db = new Database(path.join(dir, 'hub.sqlite'), { readonly: true, fileMustExist: true });
    try {
      expect(db.prepare('SELECT count(*) FROM events WHERE kiosk_id = ?').pluck().get(kioskId)).toBe(50);
    } finally {
      db.close();
    }

    const restarted = await start({ HUB_ADMIN_TOKEN: adminToken });
    const second = await connectAgent(restarted.url, signedAuth(kioskId, privateKey));
    expect(second.refusal).toBeNull();
    const hello = HelloAckSchema.parse(await second.socket.timeout(5000).emitWithAck('hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: 't' }));
    expect(hello).toMatchObject({ ok: true, ackedThroughSeq: 50 });
    expect(await second.socket.timeout(5000).emitWithAck('events', { events: batch })).toEqual({
      ok: true,
      ackedThroughSeq: 50,
      stored: 0,
      duplicates: 50,
    });
    second.socket.close();
  });
});
