/**
 * The sync client against a real socket.io hub on loopback (test/support/mini-hub.ts): rows leave the
 * outbox only after the hub's ack, a dropped connection fails the in-flight request with
 * ConnectionLostError and the batch is sent again after reconnecting, duplicates are harmless, and a
 * hub lost at any point of the connect is followed by a new attempt (issue 12).
 */
import { generateKeyPairSync } from 'node:crypto';
import { PROTOCOL_VERSION, failure, type NewOutboxEvent } from '@kiosk/protocols';
import type { RunningAgent } from '../src/agent';
import { systemClock } from '../src/clock';
import type { AgentConfig } from '../src/config';
import { generateKioskKeyPair, KioskSigner } from '../src/identity/kiosk-keys';
import { AgentStore } from '../src/store/agent-store';
import { ConnectionLostError } from '../src/sync/errors';
import { HubSession } from '../src/sync/hub-session';
import { hubSocketFactory } from '../src/sync/socket-factory';
import { MiniHub, type HandshakeFault } from './support/mini-hub';
import { startTestAgent, tempDir, testConfig, waitFor } from './support/agent-harness';

jest.setTimeout(20_000);

const KIOSK = 'kiosk-sync-test';

function credit(): NewOutboxEvent {
  return { type: 'cash.credit', payload: { transactionId: '0190a7e2-1c2d-7e3f-8a4b-5c6d7e8f9a0b', coinYen: 100 } };
}

describe('sync client against a real socket.io hub', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: MiniHub;
  let config: AgentConfig;
  let agent: RunningAgent | null = null;

  beforeEach(async () => {
    tmp = tempDir('sync');
    hub = new MiniHub();
    await hub.start();
    config = testConfig(tmp.dir, hub, { AGENT_ENROLMENT_CODE: hub.createEnrolmentCode(KIOSK), AGENT_BATCH_SIZE: '10' });
  });

  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await hub.stop();
    tmp.cleanup();
    expect(hub.violations).toEqual([]);
  });

  /** Every seq 1..lastSeq held by the hub under the id the agent gave it, once; nothing left locally. */
  function expectDeliveredExactlyOnce(running: RunningAgent): void {
    const { lastSeq, backlog } = running.store.outbox.stats();
    expect(backlog).toBe(0);
    expect(hub.ackedThroughSeq()).toBe(lastSeq);
    expect(hub.events.size).toBe(lastSeq);
  }

  async function drained(running: RunningAgent): Promise<void> {
    await waitFor('the outbox is drained', () => {
      const { backlog, lastSeq } = running.store.outbox.stats();
      return backlog === 0 && hub.ackedThroughSeq() === lastSeq;
    });
  }

  it('enrols, connects, and delivers agent.started', async () => {
    agent = await startTestAgent(hub, config);
    expect(agent.kioskId).toBe(KIOSK);
    await drained(agent);
    expect([...hub.events.values()].map((event) => event.type)).toEqual(['agent.started']);
    expect(agent.state.connection()).toMatchObject({ hubConnected: true, hubRefusal: null });
  });

  it('removes rows only after the hub acks them', async () => {
    agent = await startTestAgent(hub, config);
    await drained(agent);
    hub.behaviour = () => 'hold';
    for (let i = 0; i < 5; i++) agent.store.outbox.enqueue(credit());
    await waitFor('the hub holds an unacked batch', () => hub.heldAcks() === 1);
    // The hub has committed the batch, but without its ack the agent keeps every row.
    expect(hub.ackedThroughSeq()).toBe(6);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(agent.store.outbox.stats().backlog).toBe(5);
    hub.behaviour = () => 'ack';
    expect(hub.releaseHeldAcks()).toBe(1);
    await drained(agent);
    expectDeliveredExactlyOnce(agent);
    expect(hub.duplicatesSeen).toBe(0);
  });

  it('resends after a drop before the hub committed, and stores each event once', async () => {
    agent = await startTestAgent(hub, config);
    await drained(agent);
    const connectionsBefore = hub.connections.length;
    hub.behaviour = (_, index) => (index === 1 ? 'drop-before-commit' : 'ack');
    for (let i = 0; i < 25; i++) agent.store.outbox.enqueue(credit());
    await drained(agent);
    expect(hub.connections.length).toBeGreaterThan(connectionsBefore);
    expectDeliveredExactlyOnce(agent);
  });

  it('after a lost ack, drops what the hub committed on the next hello; nothing is stored twice', async () => {
    agent = await startTestAgent(hub, config);
    await drained(agent);
    hub.behaviour = (_, index) => (index === 1 || index === 3 ? 'commit-then-drop' : 'ack');
    for (let i = 0; i < 25; i++) agent.store.outbox.enqueue(credit());
    await drained(agent);
    expect(hub.connections.length).toBeGreaterThanOrEqual(3);
    expectDeliveredExactlyOnce(agent);
  });

  it('absorbs duplicates when it resends batches the hub already committed', async () => {
    agent = await startTestAgent(hub, config);
    await drained(agent);
    // The hub's hello does not tell what it holds, so every batch whose ack was lost is sent again.
    hub.staleHello = true;
    hub.behaviour = (_, index) => (index === 1 || index === 3 ? 'commit-then-drop' : 'ack');
    for (let i = 0; i < 25; i++) agent.store.outbox.enqueue(credit());
    await drained(agent);
    expect(hub.duplicatesSeen).toBeGreaterThanOrEqual(20);
    expectDeliveredExactlyOnce(agent);
  });

  it('delivers what was enqueued while the hub was down, once each, after it comes back', async () => {
    agent = await startTestAgent(hub, config);
    await drained(agent);
    await hub.stop();
    await waitFor('the agent notices', () => !agent?.state.connection().hubConnected);
    // Written by another process's connection (as the operator tool would), and by the agent itself.
    const other = AgentStore.open(config.databaseFile, KIOSK, systemClock);
    try {
      for (let i = 0; i < 30; i++) other.outbox.enqueue(credit());
    } finally {
      other.close();
    }
    for (let i = 0; i < 5; i++) agent.store.outbox.enqueue(credit());
    expect(agent.store.outbox.stats().backlog).toBe(35);
    await hub.start();
    await drained(agent);
    expectDeliveredExactlyOnce(agent);
  });

  it('picks up rows another process commits while connected (polling), without a local wake-up', async () => {
    agent = await startTestAgent(hub, config);
    await drained(agent);
    const other = AgentStore.open(config.databaseFile, KIOSK, systemClock);
    try {
      other.outbox.enqueueAll(Array.from({ length: 12 }, credit));
    } finally {
      other.close();
    }
    await drained(agent);
    expectDeliveredExactlyOnce(agent);
  });

  it("drops rows the hub already holds on hello, without sending them again", async () => {
    agent = await startTestAgent(hub, config);
    await drained(agent);
    await agent.stop();
    agent = null;
    // Committed and "delivered" while the agent was down: the hub holds them, their ack never arrived.
    const offline = AgentStore.open(config.databaseFile, KIOSK, systemClock);
    const events = Array.from({ length: 8 }, () => offline.outbox.enqueue(credit()));
    offline.close();
    hub.preload(events);
    const sentBefore = hub.batchSizes.length;
    agent = await startTestAgent(hub, config);
    await drained(agent);
    // Only agent.started of the new run travelled; the 8 were dropped on the hello's ackedThroughSeq.
    expect(hub.batchSizes.slice(sentBefore)).toEqual([1]);
    expect(hub.duplicatesSeen).toBe(0);
    expectDeliveredExactlyOnce(agent);
  });

  it('quarantines the one event the hub refuses as malformed, delivers the rest, and can requeue it', async () => {
    agent = await startTestAgent(hub, config);
    await drained(agent);
    hub.behaviour = () => 'ack';
    const events = Array.from({ length: 10 }, () => agent!.store.outbox.enqueue(credit()));
    const refused = events[4];
    if (!refused) throw new Error('no event');
    hub.refuseEventIds.add(refused.id);
    await waitFor('the refused event is quarantined and the rest delivered', () => agent!.store.outbox.stats().backlog === 0);
    expect(agent.store.outbox.listDead()).toEqual([
      expect.objectContaining({ seq: refused.seq, eventId: refused.id, error: expect.objectContaining({ code: 'invalid_message' }) }),
    ]);
    expect(hub.events.has(refused.id)).toBe(false);
    expect(hub.events.size).toBe(agent.store.outbox.stats().lastSeq - 1);
    // The hub sees the gap; the seq stays reserved for the quarantined event.
    expect(hub.ackedThroughSeq()).toBe(refused.seq - 1);

    hub.refuseEventIds.clear();
    expect(agent.store.outbox.requeueDead(refused.seq)).toBe(true);
    await drained(agent);
    expectDeliveredExactlyOnce(agent);
  });

  it('fires the test-only crash hook after the hub committed and acked, before the rows are deleted', async () => {
    const backlogAtCrash: number[] = [];
    const crashConfig = { ...config, chaos: { kind: 'agent-crash-on-ack' as const, ackNumber: 2 } };
    // The kill is injected: record what a SIGKILL at this instant would leave behind.
    agent = await startTestAgent(hub, crashConfig, { chaosKill: () => backlogAtCrash.push(agent?.store.outbox.stats().backlog ?? -1) });
    await drained(agent);
    for (let i = 0; i < 10; i++) agent.store.outbox.enqueue(credit());
    await drained(agent);
    // Ack 1 was agent.started; ack 2 covers the 10 credits: all still in the outbox when the hook fired.
    expect(backlogAtCrash).toEqual([10]);
    expect(hub.ackedThroughSeq()).toBe(11);
  });

  it('sends telemetry right after hello and on every heartbeat', async () => {
    agent = await startTestAgent(hub, config);
    await waitFor('two heartbeats', () => hub.telemetry.length >= 2);
    const latest = hub.telemetry[hub.telemetry.length - 1];
    expect(latest).toMatchObject({
      outbox: { backlog: expect.any(Number), lastSeq: expect.any(Number) },
      devices: [],
      agent: { version: expect.any(String), outOfService: false },
    });
    expect(latest?.agent.rssBytes).toBeGreaterThan(0);
  });

  it('acts on a hub command once, sends its result through the outbox, and acks a replay as duplicate', async () => {
    agent = await startTestAgent(hub, config);
    await drained(agent);
    const issuedAt = new Date();
    const command = {
      commandId: '0190a7e2-1c2d-7e3f-8a4b-000000000001',
      type: 'service.set' as const,
      params: { inService: false, reason: 'coin jam' },
      issuedAt: issuedAt.toISOString(),
      expiresAt: new Date(issuedAt.getTime() + 60_000).toISOString(),
    };
    expect(await hub.sendCommand(command)).toEqual({ ok: true, duplicate: false });
    await waitFor('the result reaches the hub', () => hub.results.length === 1);
    expect(hub.results[0]?.payload).toEqual({ commandId: command.commandId, status: 'succeeded', detail: 'kiosk out of service' });
    expect(agent.state.isOutOfService()).toBe(true);
    await waitFor('telemetry says out of service', () => hub.telemetry.some((telemetry) => telemetry.agent.outOfService));

    expect(await hub.sendCommand(command)).toEqual({ ok: true, duplicate: true });
    expect(await hub.sendCommand({ ...command, params: {} } as unknown as typeof command)).toMatchObject({
      ok: false,
      error: { code: 'invalid_message' },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hub.results).toHaveLength(1);
  });

  it('surfaces a handshake refusal that needs a technician, keeps retrying, and recovers', async () => {
    agent = await startTestAgent(hub, config);
    await drained(agent);
    hub.refuseHandshakesWith = failure('unknown_kiosk', 'this hub does not know the kiosk');
    hub.disconnectAgent();
    await waitFor('the refusal is surfaced', () => agent?.state.connection().hubRefusal === 'unknown_kiosk');
    const refusals = hub.handshakeRefusals.length;
    await waitFor('it keeps retrying', () => hub.handshakeRefusals.length >= refusals + 2);
    expect(agent.state.connection().hubConnected).toBe(false);
    hub.refuseHandshakesWith = null;
    await waitFor('it reconnects', () => agent?.state.connection().hubConnected === true);
    expect(agent.state.connection().hubRefusal).toBeNull();
  });

  it('builds a fresh signed handshake for every connection attempt (nonces are single-use)', async () => {
    agent = await startTestAgent(hub, config);
    await drained(agent);
    for (let i = 0; i < 3; i++) {
      const before = hub.connections.length;
      hub.disconnectAgent();
      await waitFor('reconnected', () => hub.connections.length > before && agent?.state.connection().hubConnected === true);
    }
    expect(hub.handshakeRefusals).toEqual([]);
  });
  // Issue 12: no kiosk is stranded by a hub that goes away (or freezes) at any point of the connect. The
  // mini hub acts out one fault per connection attempt; after each, the agent must try again on its own.
  describe('a fault at any point of the connect is followed by a new attempt', () => {
    const faults: HandshakeFault[] = ['vanish-in-namespace', 'freeze-in-namespace', 'vanish-before-hello-ack', 'ignore-hello', 'vanish-after-hello-ack'];

    beforeEach(() => {
      // A short ack timeout keeps the whole-connect deadline (max(ack, 5 s) + ack) near 5.5 s for a frozen hub.
      config = { ...config, ackTimeoutMs: 500 };
    });

    it.each(faults)('%s: the agent tries again and delivers its queue once', async (fault) => {
      const running = await startTestAgent(hub, config);
      agent = running;
      await drained(running);
      const accepted = hub.acceptedHandshakes;
      hub.handshakeFaults.push(fault);
      running.store.outbox.enqueue(credit());
      hub.disconnectAgent();
      // The first attempt after the drop meets the fault; a later one must get through on its own.
      await waitFor('a handshake after the faulted one', () => hub.acceptedHandshakes >= accepted + 2, 30_000);
      running.store.outbox.enqueue(credit());
      await drained(running);
      expect(hub.handshakeFaults).toEqual([]);
      expectDeliveredExactlyOnce(running);
      expect(running.state.connection()).toMatchObject({ hubConnected: true });
    });

    it('comes back after faults on several attempts in a row', async () => {
      hub.handshakeFaults.push('vanish-in-namespace', 'vanish-before-hello-ack', 'vanish-in-namespace', 'vanish-before-hello-ack');
      agent = await startTestAgent(hub, config);
      agent.store.outbox.enqueue(credit());
      await drained(agent);
      expect(hub.acceptedHandshakes).toBeGreaterThanOrEqual(5);
      expectDeliveredExactlyOnce(agent);
    });
  });
});

describe('HubSession', () => {
  let hub: MiniHub;
  const kiosk = 'kiosk-session-test';
  let signer: KioskSigner;
  const sessions: HubSession[] = [];

  beforeEach(async () => {
    hub = new MiniHub();
    await hub.start();
    const keys = generateKioskKeyPair();
    hub.addKiosk(kiosk, keys.publicKeySpkiBase64);
    signer = new KioskSigner(kiosk, keys.privateKeyPem, systemClock);
  });

  afterEach(async () => {
    for (const session of sessions.splice(0)) session.close();
    await hub.stop();
  });

  function connect(): Promise<HubSession> {
    const socket = hubSocketFactory(hub.url, () => signer.handshake(), 3000)();
    return new Promise((resolve, reject) => {
      socket.once('connect', () => {
        const session = new HubSession(socket, 3000);
        sessions.push(session);
        resolve(session);
      });
      socket.once('connect_error', reject);
      socket.connect();
    });
  }

  function batchOf(seq: number) {
    return {
      events: [
        {
          id: `0190a7e2-1c2d-7e3f-8a4b-${String(seq).padStart(12, '0')}`,
          kioskId: kiosk,
          seq,
          occurredAt: new Date().toISOString(),
          type: 'agent.started' as const,
          payload: { agentVersion: 'test' },
        },
      ],
    };
  }

  it('rejects the in-flight request with ConnectionLostError when the connection drops mid-batch', async () => {
    const session = await connect();
    expect(await session.hello({ protocolVersion: PROTOCOL_VERSION, agentVersion: 'test' })).toMatchObject({ ok: true, ackedThroughSeq: 0 });
    hub.behaviour = () => 'commit-then-drop';
    await expect(session.sendEvents(batchOf(1))).rejects.toBeInstanceOf(ConnectionLostError);
    expect(session.open).toBe(false);
    expect(await session.closed).toEqual(expect.any(String));
    // Never buffered for later: a request on a closed session fails at once.
    await expect(session.sendEvents(batchOf(2))).rejects.toBeInstanceOf(ConnectionLostError);
    expect(hub.events.size).toBe(1);
  });

  it('rejects with ConnectionLostError when the agent itself closes during a held ack', async () => {
    const session = await connect();
    hub.behaviour = () => 'hold';
    const pending = session.sendEvents(batchOf(1));
    await waitFor('the hub holds the ack', () => hub.heldAcks() === 1);
    session.close('test');
    await expect(pending).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it('validates replies and refuses a handshake signed by another key', async () => {
    const session = await connect();
    expect(await session.sendEvents(batchOf(1))).toEqual({ ok: true, ackedThroughSeq: 1, stored: 1, duplicates: 0 });
    expect(await session.sendEvents(batchOf(1))).toEqual({ ok: true, ackedThroughSeq: 1, stored: 0, duplicates: 1 });

    const stranger = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const forged = new KioskSigner(kiosk, stranger, systemClock);
    const socket = hubSocketFactory(hub.url, () => forged.handshake(), 3000)();
    const refusal = await new Promise<unknown>((resolve) => {
      socket.once('connect_error', (error: Error & { data?: unknown }) => resolve(error.data));
      socket.connect();
    });
    socket.close();
    expect(refusal).toMatchObject({ ok: false, error: { code: 'bad_signature' } });
  });
});
