/**
 * Hub → kiosk commands against a real hub: persisted first, delivered on connect (or at once when the
 * kiosk is online), marked delivered only on the agent's receipt, never sent again after that, never
 * sent once expired, and completed by the agent's `command.result` outbox event.
 */
import { v7 as uuidv7 } from 'uuid';
import { OutboxEventSchema, PROTOCOL_VERSION, type CommandReceipt, type HubCommand } from '@kiosk/protocols';
import type { CommandView } from '../src/dtos/command.dto';
import { FLEET_SWEEP } from '../src/services/sweep.service';
import { ConsoleClient } from './support/console-client';
import { ManualClock } from './support/manual-clock';
import { ManualScheduler } from './support/manual-scheduler';
import { TestHub } from './support/test-hub';
import { connectAgent, enrolKiosk, signedAuth, type AgentClientSocket, type EnrolledKiosk } from './support/agent-client';

/** An agent that records every command it gets and answers with `receipt`. */
class FakeAgentEnd {
  readonly received: HubCommand[] = [];
  private waiters: Array<() => void> = [];

  constructor(
    readonly socket: AgentClientSocket,
    private readonly receipt: (command: HubCommand) => CommandReceipt = () => ({ ok: true, duplicate: false }),
  ) {
    socket.on('command', (command, ack) => {
      this.received.push(command);
      ack(this.receipt(command));
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  async waitFor(commandId: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!this.received.some((c) => c.commandId === commandId)) {
      if (Date.now() > deadline) throw new Error(`command ${commandId} not received`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  async hello(): Promise<void> {
    await this.socket.timeout(5000).emitWithAck('hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '0.1.0' });
  }
}

describe('commands', () => {
  const clock = new ManualClock(new Date());
  const scheduler = new ManualScheduler();
  let hub: TestHub;
  let kiosk: EnrolledKiosk;
  const agents: FakeAgentEnd[] = [];

  beforeAll(async () => {
    hub = await TestHub.start({ overrides: { clock, scheduler } });
  });

  beforeEach(async () => {
    kiosk = await enrolKiosk(hub);
  });

  afterEach(() => {
    for (const agent of agents.splice(0)) agent.socket.close();
  });

  afterAll(async () => {
    await hub.close();
  });

  async function connect(receipt?: (command: HubCommand) => CommandReceipt): Promise<FakeAgentEnd> {
    // The handshake is judged by the hub's clock, which this suite moves by hand.
    const { socket, refusal } = await connectAgent(hub.url, signedAuth(kiosk.kioskId, kiosk.privateKey, { timestamp: clock.now().getTime() }), (s) => {
      agents.push(new FakeAgentEnd(s, receipt));
    });
    if (refusal) throw new Error(refusal.code);
    const agent = agents.find((a) => a.socket === socket);
    if (!agent) throw new Error('agent not registered');
    return agent;
  }

  async function create(body: unknown, kioskId = kiosk.kioskId): Promise<string> {
    const { status, body: response } = await hub.api('POST', `/api/kiosks/${kioskId}/commands`, body);
    if (status !== 201) throw new Error(`create command: ${status} ${JSON.stringify(response)}`);
    return (response as { commandId: string }).commandId;
  }

  async function status(commandId: string): Promise<CommandView | undefined> {
    const { body } = await hub.api('GET', `/api/kiosks/${kiosk.kioskId}/commands`);
    return (body as CommandView[]).find((c) => c.commandId === commandId);
  }

  async function waitForStatus(commandId: string, wanted: CommandView['status']): Promise<void> {
    const deadline = Date.now() + 5000;
    while ((await status(commandId))?.status !== wanted) {
      if (Date.now() > deadline) throw new Error(`command ${commandId} never became ${wanted}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('delivers a command queued while the kiosk was offline once, on connect, and never again', async () => {
    const commandId = await create({ type: 'device.test-print', params: { deviceId: 'receipt-printer' } });
    expect(await status(commandId)).toMatchObject({ status: 'queued', type: 'device.test-print', params: { deviceId: 'receipt-printer' } });

    const first = await connect();
    await first.hello();
    await first.waitFor(commandId);
    await waitForStatus(commandId, 'delivered');
    expect(first.received.map((c) => c.commandId)).toEqual([commandId]);
    first.socket.close();

    const second = await connect();
    await second.hello();
    // A command created now is sent after anything the hello would still have sent.
    const marker = await create({ type: 'ping', params: {} });
    await second.waitFor(marker);
    expect(second.received.map((c) => c.commandId)).toEqual([marker]);
  });

  it('delivers at once to an online kiosk, and completes it from the command.result event', async () => {
    const agent = await connect();
    await agent.hello();
    const commandId = await create({ type: 'service.set', params: { inService: false, reason: 'maintenance' } });
    await agent.waitFor(commandId);
    await waitForStatus(commandId, 'delivered');

    const result = OutboxEventSchema.parse({
      id: uuidv7(),
      kioskId: kiosk.kioskId,
      seq: 1,
      occurredAt: new Date().toISOString(),
      type: 'command.result',
      payload: { commandId, status: 'succeeded', detail: 'out of service' },
    });
    expect(await agent.socket.timeout(5000).emitWithAck('events', { events: [result] })).toMatchObject({ ok: true, stored: 1 });
    expect(await status(commandId)).toMatchObject({ status: 'succeeded', detail: 'out of service', completedAt: expect.any(String) as string });
  });

  it('never delivers an expired command', async () => {
    const expiring = await create({ type: 'config.refresh', params: {}, ttlSeconds: 60 });
    clock.advance(61_000);
    const agent = await connect();
    await agent.hello();
    const marker = await create({ type: 'ping', params: {} });
    await agent.waitFor(marker);
    expect(agent.received.map((c) => c.commandId)).toEqual([marker]);
    expect(await status(expiring)).toMatchObject({ status: 'expired', deliveredAt: null });
  });

  it('tracks a command to an offline kiosk like a delivery: queued, delivered once on reconnect, succeeded; all audited and pushed', async () => {
    const admin = await ConsoleClient.connect(hub.url, hub.hub.adminToken);
    try {
      const commandId = await create({ type: 'device.test-print', params: { deviceId: 'receipt-printer' }, ttlSeconds: 600 });
      await admin.waitFor('command.updated', (c) => c.commandId === commandId && c.status === 'queued');
      // Still offline when the sweep runs: nothing happens to an unexpired command.
      clock.advance(60_000);
      await scheduler.run(FLEET_SWEEP);
      expect((await status(commandId))?.status).toBe('queued');

      const agent = await connect();
      await agent.hello();
      await agent.waitFor(commandId);
      await admin.waitFor('command.updated', (c) => c.commandId === commandId && c.status === 'delivered');
      // Reconnecting, sweeping and new commands never send it again.
      agent.socket.close();
      const again = await connect();
      await again.hello();
      await scheduler.run(FLEET_SWEEP);
      const marker = await create({ type: 'ping', params: {} });
      await again.waitFor(marker);
      expect([...agent.received, ...again.received].filter((c) => c.commandId === commandId)).toHaveLength(1);

      const result = OutboxEventSchema.parse({
        id: uuidv7(),
        kioskId: kiosk.kioskId,
        seq: 1,
        occurredAt: clock.now().toISOString(),
        type: 'command.result',
        payload: { commandId, status: 'succeeded', detail: 'test page printed' },
      });
      expect(await again.socket.timeout(5000).emitWithAck('events', { events: [result] })).toMatchObject({ ok: true, stored: 1 });
      expect(await admin.waitFor('command.updated', (c) => c.commandId === commandId && c.status === 'succeeded')).toMatchObject({
        detail: 'test page printed',
        issuedBy: 'admin-token',
      });
      const trail = await hub.rows('SELECT action, actor FROM audit_log WHERE target = ? ORDER BY seq', commandId);
      expect(trail).toEqual([
        { action: 'command.sent', actor: 'admin-token' },
        { action: 'command.delivered', actor: `kiosk:${kiosk.kioskId}` },
        { action: 'command.succeeded', actor: `kiosk:${kiosk.kioskId}` },
      ]);
    } finally {
      admin.close();
    }
  });

  it('expires a command the kiosk was not back for in time, on the sweep (audited, pushed), and never delivers it', async () => {
    const admin = await ConsoleClient.connect(hub.url, hub.hub.adminToken);
    try {
      const commandId = await create({ type: 'service.set', params: { inService: false, reason: 'maintenance' }, ttlSeconds: 120 });
      clock.advance(121_000);
      await scheduler.run(FLEET_SWEEP);
      expect(await admin.waitFor('command.updated', (c) => c.commandId === commandId && c.status === 'expired')).toMatchObject({ deliveredAt: null });
      expect(await hub.count("SELECT count(*) FROM audit_log WHERE action = 'command.expired' AND target = ? AND actor_kind = 'system'", commandId)).toBe(1);

      const agent = await connect();
      await agent.hello();
      const marker = await create({ type: 'ping', params: {} });
      await agent.waitFor(marker);
      expect(agent.received.map((c) => c.commandId)).toEqual([marker]);
    } finally {
      admin.close();
    }
  });

  it('keeps a command queued when the agent could not record it, and marks one it cannot parse failed', async () => {
    const retried = await create({ type: 'ping', params: {} });
    const flaky = await connect(() => ({ ok: false, error: { code: 'internal', message: 'disk full' } }));
    await flaky.hello();
    await flaky.waitFor(retried);
    await hub.logs.waitFor('agent could not record command; stays queued', { commandId: retried, code: 'internal' });
    expect((await status(retried))?.status).toBe('queued');
    flaky.socket.close();

    const refusing = await connect(() => ({ ok: false, error: { code: 'invalid_message', message: 'unknown command' } }));
    await refusing.hello();
    await refusing.waitFor(retried);
    await waitForStatus(retried, 'failed');
    expect(await status(retried)).toMatchObject({ detail: 'unknown command' });
  });

  it('validates the request against the protocol command schema', async () => {
    const missing = await hub.api('POST', `/api/kiosks/${kiosk.kioskId}/commands`, { type: 'device.reset', params: {} });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ ok: false, error: { code: 'invalid_message', issues: [{ path: 'params.deviceId' }] } });
    const unknownType = await hub.api('POST', `/api/kiosks/${kiosk.kioskId}/commands`, { type: 'self-destruct', params: {} });
    expect(unknownType.body).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    const ttl = await hub.api('POST', `/api/kiosks/${kiosk.kioskId}/commands`, { type: 'ping', params: {}, ttlSeconds: 0 });
    expect(ttl.status).toBe(400);
    expect(await hub.count('SELECT count(*) FROM commands WHERE kiosk_id = ?', kiosk.kioskId)).toBe(0);
  });

  it('answers 404 for an unknown kiosk and 401 without a session or admin token', async () => {
    expect(await hub.api('POST', '/api/kiosks/kiosk-nobody00/commands', { type: 'ping', params: {} })).toMatchObject({
      status: 404,
      body: { ok: false, error: { code: 'not_found' } },
    });
    expect((await hub.api('GET', `/api/kiosks/${kiosk.kioskId}/commands`, undefined, null)).status).toBe(401);
  });
});
