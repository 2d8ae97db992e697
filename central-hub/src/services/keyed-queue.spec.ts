import { KeyedQueue } from './keyed-queue';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedQueue', () => {
  it('runs one key at a time, different keys side by side, exclusive work alone', async () => {
    const queue = new KeyedQueue();
    const order: string[] = [];
    const step = (name: string) => async () => {
      order.push(`${name}+`);
      await tick();
      order.push(`${name}-`);
    };
    await Promise.all([queue.run('a', step('a1')), queue.run('a', step('a2')), queue.run('b', step('b1')), queue.exclusive(step('all')), queue.run('b', step('b2'))]);
    expect(order.indexOf('a1-')).toBeLessThan(order.indexOf('a2+'));
    expect(order.indexOf('b1+')).toBeLessThan(order.indexOf('a1-'));
    expect(order.indexOf('all+')).toBeGreaterThan(Math.max(order.indexOf('a2-'), order.indexOf('b1-')));
    expect(order.indexOf('b2+')).toBeGreaterThan(order.indexOf('all-'));
  });

  it('runs at most maxRunning pieces at once, the others in their order', async () => {
    const queue = new KeyedQueue(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        queue.run(`k${i}`, async () => {
          started.push(i);
          most = Math.max(most, ++running);
          await tick();
          running--;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('goes on after a failure', async () => {
    const queue = new KeyedQueue();
    await expect(queue.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run('a', () => Promise.resolve(1))).resolves.toBe(1);
  });
});
