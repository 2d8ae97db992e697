/**
 * The hub's HTTP face and the console's live view, against a real hub: health, structured errors,
 * the console's static files (or a 503 while it is not built), the fleet list, and `/console` pushes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import {
  CONSOLE_NAMESPACE,
  KioskSummarySchema,
  PROTOCOL_VERSION,
  type ConsoleToHubEvents,
  type HubToConsoleEvents,
  type KioskSummary,
} from '@kiosk/protocols';
import { TestHub } from './support/test-hub';
import { connectAgent, enrolKiosk, signedAuth } from './support/agent-client';

type ConsoleSocket = Socket<HubToConsoleEvents, ConsoleToHubEvents>;

describe('REST', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await TestHub.start();
  });

  afterAll(async () => {
    await hub.close();
  });

  it('reports health after checking the database', async () => {
    expect(await hub.api('GET', '/health', undefined, null)).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('answers unknown routes and malformed JSON with the structured error body, no stack', async () => {
    expect(await hub.api('GET', '/api/nothing-here')).toEqual({
      status: 404,
      body: { ok: false, error: { code: 'not_found', message: expect.any(String) as string } },
    });
    const response = await fetch(`${hub.url}/api/kiosks/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code":' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { ok: boolean; error: { code: string; message: string } };
    expect(body).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('redirects / to the console and answers 503 while the console is not built', async () => {
    const root = await fetch(`${hub.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    const console = await fetch(`${hub.url}/console/`);
    expect(console.status).toBe(503);
    expect(await console.text()).toContain('not built');
  });

  it('lists kiosks for the operator only', async () => {
    const { kioskId } = await enrolKiosk(hub);
    const { status, body } = await hub.api('GET', '/api/kiosks');
    expect(status).toBe(200);
    const kiosks = (body as unknown[]).map((k) => KioskSummarySchema.parse(k));
    expect(kiosks.find((k) => k.kioskId === kioskId)).toMatchObject({ enrolled: true, online: false, municipality: '豊中市' });
    expect((await hub.api('GET', '/api/kiosks', undefined, null)).status).toBe(401);
  });
});

describe('console', () => {
  let hub: TestHub;
  let consoleSocket: ConsoleSocket;
  const updates: KioskSummary[] = [];

  beforeAll(async () => {
    hub = await TestHub.start();
    const consoleDir = path.join(hub.dir, 'console-build');
    mkdirSync(path.join(consoleDir, 'assets'), { recursive: true });
    writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(consoleDir, 'assets', 'app.js'), 'export {};');
    await hub.stop();
    await hub.listen({ config: { consoleDir } });
    consoleSocket = io(`${hub.url}${CONSOLE_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: hub.hub.adminToken } });
    consoleSocket.on('kiosk.updated', (summary) => updates.push(KioskSummarySchema.parse(summary)));
    // Since issue 12 the hub coalesces them: every kiosk that changed within a second, in one message.
    consoleSocket.on('kiosks.updated', (summaries) => updates.push(...summaries.map((summary) => KioskSummarySchema.parse(summary))));
    await new Promise<void>((resolve, reject) => {
      consoleSocket.once('connect', resolve);
      consoleSocket.once('connect_error', reject);
    });
  });

  afterAll(async () => {
    consoleSocket.close();
    await hub.close();
  });

  async function waitForUpdate(match: (summary: KioskSummary) => boolean): Promise<KioskSummary> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = updates.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('no matching kiosk.updated');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('serves the built console, with client-side routes falling back to index.html', async () => {
    expect(await (await fetch(`${hub.url}/console/`)).text()).toContain('<title>console</title>');
    expect((await fetch(`${hub.url}/console/assets/app.js`)).status).toBe(200);
    expect(await (await fetch(`${hub.url}/console/kiosks/kiosk-abc`)).text()).toContain('<title>console</title>');
    expect((await fetch(`${hub.url}/console/assets/missing.js`)).status).toBe(404);
  });

  it('lists kiosks and pushes enrolment, connect, telemetry and disconnect', async () => {
    const kiosk = await enrolKiosk(hub);
    await waitForUpdate((s) => s.kioskId === kiosk.kioskId && s.enrolled && !s.online);

    const listed = await consoleSocket.timeout(5000).emitWithAck('kiosks.list');
    expect(listed.map((k: unknown) => KioskSummarySchema.parse(k).kioskId)).toContain(kiosk.kioskId);

    const { socket } = await connectAgent(hub.url, signedAuth(kiosk.kioskId, kiosk.privateKey));
    await waitForUpdate((s) => s.kioskId === kiosk.kioskId && s.online);
    await socket.timeout(5000).emitWithAck('hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '1.2.3' });
    await socket.timeout(5000).emitWithAck('telemetry', {
      sentAt: new Date().toISOString(),
      outbox: { backlog: 3, oldestOccurredAt: new Date().toISOString(), lastSeq: 3 },
      devices: [{ deviceId: 'coin-1', kind: 'coin-acceptor', status: 'error', reasons: ['coin-jam'], since: new Date().toISOString() }],
      agent: { version: '1.2.3', uptimeSeconds: 1, rssBytes: 1, outOfService: false },
    });
    const withTelemetry = await waitForUpdate((s) => s.kioskId === kiosk.kioskId && s.outboxBacklog === 3);
    expect(withTelemetry).toMatchObject({ online: true, agentVersion: '1.2.3', devices: [{ deviceId: 'coin-1', status: 'error' }] });
    expect(withTelemetry.lastHeartbeatAt).not.toBeNull();

    socket.close();
    await waitForUpdate((s) => s.kioskId === kiosk.kioskId && !s.online && s.outboxBacklog === 3);
  });
});
