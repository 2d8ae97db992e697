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

  it('goes on after a failure', async () => {
    const queue = new KeyedQueue();
    await expect(queue.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run('a', () => Promise.resolve(1))).resolves.toBe(1);
  });
});
