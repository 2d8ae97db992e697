/**
 * `cash.collected` against a real hub: a viewer cannot send it (refused and audited, nothing queued); a
 * technician's is queued and audited, reaches the kiosk, and the kiosk's `cash.collected` event is stored
 * once however often the batch is resent, its result completing the command.
 */
import { v7 as uuidv7 } from 'uuid';
import { OutboxEventSchema, PROTOCOL_VERSION, type HubCommand } from '@kiosk/protocols';
import type { CommandView } from '../src/dtos/command.dto';
import { ConsoleClient } from './support/console-client';
import { ManualClock } from './support/manual-clock';
import { ManualScheduler } from './support/manual-scheduler';
import { TestHub } from './support/test-hub';
import { connectAgent, enrolKiosk, signedAuth, type AgentClientSocket, type EnrolledKiosk } from './support/agent-client';

describe('cash.collected', () => {
  const clock = new ManualClock(new Date());
  const scheduler = new ManualScheduler();
  let hub: TestHub;
  let kiosk: EnrolledKiosk;
  const tokens: Record<string, string> = {};
  const consoles: ConsoleClient[] = [];
  const sockets: AgentClientSocket[] = [];

  beforeAll(async () => {
    hub = await TestHub.start({ overrides: { clock, scheduler } });
    kiosk = await enrolKiosk(hub, { municipality: '豊中市', site: '豊島体育館' });
    for (const [username, role] of [
      ['viewer-cash', 'viewer'],
      ['tech-cash', 'technician'],
      ['admin-cash', 'administrator'],
    ] as const) {
      tokens[username] = await hub.login(username, await hub.createUser(username, role, '豊中市'));
    }
  });

  afterAll(async () => {
    for (const client of consoles) client.close();
    for (const socket of sockets) socket.close();
    await hub.close();
  });

  async function consoleAs(username: string): Promise<ConsoleClient> {
    const client = await ConsoleClient.connect(hub.url, tokens[username]);
    consoles.push(client);
    return client;
  }

  async function commandView(commandId: string): Promise<CommandView | undefined> {
    const { body } = await hub.api('GET', `/api/kiosks/${kiosk.kioskId}/commands`);
    return (body as CommandView[]).find((command) => command.commandId === commandId);
  }

  const stored = () => hub.count("SELECT count(*) FROM events WHERE kiosk_id = ? AND type = 'cash.collected'", kiosk.kioskId);

  it('refuses a viewer, audits the refusal, and queues nothing', async () => {
    const admin = await consoleAs('admin-cash');
    const viewer = await consoleAs('viewer-cash');
    const refused = await viewer.request('command.send', { kioskId: kiosk.kioskId, type: 'cash.collected', params: { countedYen: 600 } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const audited = await admin.waitFor('audit.appended', (entry) => entry.actor === 'viewer-cash' && entry.action === 'command.sent');
    expect(audited).toMatchObject({ outcome: 'refused', kioskId: kiosk.kioskId, detail: { reason: 'role', type: 'cash.collected' } });
    expect(await hub.count("SELECT count(*) FROM commands WHERE kiosk_id = ? AND type = 'cash.collected'", kiosk.kioskId)).toBe(0);
  });

  it('refuses a counted amount the protocol would refuse', async () => {
    const tech = await consoleAs('tech-cash');
    expect(await tech.request('command.send', { kioskId: kiosk.kioskId, type: 'cash.collected', params: { countedYen: -1 } })).toMatchObject({ ok: false });
    expect(await hub.count("SELECT count(*) FROM commands WHERE kiosk_id = ? AND type = 'cash.collected'", kiosk.kioskId)).toBe(0);
  });

  it('queues a technician’s, audits it, and stores the kiosk’s event once', async () => {
    const admin = await consoleAs('admin-cash');
    const tech = await consoleAs('tech-cash');
    const sent = await tech.request('command.send', { kioskId: kiosk.kioskId, type: 'cash.collected', params: { countedYen: 500 } });
    if (!sent.ok) throw new Error(sent.error.message);
    expect(await tech.waitFor('command.updated', (command) => command.commandId === sent.commandId)).toMatchObject({
      status: 'queued',
      type: 'cash.collected',
      params: { countedYen: 500 },
      issuedBy: 'tech-cash',
    });
    expect(await admin.waitFor('audit.appended', (entry) => entry.target === sent.commandId)).toMatchObject({ action: 'command.sent', outcome: 'ok', actor: 'tech-cash' });

    const received: HubCommand[] = [];
    const { socket, refusal } = await connectAgent(hub.url, signedAuth(kiosk.kioskId, kiosk.privateKey, { timestamp: clock.now().getTime() }), (s) => {
      sockets.push(s);
      s.on('command', (command, ack) => {
        received.push(command);
        ack({ ok: true, duplicate: false });
      });
    });
    if (refusal) throw new Error(refusal.code);
    await socket.timeout(5000).emitWithAck('hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '0.1.0' });
    const deadline = Date.now() + 5000;
    while (!received.some((command) => command.commandId === sent.commandId)) {
      if (Date.now() > deadline) throw new Error('command not delivered');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(received.find((command) => command.commandId === sent.commandId)).toMatchObject({ type: 'cash.collected', params: { countedYen: 500 } });

    const occurredAt = clock.now().toISOString();
    const events = [
      { id: uuidv7(), kioskId: kiosk.kioskId, seq: 1, occurredAt, type: 'cash.collected', payload: { commandId: sent.commandId, countedYen: 500, recordedCoins: 2, recordedYen: 600 } },
      { id: uuidv7(), kioskId: kiosk.kioskId, seq: 2, occurredAt, type: 'command.result', payload: { commandId: sent.commandId, status: 'succeeded', detail: 'WARNING: counted ¥500, ¥100 less than recorded' } },
    ].map((event) => OutboxEventSchema.parse(event));
    expect(await socket.timeout(5000).emitWithAck('events', { events })).toMatchObject({ ok: true, stored: 2, duplicates: 0 });
    // The agent resends when an ack is lost: nothing is stored twice.
    expect(await socket.timeout(5000).emitWithAck('events', { events })).toMatchObject({ ok: true, stored: 0, duplicates: 2 });
    expect(await stored()).toBe(1);
    expect(await commandView(sent.commandId)).toMatchObject({ status: 'succeeded', detail: expect.stringContaining('WARNING') as unknown });
  });
});
