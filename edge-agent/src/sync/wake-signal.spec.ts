import { WakeSignal } from './wake-signal';

describe('WakeSignal', () => {
  it('wakes a waiter on notify, long before its timeout', async () => {
    const signal = new WakeSignal();
    const started = Date.now();
    const waiting = signal.wait(10_000);
    signal.notify();
    await waiting;
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('resolves on its own after the timeout when nobody notifies', async () => {
    await expect(new WakeSignal().wait(10)).resolves.toBeUndefined();
  });

  it('remembers one notify that came while nobody waited, and only one', async () => {
    const signal = new WakeSignal();
    signal.notify();
    signal.notify();
    let second = false;
    await signal.wait(10_000);
    const pending = signal.wait(50).then(() => (second = true));
    expect(second).toBe(false);
    await pending;
  });
});
