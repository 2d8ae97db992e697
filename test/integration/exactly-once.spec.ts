/**
 * Proofs 1–3 of the spine: whatever stops, crashes or reconnects, every event the agent committed
 * reaches the hub's database exactly once. Real hub and agent processes, real SQLite files, real
 * sockets on loopback; crashes are real SIGKILLs.
 */
import { TestSystem } from '../support/system';
import { drained, expectExactlyOnce } from '../support/delivery';

jest.setTimeout(120_000);

describe('exactly-once delivery from agent outbox to hub', () => {
  let system: TestSystem;

  beforeEach(async () => {
    system = new TestSystem();
    await system.startHub();
    await system.startAgent();
    await drained(system);
  });

  afterEach(async () => {
    await system.close();
  });

  it('delivers events enqueued while the hub is down, once each, after it starts', async () => {
    await system.hub?.stop();
    const { firstSeq, lastSeq } = system.enqueueSynthetic(300);
    expect(lastSeq - firstSeq + 1).toBe(300);
    // Nothing can have been acked: the hub is down, so the outbox holds every new event.
    expect(system.outboxStats().backlog).toBeGreaterThanOrEqual(300);

    await system.startHub();
    await drained(system);
    await expectExactlyOnce(system);
  });

  it('stores each event once when the agent is SIGKILLed between the hub commit and the ack', async () => {
    await system.agent?.stop();
    const before = (await system.storedEvents(system.identity().kioskId)).ackedThroughSeq;
    system.enqueueSynthetic(300);

    const crashing = await system.startAgent({ KIOSK_CHAOS: 'agent-crash-on-ack:1', KIOSK_TEST_HOOKS: '1', AGENT_BATCH_SIZE: '100' }, { waitReady: false });
    expect((await crashing.exited).signal).toBe('SIGKILL');

    // The hub committed the first batch, but the agent died before deleting those rows: it still holds them.
    const storedAfterCrash = (await system.storedEvents(system.identity().kioskId)).ackedThroughSeq;
    expect(storedAfterCrash).toBeGreaterThan(before);
    const { lastSeq, backlog } = system.outboxStats();
    expect(backlog).toBe(lastSeq - before);

    await system.startAgent();
    await drained(system);
    await expectExactlyOnce(system);
  });

  it('stores each event once when the hub is SIGKILLed after its commit but before the ack', async () => {
    await system.agent?.stop();
    await system.hub?.stop();
    const before = (await system.storedEvents(system.identity().kioskId)).ackedThroughSeq;
    system.enqueueSynthetic(300);

    const crashingHub = await system.startHub({ KIOSK_CHAOS: 'hub-crash-after-commit:1', KIOSK_TEST_HOOKS: '1' });
    await system.startAgent({ AGENT_BATCH_SIZE: '100' });
    expect((await crashingHub.exited).signal).toBe('SIGKILL');

    // The batch is in the hub's database, yet unacked: the agent still holds it and will send it again.
    expect((await system.storedEvents(system.identity().kioskId)).ackedThroughSeq).toBeGreaterThan(before);
    const { lastSeq, backlog } = system.outboxStats();
    expect(backlog).toBe(lastSeq - before);

    await system.startHub();
    await drained(system);
    await expectExactlyOnce(system);
  });
});
