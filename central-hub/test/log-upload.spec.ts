/**
 * `logs.upload` against a real hub: the kiosk's chunks are accepted only for its own running
 * `logs.upload` command, resends are harmless, and the download is for technicians of the kiosk's
 * municipality only (viewers may not even ask for an upload); every download and refusal is audited.
 * `agent.restart` is an ordinary queued command on the hub's side.
 */
import { v7 as uuidv7 } from 'uuid';
import { OutboxEventSchema, PROTOCOL_VERSION, type CommandView, type HubCommand, type LogChunk, type SimpleAck } from '@kiosk/protocols';
import { uploadComplete } from '../src/services/log-upload.service';
import { TestHub } from './support/test-hub';
import { connectAgent, enrolKiosk, signedAuth, type AgentClientSocket, type EnrolledKiosk } from './support/agent-client';

describe('log upload', () => {
  let hub: TestHub;
  let kiosk: EnrolledKiosk;
  let otherKiosk: EnrolledKiosk;
  let socket: AgentClientSocket;
  let otherSocket: AgentClientSocket;
  const received: HubCommand[] = [];
  let seq = 0;

  beforeAll(async () => {
    hub = await TestHub.start();
    kiosk = await enrolKiosk(hub);
    otherKiosk = await enrolKiosk(hub, { municipality: '吹田市', site: '吹田市役所' });
    const connected = await connectAgent(hub.url, signedAuth(kiosk.kioskId, kiosk.privateKey), (s) => {
      s.on('command', (command, ack) => {
        received.push(command);
        ack({ ok: true, duplicate: false });
      });
    });
    if (connected.refusal) throw new Error(connected.refusal.code);
    socket = connected.socket;
    await socket.timeout(5000).emitWithAck('hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '0.1.0' });
    const other = await connectAgent(hub.url, signedAuth(otherKiosk.kioskId, otherKiosk.privateKey));
    if (other.refusal) throw new Error(other.refusal.code);
    otherSocket = other.socket;
    await hub.createUser('tech-toyonaka', 'technician', '豊中市');
    await hub.createUser('viewer-toyonaka', 'viewer', '豊中市');
    await hub.createUser('tech-suita', 'technician', '吹田市');
  });

  afterAll(async () => {
    socket.close();
    otherSocket.close();
    await hub.close();
  });

  async function token(username: string): Promise<string> {
    return hub.login(username, `${username}-password-1`);
  }

  async function create(body: unknown, as: string | null = null): Promise<{ status: number; commandId: string }> {
    const { status, body: response } = await hub.api('POST', `/api/kiosks/${kiosk.kioskId}/commands`, body, as === null ? undefined : await token(as));
    return { status, commandId: (response as { commandId?: string } | undefined)?.commandId ?? '' };
  }

  async function commandView(commandId: string): Promise<CommandView | undefined> {
    const { body } = await hub.api('GET', `/api/kiosks/${kiosk.kioskId}/commands`);
    return (body as CommandView[]).find((c) => c.commandId === commandId);
  }

  async function waitDelivered(commandId: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while ((await commandView(commandId))?.status !== 'delivered') {
      if (Date.now() > deadline) throw new Error(`command ${commandId} never delivered`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  function sendChunk(from: AgentClientSocket, chunk: LogChunk): Promise<SimpleAck> {
    return from.timeout(5000).emitWithAck('logs.chunk', chunk) as Promise<SimpleAck>;
  }

  async function succeed(commandId: string): Promise<void> {
    seq += 1;
    const result = OutboxEventSchema.parse({
      id: uuidv7(),
      kioskId: kiosk.kioskId,
      seq,
      occurredAt: new Date().toISOString(),
      type: 'command.result',
      payload: { commandId, status: 'succeeded', detail: 'uploaded' },
    });
    expect(await socket.timeout(5000).emitWithAck('events', { events: [result] })).toMatchObject({ ok: true, stored: 1 });
  }

  async function download(commandId: string, as: string | null): Promise<Response> {
    return fetch(`${hub.url}/api/kiosks/${kiosk.kioskId}/commands/${commandId}/logs`, {
      headers: { authorization: `Bearer ${as === null ? hub.hub.adminToken : await token(as)}` },
    });
  }

  function auditOf(commandId: string): Promise<{ action: string; outcome: string; actor: string }[]> {
    return hub.rows('SELECT action, outcome, actor FROM audit_log WHERE target = ? ORDER BY seq', commandId);
  }

  it('refuses a logs.upload with N outside 1..60 minutes, and a viewer asking for one (audited)', async () => {
    expect((await create({ type: 'logs.upload', params: { minutes: 0 } })).status).toBe(400);
    expect((await create({ type: 'logs.upload', params: { minutes: 61 } })).status).toBe(400);
    expect((await create({ type: 'logs.upload', params: {} })).status).toBe(400);
    const before = await hub.count(`SELECT count(*) FROM audit_log WHERE action = 'command.sent' AND outcome = 'refused'`);
    expect((await create({ type: 'logs.upload', params: { minutes: 5 } }, 'viewer-toyonaka')).status).toBe(403);
    expect(await hub.count(`SELECT count(*) FROM audit_log WHERE action = 'command.sent' AND outcome = 'refused'`)).toBe(before + 1);
  });

  it('stores the chunks of a running logs.upload once, serves them to a technician of the municipality, and audits it', async () => {
    const { status, commandId } = await create({ type: 'logs.upload', params: { minutes: 5 } }, 'tech-toyonaka');
    expect(status).toBe(201);
    await waitDelivered(commandId);
    expect(received.find((c) => c.commandId === commandId)).toMatchObject({ type: 'logs.upload', params: { minutes: 5 } });

    const line = (n: number) => JSON.stringify({ level: 30, time: new Date().toISOString(), msg: `line ${n}` });
    expect(await sendChunk(socket, { commandId, index: 0, final: false, lines: [line(1), line(2)] })).toEqual({ ok: true });
    // A resend of chunk 0 with other content changes nothing.
    expect(await sendChunk(socket, { commandId, index: 0, final: false, lines: ['other'] })).toEqual({ ok: true });
    // Another kiosk cannot add to this kiosk's upload.
    expect(await sendChunk(otherSocket, { commandId, index: 1, final: true, lines: ['forged'] })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // A malformed chunk is refused by the schema.
    expect(await sendChunk(socket, { commandId, index: 1, final: true, lines: ['x'.repeat(5000)] })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(await sendChunk(socket, { commandId, index: 1, final: true, lines: [line(3)] })).toEqual({ ok: true });
    expect(await sendChunk(socket, { commandId, index: 2, final: true, lines: [line(4)] })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await succeed(commandId);
    // Once the command is finished, nothing more is accepted.
    expect(await sendChunk(socket, { commandId, index: 1, final: true, lines: [line(5)] })).toMatchObject({ ok: false, error: { code: 'conflict' } });

    const response = await download(commandId, 'tech-toyonaka');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(response.headers.get('content-disposition')).toContain(`attachment; filename="kiosk-${kiosk.kioskId}-logs-${commandId}.ndjson"`);
    expect(response.headers.get('x-log-complete')).toBe('true');
    const lines = (await response.text()).trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['line 1', 'line 2', 'line 3']);

    expect(await auditOf(commandId)).toEqual([
      { action: 'command.sent', outcome: 'ok', actor: 'tech-toyonaka' },
      { action: 'command.delivered', outcome: 'ok', actor: `kiosk:${kiosk.kioskId}` },
      { action: 'command.succeeded', outcome: 'ok', actor: `kiosk:${kiosk.kioskId}` },
      { action: 'logs.downloaded', outcome: 'ok', actor: 'tech-toyonaka' },
    ]);
  });

  it("refuses the download to another municipality's technician (not found) and to a viewer (forbidden), both audited", async () => {
    const { commandId } = await create({ type: 'logs.upload', params: { minutes: 1 } });
    await waitDelivered(commandId);
    expect(await sendChunk(socket, { commandId, index: 0, final: true, lines: ['{"msg":"only line"}'] })).toEqual({ ok: true });

    const foreign = await download(commandId, 'tech-suita');
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).not.toContain('only line');
    const viewer = await download(commandId, 'viewer-toyonaka');
    expect(viewer.status).toBe(403);
    expect(await viewer.text()).not.toContain('only line');
    expect((await auditOf(commandId)).filter((row) => row.action === 'logs.downloaded')).toEqual([
      { action: 'logs.downloaded', outcome: 'refused', actor: 'tech-suita' },
      { action: 'logs.downloaded', outcome: 'refused', actor: 'viewer-toyonaka' },
    ]);
    // The administrator (every municipality) may.
    expect((await download(commandId, null)).status).toBe(200);
  });

  it('refuses chunks for a command that is not a logs.upload, and a download of one', async () => {
    const { commandId } = await create({ type: 'agent.restart', params: {} });
    await waitDelivered(commandId);
    expect(received.find((c) => c.commandId === commandId)).toMatchObject({ type: 'agent.restart', params: {} });
    expect(await sendChunk(socket, { commandId, index: 0, final: true, lines: [] })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect((await download(commandId, null)).status).toBe(404);
    expect(await hub.count('SELECT count(*) FROM log_uploads WHERE command_id = ?', commandId)).toBe(0);
  });

  it('knows an upload is complete only with every chunk up to the final one', () => {
    expect(uploadComplete([])).toBe(false);
    expect(uploadComplete([{ index: 0, final: true }])).toBe(true);
    expect(uploadComplete([{ index: 0, final: false }])).toBe(false);
    expect(uploadComplete([{ index: 0, final: false }, { index: 2, final: true }])).toBe(false);
    expect(uploadComplete([{ index: 0, final: false }, { index: 1, final: true }])).toBe(true);
  });
});
