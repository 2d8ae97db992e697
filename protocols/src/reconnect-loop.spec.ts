import { EventEmitter } from 'node:events';
import { ReconnectLoop, type LinkFailure, type Schedule } from './reconnect-loop';
import type { LinkState } from './reconnect-machine';

/** Time that moves only when the test says so. */
class ManualTime {
  private now = 0;
  private timers: { at: number; callback: () => void }[] = [];

  readonly schedule: Schedule = (ms, callback) => {
    const timer = { at: this.now + ms, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((other) => other !== timer);
    };
  };

  get pending(): number {
    return this.timers.length;
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.now = due.at;
      due.callback();
    }
    this.now = until;
  }
}

/** A socket.io-client socket whose every event the test scripts. `close()` behaves as socket.io's does. */
class ScriptedSocket extends EventEmitter {
  connected = false;
  closed = false;
  connectCalls = 0;

  connect(): this {
    this.connectCalls += 1;
    return this;
  }

  close(): this {
    this.closed = true;
    if (this.connected) {
      this.connected = false;
      this.emit('disconnect', 'io client disconnect');
    }
    return this;
  }

  /** The hub finished the namespace handshake. */
  hubAccepts(): void {
    this.connected = true;
    this.emit('connect');
  }

  /** The transport went away (hub killed): socket.io emits `disconnect` whether or not it was connected. */
  hubVanishes(): void {
    this.connected = false;
    this.emit('disconnect', 'transport close');
  }

  hubRefuses(code: string): void {
    this.emit('connect_error', Object.assign(new Error('refused'), { data: { ok: false, error: { code, message: code } } }));
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function harness(options: { greet?: boolean; openSocket?: () => ScriptedSocket; runSession?: () => Promise<unknown> } = {}) {
  const time = new ManualTime();
  const sockets: ScriptedSocket[] = [];
  const failures: LinkFailure[] = [];
  const phases: LinkState['phase'][] = [];
  const greetings: (() => void)[] = [];
  const loop = new ReconnectLoop<ScriptedSocket>({
    timing: { connectDeadlineMs: 5000, backoff: { minMs: 100, maxMs: 1000 } },
    schedule: time.schedule,
    random: () => 0,
    openSocket:
      options.openSocket ??
      (() => {
        const socket = new ScriptedSocket();
        sockets.push(socket);
        return socket;
      }),
    // Like the agent's session: greet (here: the test decides when the hello ack comes), then run until the socket goes.
    runSession:
      options.runSession ??
      ((socket, established) => {
        if (options.greet) established();
        else greetings.push(established);
        return new Promise((resolve) => socket.once('disconnect', resolve));
      }),
    onFailure: (failure) => failures.push(failure),
    onState: (state) => phases.push(state.phase),
  });
  const last = (): ScriptedSocket => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket yet');
    return socket;
  };
  /** Every socket but the live one is closed and has no listener left. */
  const expectNoLeak = (): void => {
    for (const socket of sockets.slice(0, -1)) {
      expect(socket.closed).toBe(true);
      expect(socket.eventNames()).toEqual([]);
    }
  };
  return { time, sockets, failures, phases, greetings, loop, last, expectNoLeak };
}

describe('ReconnectLoop against a scripted socket', () => {
  it('retries after a disconnect that comes before the namespace handshake finished (no connect_error)', async () => {
    const { time, sockets, failures, loop, last, expectNoLeak } = harness({ greet: true });
    loop.start();
    expect(last().connectCalls).toBe(1);
    last().hubVanishes();
    expect(failures.map((failure) => failure.cause)).toEqual([{ kind: 'disconnected', reason: 'transport close' }]);
    expect(loop.phase).toBe('backoff');
    time.advance(100);
    expect(sockets).toHaveLength(2);
    expect(last().connectCalls).toBe(1);
    expectNoLeak();
    await loop.stop();
  });

  it('retries after a disconnect between the namespace handshake and the hello ack, once the session handler returned', async () => {
    const { time, sockets, failures, loop, last, expectNoLeak } = harness();
    loop.start();
    last().hubAccepts();
    expect(loop.phase).toBe('authenticating');
    await flush();
    last().hubVanishes();
    expect(failures.map((failure) => failure.cause.kind)).toEqual(['disconnected']);
    await flush();
    expect(loop.phase).toBe('backoff');
    time.advance(100);
    expect(sockets).toHaveLength(2);
    expectNoLeak();
    await loop.stop();
  });

  it('retries after connect_error and reports the refusal', async () => {
    const { time, sockets, failures, loop, last } = harness({ greet: true });
    loop.start();
    last().hubRefuses('replayed_handshake');
    expect(failures[0]?.cause).toMatchObject({ kind: 'refused', error: { data: { error: { code: 'replayed_handshake' } } } });
    time.advance(100);
    expect(sockets).toHaveLength(2);
    await loop.stop();
  });

  it('gives up a silent attempt at the deadline (a hub that accepted the websocket and then froze)', async () => {
    const { time, sockets, failures, loop, expectNoLeak } = harness();
    loop.start();
    time.advance(4999);
    expect(sockets).toHaveLength(1);
    time.advance(1);
    expect(failures.map((failure) => failure.cause.kind)).toEqual(['deadline']);
    time.advance(100);
    expect(sockets).toHaveLength(2);
    expectNoLeak();
    await loop.stop();
  });

  it('gives up at the deadline when the hello is never acked, closing the socket under the session', async () => {
    const { time, sockets, failures, loop, last } = harness();
    loop.start();
    last().hubAccepts();
    await flush();
    time.advance(5000);
    expect(failures.map((failure) => failure.cause.kind)).toEqual(['deadline']);
    expect(sockets[0]?.closed).toBe(true);
    await flush();
    expect(loop.phase).toBe('backoff');
    time.advance(100);
    expect(sockets).toHaveLength(2);
    await loop.stop();
  });

  it('stays connected past the deadline once established, and reconnects after the minimum delay when the hub drops it', async () => {
    const { time, sockets, failures, loop, last, greetings } = harness();
    loop.start();
    last().hubAccepts();
    await flush();
    greetings[0]?.();
    expect(loop.phase).toBe('connected');
    time.advance(60_000);
    expect(sockets).toHaveLength(1);
    last().hubVanishes();
    expect(loop.phase).toBe('ending');
    await flush();
    time.advance(100);
    expect(sockets).toHaveLength(2);
    expect(failures).toEqual([]);
    await loop.stop();
  });

  it('ends the session and tries again when the session handler gives up (hello refused)', async () => {
    const { time, sockets, loop, last } = harness({ runSession: () => Promise.reject(new Error('hello refused')) });
    loop.start();
    last().hubAccepts();
    await flush();
    expect(loop.phase).toBe('backoff');
    expect(sockets[0]?.closed).toBe(true);
    time.advance(100);
    expect(sockets).toHaveLength(2);
    await loop.stop();
  });

  it('stops during the backoff: no timer left, no further attempt', async () => {
    const { time, sockets, loop, last } = harness();
    loop.start();
    last().hubVanishes();
    expect(time.pending).toBe(1);
    await loop.stop();
    expect(time.pending).toBe(0);
    time.advance(60_000);
    expect(sockets).toHaveLength(1);
    expect(loop.phase).toBe('stopped');
  });

  it('stops while connected: closes the socket and waits for the session handler', async () => {
    const { time, loop, last } = harness({ greet: true });
    loop.start();
    last().hubAccepts();
    await flush();
    await loop.stop();
    expect(last().closed).toBe(true);
    expect(last().eventNames()).toEqual([]);
    expect(time.pending).toBe(0);
  });

  it('counts a socket factory that throws as one more failed attempt', async () => {
    let calls = 0;
    const { time, failures, loop } = harness({
      openSocket: () => {
        calls += 1;
        throw new Error('no handshake key');
      },
    });
    loop.start();
    time.advance(100);
    expect(calls).toBe(2);
    expect(failures.map((failure) => failure.cause.kind)).toEqual(['refused', 'refused']);
    await loop.stop();
  });

  it('tells the outcome of the attempt under way when the machine settles it: failed, then established', async () => {
    const { time, loop, last, greetings } = harness();
    await expect(loop.attemptOutcome()).resolves.toBe('failed'); // idle: no attempt, nothing connected
    loop.start();
    expect(loop.attemptUnderWay).toBe(true);
    let first: string | null = null;
    void loop.attemptOutcome().then((outcome) => (first = outcome));
    await flush();
    expect(first).toBeNull(); // still connecting: unsettled
    last().hubVanishes();
    await flush();
    expect(first).toBe('failed');
    expect(loop.attemptUnderWay).toBe(false);
    time.advance(100);
    const second = loop.attemptOutcome();
    last().hubAccepts();
    await flush();
    expect(loop.attemptUnderWay).toBe(true); // authenticating: the hello not acked yet
    greetings[0]?.(); // the first attempt failed before its session ran: this is the first greeting
    await expect(second).resolves.toBe('established');
    await expect(loop.attemptOutcome()).resolves.toBe('established');
    await loop.stop();
    await expect(loop.attemptOutcome()).resolves.toBe('failed');
  });

  it('walks the phases of a connect in order', async () => {
    const { phases, loop, last, greetings } = harness();
    loop.start();
    last().hubAccepts();
    await flush();
    greetings[0]?.();
    await loop.stop();
    expect(phases).toEqual(['connecting', 'authenticating', 'connected', 'stopped']);
  });
});
