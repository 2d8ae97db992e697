/**
 * The agent's local server on 127.0.0.1: static kiosk UI (no way out of its directory), /health, and the
 * `/ui` socket.io namespace, including status pushed when the real hub connection comes and goes.
 */
import { request } from 'node:http';
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { UI_NAMESPACE, type AgentStatus, type AgentToUiEvents, type UiToAgentEvents } from '@kiosk/protocols';
import type { RunningAgent } from '../src/agent';
import { systemClock } from '../src/clock';
import { DeviceRegistry } from '../src/hardware/device-manager';
import { VirtualDevice } from '../src/hardware/virtual-devices';
import { KioskSessions } from '../src/server/kiosk-sessions';
import { LocalServer } from '../src/server/local-server';
import { AgentState } from '../src/status/agent-state';
import { MiniHub } from './support/mini-hub';
import { silentLogger, startTestAgent, tempDir, testConfig, waitFor, writeUiBuild } from './support/agent-harness';

jest.setTimeout(20_000);

type UiSocket = Socket<AgentToUiEvents, UiToAgentEvents>;

/** A raw GET, so the path reaches the server exactly as written (fetch would normalise `..`). */
function get(port: number, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method: 'GET', headers }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connectUi(url: string, transports: Array<'websocket' | 'polling'> = ['websocket']): UiSocket {
  return io(`${url.replace(/\/$/, '')}${UI_NAMESPACE}`, { transports, reconnection: false, forceNew: true });
}

/** Collects every status the UI socket receives. */
function statuses(socket: UiSocket): AgentStatus[] {
  const seen: AgentStatus[] = [];
  socket.on('status', (status) => seen.push(status));
  return seen;
}

describe('local server (static files, /health, /ui)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: LocalServer;
  let state: AgentState;
  let printer: VirtualDevice;
  let port: number;
  let url: string;
  const sockets: UiSocket[] = [];

  async function start(uiDir: string): Promise<void> {
    const devices = new DeviceRegistry();
    printer = new VirtualDevice('virtual-receipt-printer', 'receipt-printer', systemClock);
    devices.register(printer);
    devices.onHealthChange(() => state.devicesChanged());
    state = new AgentState('kiosk-ui-test', devices, { outOfService: false });
    server = new LocalServer({
      port: 0,
      uiDir,
      state,
      sessions: new KioskSessions(state, systemClock, silentLogger),
      backlog: () => 7,
      logger: silentLogger,
    });
    ({ port, url } = await server.start());
  }

  beforeEach(async () => {
    tmp = tempDir('ui');
    const uiDir = path.join(tmp.dir, 'ui');
    writeUiBuild(uiDir);
    writeFileSync(path.join(tmp.dir, 'secret.txt'), 'TOP-SECRET-CONTENT');
    await start(uiDir);
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await server.stop();
    tmp.cleanup();
  });

  it('listens on 127.0.0.1 only', () => {
    expect(url).toBe(`http://127.0.0.1:${port}/`);
  });

  it('serves index.html, assets with their content types, and index.html for client routes', async () => {
    const index = await get(port, '/');
    expect(index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(index.body).toContain('<title>kiosk</title>');
    expect(await get(port, '/assets/app-1a2b.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect(await get(port, '/certificates/confirm?step=2')).toMatchObject({ status: 200, body: index.body });
    expect(await get(port, '/assets/missing.js')).toMatchObject({ status: 404 });
  });

  it.each(['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/%2e%2e%2fsecret.txt', '/..%5csecret.txt', '/.hidden'])(
    'refuses %s',
    async (rawPath) => {
      const response = await get(port, rawPath);
      expect([400, 403]).toContain(response.status);
      expect(response.body).not.toContain('TOP-SECRET-CONTENT');
    },
  );

  it('refuses a symlink that leads out of the UI directory', async () => {
    symlinkSync(path.join(tmp.dir, 'secret.txt'), path.join(tmp.dir, 'ui', 'assets', 'link.txt'));
    const response = await get(port, '/assets/link.txt');
    expect(response.status).toBe(403);
    expect(response.body).not.toContain('TOP-SECRET-CONTENT');
  });

  it('refuses requests addressed to a foreign host name (DNS rebinding)', async () => {
    expect(await get(port, '/', { host: 'evil.example' })).toMatchObject({ status: 403 });
    expect(await get(port, '/health', { host: `localhost:${port}` })).toMatchObject({ status: 200 });
  });

  it('answers /health', async () => {
    const health = await get(port, '/health');
    expect(health.type).toBe('application/json; charset=utf-8');
    expect(JSON.parse(health.body)).toEqual({ status: 'ok', hubConnected: false, backlog: 7, outOfService: false, hubRefusal: null });
  });

  it('says the UI is not built (503) when its directory is missing', async () => {
    await server.stop();
    await start(path.join(tmp.dir, 'no-such-dir'));
    const response = await get(port, '/');
    expect(response.status).toBe(503);
    expect(response.body).toContain('not built');
    expect((await get(port, '/health')).status).toBe(200);
  });

  it('pushes status on connect and on every change, over websocket and polling', async () => {
    for (const transports of [['websocket'], ['polling']] as const) {
      const socket = connectUi(url, [...transports]);
      sockets.push(socket);
      const seen = statuses(socket);
      await waitFor('the first status', () => seen.length === 1);
      expect(seen[0]).toMatchObject({ kioskId: 'kiosk-ui-test', hubConnected: false, outOfService: false });
      expect(seen[0]?.devices).toEqual([expect.objectContaining({ deviceId: 'virtual-receipt-printer', status: 'ok' })]);

      state.setHubConnected(true, new Date());
      await waitFor('connected status', () => seen.length === 2);
      expect(seen[1]).toMatchObject({ hubConnected: true, lastHubContactAt: expect.any(String) });
      state.setOutOfService(true);
      printer.setHealth('warning', ['paper-near-end']);
      state.setHubConnected(false, new Date());
      await waitFor('three more', () => seen.length === 5);
      expect(seen.slice(2).map((status) => [status.outOfService, status.devices[0]?.status, status.hubConnected])).toEqual([
        [true, 'ok', true],
        [true, 'warning', true],
        [true, 'warning', false],
      ]);
      expect(await socket.timeout(2000).emitWithAck('status.get')).toEqual(state.status());
      state.setOutOfService(false);
      printer.setHealth('ok');
      await waitFor('back to normal', () => seen.length === 7);
    }
  });

  it('validates session messages and refuses a session while out of service', async () => {
    const socket = connectUi(url);
    sockets.push(socket);
    const begin = (request: unknown) => socket.timeout(2000).emitWithAck('session.begin', request as never);
    const end = (request: unknown) => socket.timeout(2000).emitWithAck('session.end', request as never);

    expect(await begin({ service: 'parking', language: 'ja' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_message', issues: [expect.objectContaining({ path: 'service' })] },
    });
    const started = await begin({ service: 'certificates', language: 'en' });
    expect(started).toEqual({ ok: true, sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(await end({ reason: 'done' })).toEqual({ ok: true });
    expect(await end({ reason: 'bored' })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });

    state.setOutOfService(true);
    expect(await begin({ service: 'lottery', language: 'ja' })).toMatchObject({ ok: false, error: { code: 'out_of_service' } });
  });

  it('refuses a /ui socket from a foreign origin', async () => {
    const socket = io(`${url.replace(/\/$/, '')}${UI_NAMESPACE}`, {
      transports: ['polling'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { origin: 'https://evil.example' },
    });
    sockets.push(socket);
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(error).toBeInstanceOf(Error);
    expect(socket.connected).toBe(false);
  });
});

describe('/ui status follows the real hub connection', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: MiniHub;
  let agent: RunningAgent | null = null;
  let socket: UiSocket | null = null;

  beforeEach(async () => {
    tmp = tempDir('ui-hub');
    hub = new MiniHub();
    await hub.start();
  });

  afterEach(async () => {
    socket?.close();
    await agent?.stop();
    await hub.stop();
    tmp.cleanup();
  });

  it('pushes hubConnected false when the hub goes, and true when it is back', async () => {
    const config = testConfig(tmp.dir, hub, { AGENT_ENROLMENT_CODE: hub.createEnrolmentCode('kiosk-ui-hub'), AGENT_DEVICES: 'virtual' });
    agent = await startTestAgent(hub, config);
    socket = connectUi(agent.ui.url);
    const seen = statuses(socket);
    await waitFor('connected', () => seen.some((status) => status.hubConnected));
    expect(seen[seen.length - 1]?.devices.map((device) => device.deviceId)).toEqual(['virtual-receipt-printer', 'virtual-document-printer']);

    const before = seen.length;
    await hub.stop();
    await waitFor('a disconnected status', () => seen.slice(before).some((status) => !status.hubConnected));
    const offline = seen.length;
    await hub.start();
    await waitFor('a connected status again', () => seen.slice(offline).some((status) => status.hubConnected));
    expect(seen.every((status) => status.kioskId === 'kiosk-ui-hub')).toBe(true);

    const health = await get(agent.ui.port, '/health');
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', hubConnected: true, backlog: expect.any(Number) });
  });

  it('records device health changes in the outbox and pushes them to the UI', async () => {
    const devices = new DeviceRegistry();
    const printer = new VirtualDevice('receipt-1', 'receipt-printer', systemClock);
    devices.register(printer);
    const config = testConfig(tmp.dir, hub, { AGENT_ENROLMENT_CODE: hub.createEnrolmentCode('kiosk-ui-devices') });
    agent = await startTestAgent(hub, config, { devices });
    socket = connectUi(agent.ui.url);
    const seen = statuses(socket);
    await waitFor('first status', () => seen.length > 0);
    printer.setHealth('error', ['paper-end']);
    await waitFor('the warning status', () => seen.some((status) => status.devices[0]?.status === 'error'));
    await waitFor('the hub has the event', () =>
      [...hub.events.values()].some((event) => event.type === 'device.health.changed' && event.payload.status === 'error'),
    );
  });
});

