import { EventEmitter } from 'node:events';
import pino from 'pino';
import { lotteryHubAckSchemas, type Schedule } from '@kiosk/protocols';
import { HubLink } from './hub-link';
import { HubRequests } from './hub-requests';
import type { AgentSocket } from './hub-session';

/** A socket.io-client socket as far as the link uses it; the test decides what the hub does. */
class FakeSocket extends EventEmitter {
  connected = false;
  constructor(readonly hub: string) {
    super();
  }
  connect(): this {
    return this;
  }
  close(): this {
    return this.disconnect();
  }
  disconnect(): this {
    if (this.connected) this.drop('io client disconnect');
    return this;
  }
  accept(): void {
    this.connected = true;
    this.emit('connect');
  }
  refuse(): void {
    this.emit('connect_error', new Error('websocket error'));
  }
  drop(reason: string): void {
    this.connected = false;
    this.emit('disconnect', reason);
  }
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Two hubs, timers fired by hand, and each session greeted at once and held until its socket goes. */
function harness(urls: string[]) {
  const sockets: FakeSocket[] = [];
  const timers: Array<() => void> = [];
  const schedule: Schedule = (_ms, callback) => {
    timers.push(callback);
    return () => {
      const index = timers.indexOf(callback);
      if (index >= 0) timers.splice(index, 1);
    };
  };
  const link = new HubLink({
    hubs: urls.map((url) => ({
      url,
      socketFactory: () => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket as unknown as AgentSocket;
      },
    })),
    backoff: { minMs: 10, maxMs: 100 },
    ackTimeoutMs: 1000,
    connectDeadlineMs: 60_000,
    logger: pino({ level: 'silent' }),
    random: () => 0.5,
    schedule,
    onSession: async (session) => {
      session.markEstablished();
      await session.closed;
    },
  });
  const last = (): FakeSocket => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket opened');
    return socket;
  };
  /** Fires the backoff timer (the connect deadline timers stay pending: they are never reached here). */
  const retry = async (): Promise<void> => {
    await settle();
    const backoff = timers.splice(-1, 1)[0];
    if (!backoff) throw new Error('no backoff timer');
    backoff();
    await settle();
  };
  return { link, sockets, last, retry };
}

describe('HubLink with several hubs (issue 14)', () => {
  it('moves to the next hub after a failed connect, and keeps a working hub after a dropped session', async () => {
    const { link, last, retry, sockets } = harness(['http://a', 'http://b']);
    link.start();
    expect(last().hub).toBe('http://a');
    last().refuse();
    await retry();
    expect(last().hub).toBe('http://b');
    last().accept();
    await settle();
    last().drop('transport close');
    await retry();
    expect(last().hub).toBe('http://b');
    last().accept();
    await settle();
    // The hub sends its kiosks away (a drain): on to the next one.
    last().drop('io server disconnect');
    await retry();
    expect(last().hub).toBe('http://a');
    expect(sockets.map((socket) => socket.hub)).toEqual(['http://a', 'http://b', 'http://b', 'http://a']);
    await link.stop();
  });

  it('with one hub, every attempt goes to it, whatever happened', async () => {
    const { link, last, retry, sockets } = harness(['http://only']);
    link.start();
    last().refuse();
    await retry();
    last().accept();
    await settle();
    last().drop('io server disconnect');
    await retry();
    expect(sockets.map((socket) => socket.hub)).toEqual(['http://only', 'http://only', 'http://only']);
    await link.stop();
  });
});

describe('HubLink: the outcome of the attempt under way (what a request made mid-connect awaits)', () => {
  it('settles failed when the attempt is refused, established once the session greeted the hub', async () => {
    const { link, last, retry } = harness(['http://only']);
    expect(link.attemptUnderWay()).toBe(false);
    link.start();
    expect(link.attemptUnderWay()).toBe(true);
    const first = link.attemptOutcome();
    last().refuse();
    await expect(first).resolves.toBe('failed');
    expect(link.attemptUnderWay()).toBe(false);
    await retry();
    const second = link.attemptOutcome();
    last().accept();
    await expect(second).resolves.toBe('established');
    expect(link.attemptUnderWay()).toBe(false);
    await link.stop();
  });

  it('a feature request made mid-connect waits for the attempt, and is refused as soon as the link settles it failed', async () => {
    const { link, last } = harness(['http://only']);
    // Never greeted (the attempt fails first); a wait of one ack timeout that the test would outlive.
    const requests = new HubRequests(() => false, 600_000);
    requests.follow(link);
    link.start();
    expect(requests.isConnecting()).toBe(true);
    const unreachable = (message: string): Error => new Error(`unreachable: ${message}`);
    const asked = requests.request('lottery.offlineKey', {}, lotteryHubAckSchemas['lottery.offlineKey'], { timeoutMs: 1000, unreachable });
    let settled = false;
    asked.then(
      () => (settled = true),
      () => (settled = true),
    );
    await settle();
    expect(settled).toBe(false); // the attempt is under way: the request waits for it
    last().refuse();
    await expect(asked).rejects.toThrow('unreachable: the hub cannot be reached');
    await link.stop();
  });
});
