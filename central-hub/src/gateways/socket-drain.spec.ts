import { SocketDrain } from './socket-drain';

class FakeSocket {
  connected = true;
  readonly log: string[];
  constructor(
    readonly name: string,
    log: string[],
  ) {
    this.log = log;
  }
  disconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    this.log.push(`${this.name} disconnected`);
  }
}

/** A message whose answer the test releases by hand. */
function pending(log: string[], what: string): { work: () => Promise<void>; answer: () => void } {
  let answer: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  return {
    work: async () => {
      await answered;
      log.push(`${what} acked`);
    },
    answer,
  };
}

const never = new Promise<void>(() => undefined);

describe('SocketDrain (graceful drain, issue 14)', () => {
  it('closes idle sockets at once and a busy one only after its answer', async () => {
    const log: string[] = [];
    const drain = new SocketDrain<FakeSocket>();
    const idle = new FakeSocket('idle', log);
    const busy = new FakeSocket('busy', log);
    const batch = pending(log, 'busy batch');
    const tracked = drain.track(busy, batch.work);

    const drained = drain.drain([idle, busy], never);
    expect(drain.isDraining).toBe(true);
    expect(log).toEqual(['idle disconnected']);

    batch.answer();
    await tracked;
    await expect(drained).resolves.toEqual({ sockets: 2, waitedFor: 1, cutOff: 0 });
    expect(log).toEqual(['idle disconnected', 'busy batch acked', 'busy disconnected']);
  });

  it('waits for every message in flight on a socket, one received during the drain too', async () => {
    const log: string[] = [];
    const drain = new SocketDrain<FakeSocket>();
    const kiosk = new FakeSocket('kiosk', log);
    const first = pending(log, 'events');
    const second = pending(log, 'telemetry');
    void drain.track(kiosk, first.work);
    const drained = drain.drain([kiosk], never);
    const late = drain.track(kiosk, second.work);
    first.answer();
    await new Promise((resolve) => setImmediate(resolve));
    expect(kiosk.connected).toBe(true);
    second.answer();
    await late;
    await drained;
    expect(log).toEqual(['events acked', 'telemetry acked', 'kiosk disconnected']);
  });

  it('cuts off sockets still busy at the deadline, and counts them', async () => {
    const log: string[] = [];
    const drain = new SocketDrain<FakeSocket>();
    const stuck = new FakeSocket('stuck', log);
    const batch = pending(log, 'stuck batch');
    const tracked = drain.track(stuck, batch.work);
    let passDeadline: () => void = () => undefined;
    const deadline = new Promise<void>((resolve) => (passDeadline = resolve));
    const drained = drain.drain([stuck], deadline);
    passDeadline();
    await expect(drained).resolves.toEqual({ sockets: 1, waitedFor: 1, cutOff: 1 });
    expect(log).toEqual(['stuck disconnected']);
    // The late answer changes nothing (its socket is already gone).
    batch.answer();
    await tracked;
    expect(log).toEqual(['stuck disconnected', 'stuck batch acked']);
  });

  it('admits sockets until the drain begins, then closes newcomers at once', async () => {
    const log: string[] = [];
    const drain = new SocketDrain<FakeSocket>();
    expect(drain.admit(new FakeSocket('before', log))).toBe(true);
    await drain.drain([], never);
    const late = new FakeSocket('late', log);
    expect(drain.admit(late)).toBe(false);
    expect(log).toEqual(['late disconnected']);
  });

  it('a failed answer still counts as done', async () => {
    const log: string[] = [];
    const drain = new SocketDrain<FakeSocket>();
    const kiosk = new FakeSocket('kiosk', log);
    const failing = drain.track(kiosk, () => Promise.reject(new Error('database gone')));
    const drained = drain.drain([kiosk], never);
    await expect(failing).rejects.toThrow('database gone');
    await expect(drained).resolves.toEqual({ sockets: 1, waitedFor: 1, cutOff: 0 });
    expect(kiosk.connected).toBe(false);
  });
});
