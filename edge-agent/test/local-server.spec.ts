/**
 * The agent's local server on 127.0.0.1: static kiosk UI (no way out of its directory), /health, and the
 * `/ui` socket.io namespace, including status pushed when the real hub connection comes and goes.
 */
import { request } from 'node:http';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { DEVICE_PANEL_NAMESPACE, UI_NAMESPACE, type AgentStatus, type AgentToUiEvents, type UiToAgentEvents } from '@kiosk/protocols';
import type { RunningAgent } from '../src/agent';
import { systemClock } from '../src/clock';
import { DeviceRegistry } from '../src/hardware/device-manager';
import { ScriptedDevice } from './support/scripted-device';
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
  let sessions: KioskSessions;
  let printer: ScriptedDevice;
  let port: number;
  let url: string;
  const sockets: UiSocket[] = [];

  async function start(uiDir: string): Promise<void> {
    const devices = new DeviceRegistry();
    printer = new ScriptedDevice('receipt-printer', 'receipt-printer', systemClock);
    devices.register(printer);
    devices.onHealthChange(() => state.devicesChanged());
    state = new AgentState('kiosk-ui-test', devices, { outOfService: false });
    server = new LocalServer({
      port: 0,
      uiDir,
      state,
      sessions: (sessions = new KioskSessions(state, systemClock, silentLogger)),
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
      expect(seen[0]?.devices).toEqual([expect.objectContaining({ deviceId: 'receipt-printer', status: 'ok' })]);

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

  it('ends the session when the screen socket that began it drops (one end, with its reason), not when another socket does', async () => {
    const ends: Array<string | null> = [];
    sessions.onChange((session, ended) => {
      if (session === null) ends.push(ended);
    });
    const screen = connectUi(url);
    const other = connectUi(url);
    sockets.push(screen, other);
    const begun = await screen.timeout(2000).emitWithAck('session.begin', { service: 'lottery', language: 'ja' });
    if (!begun.ok) throw new Error('session.begin refused');
    await other.timeout(2000).emitWithAck('status.get');
    other.close();
    await screen.timeout(2000).emitWithAck('status.get');
    expect(sessions.current()).toEqual({ sessionId: begun.sessionId, service: 'lottery' });
    screen.close();
    await waitFor('the session ended', () => sessions.current() === null);
    expect(ends).toEqual(['screen-lost']);

    // A session the screen ended itself is over: its socket dropping later (screenLost) ends nothing more.
    const again = connectUi(url);
    sockets.push(again);
    const second = await again.timeout(2000).emitWithAck('session.begin', { service: 'certificates', language: 'ja' });
    if (!second.ok) throw new Error('session.begin refused');
    expect(await again.timeout(2000).emitWithAck('session.end', { reason: 'idle-timeout' })).toEqual({ ok: true });
    const third = sessions.begin({ service: 'lottery', language: 'ja' });
    sessions.screenLost(second.sessionId);
    expect(sessions.current()?.sessionId).toBe(third.ok ? third.sessionId : 'none');
    expect(ends).toEqual(['screen-lost', 'idle-timeout']);
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
    const config = testConfig(tmp.dir, hub, { AGENT_ENROLMENT_CODE: hub.createEnrolmentCode('kiosk-ui-hub') });
    agent = await startTestAgent(hub, config);
    socket = connectUi(agent.ui.url);
    const seen = statuses(socket);
    await waitFor('connected', () => seen.some((status) => status.hubConnected));
    // AGENT_DEVICES defaults to none: no device is claimed that is not there.
    expect(seen[seen.length - 1]?.devices).toEqual([]);

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
    const printer = new ScriptedDevice('receipt-1', 'receipt-printer', systemClock);
    devices.register(printer);
    const config = testConfig(tmp.dir, hub, { AGENT_ENROLMENT_CODE: hub.createEnrolmentCode('kiosk-ui-devices') });
    agent = await startTestAgent(hub, config, { devices });
    socket = connectUi(agent.ui.url);
    const seen = statuses(socket);
    await waitFor('first status', () => seen.length > 0);
    printer.setHealth('error', ['paper-end'], 'first poll');
    // The same state re-read (new detail and timestamp) is not a change: no second event.
    printer.setHealth('error', ['paper-end'], 'second poll');
    printer.setHealth('ok');
    await waitFor('the error status', () => seen.some((status) => status.devices[0]?.status === 'error'));
    const healthEvents = () => [...hub.events.values()].filter((event) => event.type === 'device.health.changed').map((event) => event.payload);
    await waitFor('the hub has both events', () => healthEvents().length >= 2);
    expect(healthEvents().map((health) => [health.status, health.detail])).toEqual([
      ['error', 'first poll'],
      ['ok', undefined],
    ]);
  });
});


describe('device panel hosting (demo mode)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: LocalServer;
  let port: number;
  let url: string;
  const sockets: Socket[] = [];

  function writePanelBuild(dir: string): void {
    mkdirSync(path.join(dir, 'assets'), { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>device panel</title><script src="/panel/assets/panel-9f8e.js"></script>');
    writeFileSync(path.join(dir, 'assets', 'panel-9f8e.js'), 'console.log("panel");');
  }

  async function start(panelDir: string | null): Promise<void> {
    const devices = new DeviceRegistry();
    const state = new AgentState('kiosk-panel-test', devices, { outOfService: false });
    server = new LocalServer({
      port: 0,
      uiDir: path.join(tmp.dir, 'ui'),
      state,
      sessions: new KioskSessions(state, systemClock, silentLogger),
      backlog: () => 0,
      // The namespace's behaviour is tested against the real virtual devices in devices.spec.ts.
      ...(panelDir ? { panel: { dir: panelDir, attach: () => () => undefined } } : {}),
      logger: silentLogger,
    });
    ({ port, url } = await server.start());
  }

  function connectPanel(): Socket {
    const socket = io(`${url.replace(/\/$/, '')}${DEVICE_PANEL_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    return socket;
  }

  beforeEach(() => {
    tmp = tempDir('panel');
    writeUiBuild(path.join(tmp.dir, 'ui'));
    writePanelBuild(path.join(tmp.dir, 'panel'));
    writeFileSync(path.join(tmp.dir, 'secret.txt'), 'TOP-SECRET-CONTENT');
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await server.stop();
    tmp.cleanup();
  });

  it('serves the panel under /panel/ with the kiosk UI rules, and redirects /panel', async () => {
    await start(path.join(tmp.dir, 'panel'));
    expect(await get(port, '/panel')).toMatchObject({ status: 301 });
    const redirect = await new Promise<string | undefined>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/panel?lang=en' }, (response) => {
        response.resume();
        resolve(response.headers.location);
      })
        .on('error', reject)
        .end();
    });
    expect(redirect).toBe('/panel/?lang=en');
    const index = await get(port, '/panel/');
    expect(index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', body: expect.stringContaining('device panel') });
    expect(await get(port, '/panel/assets/panel-9f8e.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect(await get(port, '/panel/coins')).toMatchObject({ status: 200, body: index.body });
    expect(await get(port, '/panel/assets/missing.js')).toMatchObject({ status: 404 });
    for (const rawPath of ['/panel/../secret.txt', '/panel/%2e%2e/secret.txt', '/panel/.hidden']) {
      const refused = await get(port, rawPath);
      expect([400, 403]).toContain(refused.status);
      expect(refused.body).not.toContain('TOP-SECRET-CONTENT');
    }
    expect((await get(port, '/')).body).toContain('<title>kiosk</title>');
    expect(await get(port, '/panel/', { host: 'evil.example' })).toMatchObject({ status: 403 });

    const socket = connectPanel();
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
  });

  it('says the panel is not built when its directory is missing', async () => {
    await start(path.join(tmp.dir, 'no-panel-build'));
    const response = await get(port, '/panel/');
    expect(response.status).toBe(503);
    expect(response.body).toContain('device panel is not built');
  });

  it('has no panel socket and no panel page on a kiosk that is not in demo mode', async () => {
    await start(null);
    const error = await new Promise<Error>((resolve, reject) => {
      const socket = connectPanel();
      socket.once('connect', () => reject(new Error('the /panel namespace answered')));
      socket.once('connect_error', resolve);
    });
    expect(error.message).toMatch(/namespace/i);
    // /panel is then just a client route of the kiosk UI, and nothing is under /panel/.
    expect((await get(port, '/panel')).body).toContain('<title>kiosk</title>');
    expect(await get(port, '/panel/')).toMatchObject({ status: 404 });
  });
});
