/**
 * Issue 12: no kiosk is stranded by a hub restart, whatever point of its connect the hub dies at. Real
 * hub and agent processes; between them a loopback proxy (support/handshake-proxy.ts) that holds the
 * hub's answer at one handshake stage, so the hub can be SIGKILLed exactly there and restarted on the
 * same port. The agent must come back on its own and deliver what it queued, once each.
 */
import { HandshakeProxy, type HandshakeStage } from '../support/handshake-proxy';
import { drained, expectExactlyOnce } from '../support/delivery';
import { TestSystem } from '../support/system';

jest.setTimeout(180_000);

describe('an agent after a hub restart at any point of its connect', () => {
  let system: TestSystem;
  let proxy: HandshakeProxy;

  beforeAll(async () => {
    system = new TestSystem();
    await system.startHub();
    proxy = new HandshakeProxy(() => system.hubPort);
    await proxy.start();
    // A 1 s ack timeout makes the agent's whole-connect deadline max(1 s, 5 s) + 1 s = 6 s (the frozen case).
    await system.startAgent({ HUB_URL: proxy.url, AGENT_ACK_TIMEOUT_MS: '1000' });
    await drained(system);
  });

  afterAll(async () => {
    await proxy?.close();
    await system?.close();
  });

  const stages: HandshakeStage[] = ['websocket', 'namespace', 'hello'];

  it.each(stages)('comes back when the hub is SIGKILLed while the agent waits for its %s answer', async (stage) => {
    const held = proxy.holdNext(stage);
    proxy.dropAll();
    await held;
    system.enqueueSynthetic(2);
    const hub = system.hub;
    if (!hub) throw new Error('no hub running');
    hub.kill('SIGKILL');
    expect((await hub.exited).signal).toBe('SIGKILL');
    await system.startHub();
    await drained(system);
    await expectExactlyOnce(system);
  });

  it('gives up on a hub frozen in the namespace handshake at its deadline, and comes back', async () => {
    const before = proxy.connections;
    const held = proxy.holdNext('namespace');
    proxy.dropAll();
    await held;
    system.enqueueSynthetic(2);
    // The frozen connection never answers: only a new attempt, after the deadline, can deliver these.
    await drained(system);
    expect(proxy.connections).toBeGreaterThanOrEqual(before + 2);
    await expectExactlyOnce(system);
  });

  it('comes back after a plain SIGKILL and restart while connected', async () => {
    const hub = system.hub;
    if (!hub) throw new Error('no hub running');
    hub.kill('SIGKILL');
    await hub.exited;
    system.enqueueSynthetic(2);
    await system.startHub();
    await drained(system);
    await expectExactlyOnce(system);
  });
});
