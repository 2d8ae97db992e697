/**
 * Issue 15, finding 2: a peer that has not authenticated cannot stall the hub. Raw websocket clients
 * (no socket.io client, no namespace joined) send oversized and deeply nested frames; the hub closes
 * each of them before parsing, while a real agent's heartbeats keep being acknowledged and `/health`
 * keeps answering. Strangers opening connections from one address are refused past the limit, while
 * connections that authenticate give their point back.
 */
import WebSocket from 'ws';
import { TestHub } from '../support/test-hub';
import { connectAgent, connectKiosk, enrolKiosk, heartbeat, sendHeartbeat, signedAuth } from '../support/agent-client';

/** engine.io v4 over a websocket, as a socket.io client opens it, but nothing more. */
function rawSocket(url: string): WebSocket {
  return new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
}

/** Resolves once open (true), or refused at the upgrade (false). */
function opened(socket: WebSocket): Promise<boolean> {
  return new Promise((resolve) => {
    socket.once('open', () => resolve(true));
    socket.once('unexpected-response', () => resolve(false));
    socket.once('error', () => resolve(false));
  });
}

function closed(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) return resolve();
    socket.once('close', () => resolve());
    socket.once('error', () => resolve());
  });
}

/** An EVENT packet (engine.io message `4`, socket.io event `2`) carrying `json` as its argument. */
const eventFrame = (json: string) => `42["x",${json}]`;
const WIDE = `[${'[],'.repeat(2_600_000)}[]]`; // 7.8 MB of arrays
const FLAT = JSON.stringify('x'.repeat(7_800_000));
const DEEP = `${'['.repeat(100_000)}${']'.repeat(100_000)}`; // 100,000 levels

jest.setTimeout(60_000);

describe('unauthenticated socket frames', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await TestHub.start();
  });

  afterAll(async () => {
    await hub.close();
  });

  it('closes strangers sending oversized and deeply nested frames, while an agent and /health keep being answered', async () => {
    const kiosk = await enrolKiosk(hub);
    const agent = await connectKiosk(hub.url, kiosk, new Date());
    try {
      const attackers = [WIDE, FLAT, DEEP, WIDE, FLAT, DEEP].map((json) => {
        const socket = rawSocket(hub.url);
        socket.once('open', () => socket.send(eventFrame(json)));
        socket.on('error', () => undefined);
        return socket;
      });
      // Answered (each call has its own generous deadline), however busy the attackers keep the hub.
      for (let i = 0; i < 5; i++) {
        await sendHeartbeat(agent, heartbeat(new Date()));
        expect((await hub.api('GET', '/health', undefined, null)).status).toBe(200);
      }
      await Promise.all(attackers.map(closed));
      // Closed by the byte budget (not by a timeout), each of them.
      await hub.logs.waitFor('unauthenticated socket sent too much; closed', {}, 10_000);
      const deadline = Date.now() + 10_000;
      while (hub.logs.lines.filter((l) => l.msg === 'unauthenticated socket sent too much; closed').length < attackers.length && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(hub.logs.lines.filter((l) => l.msg === 'unauthenticated socket sent too much; closed')).toHaveLength(attackers.length);
      await sendHeartbeat(agent, heartbeat(new Date()));
    } finally {
      agent.close();
    }
  });

  it('leaves an authenticated agent its full message size', async () => {
    const kiosk = await enrolKiosk(hub);
    const agent = await connectKiosk(hub.url, kiosk, new Date());
    try {
      // A 1 MB (invalid) batch: refused by its schema, answered, the connection kept.
      const ack = await agent.timeout(10_000).emitWithAck('events', { events: [{ detail: 'x'.repeat(1024 * 1024) }] } as never);
      expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
      expect(agent.connected).toBe(true);
    } finally {
      agent.close();
    }
  });
});

describe('unauthenticated socket connections per address', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await TestHub.start({
      config: { limits: { preAuthSocketBytes: 16 * 1024, preAuthConnectsPerAddress: 5, preAuthConnectWindowMs: 60_000, verifyPerMinute: 0, failedEnrolmentsPerHour: 0 } },
    });
  });

  afterAll(async () => {
    await hub.close();
  });

  it('admits any number of connections that authenticate, and refuses strangers past the limit', async () => {
    const kiosk = await enrolKiosk(hub);
    for (let i = 0; i < 8; i++) {
      const { socket, refusal } = await connectAgent(hub.url, signedAuth(kiosk.kioskId, kiosk.privateKey));
      expect(refusal).toBeNull();
      socket.close();
    }
    const strangers = Array.from({ length: 8 }, () => rawSocket(hub.url));
    const outcomes = await Promise.all(strangers.map(opened));
    expect(outcomes.filter(Boolean)).toHaveLength(5);
    for (const socket of strangers) socket.terminate();
    await hub.logs.waitFor('socket connection refused: too many unauthenticated connections', { code: 'rate_limited' });
  });
});
