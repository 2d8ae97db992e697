import { DrbgError, Sha256CounterStream, shuffleInPlace } from './drbg';

/**
 * Known answers from an independent implementation of DRAW.md (test/lottery/reference/draw_v1.py):
 * seed = bytes 0x00..0x1f.
 */
const seed = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

describe('Sha256CounterStream', () => {
  it('produces the specified words', () => {
    const stream = new Sha256CounterStream(seed, 'slot-order');
    expect(Array.from({ length: 10 }, () => stream.nextUint32())).toEqual([
      2991713672, 475041717, 3255151919, 1685383650, 3915471687, 652330028, 3607427512, 1219655781, 3837908351, 2953919237,
    ]);
  });

  it('draws bounded integers by rejection as specified', () => {
    const stream = new Sha256CounterStream(seed, 'first/x');
    expect(Array.from({ length: 10 }, () => stream.uniform(7))).toEqual([4, 3, 6, 3, 5, 1, 2, 6, 0, 4]);
  });

  it('shuffles as specified', () => {
    expect(shuffleInPlace('abcdefghij'.split(''), new Sha256CounterStream(seed, 't')).join('')).toBe('chbdagjife');
  });

  it('gives independent streams per label and per seed', () => {
    const a = new Sha256CounterStream(seed, 'first/a').nextUint32();
    expect(new Sha256CounterStream(seed, 'first/b').nextUint32()).not.toBe(a);
    expect(new Sha256CounterStream(Buffer.alloc(32, 1), 'first/a').nextUint32()).not.toBe(a);
  });

  it('skips words in the biased tail: with bound 2^31+1 about half the words are rejected', () => {
    const stream = new Sha256CounterStream(seed, 'reject');
    const raw = new Sha256CounterStream(seed, 'reject');
    const bound = 2 ** 31 + 1;
    const limit = 2 ** 32 - (2 ** 32 % bound);
    for (let i = 0; i < 50; i++) {
      let word = raw.nextUint32();
      while (word >= limit) word = raw.nextUint32();
      expect(stream.uniform(bound)).toBe(word % bound);
    }
  });

  it('refuses a seed that is not 32 bytes and a bound out of range', () => {
    expect(() => new Sha256CounterStream(Buffer.alloc(31), 'x')).toThrow(DrbgError);
    const stream = new Sha256CounterStream(seed, 'x');
    for (const bad of [0, 1.5, 2 ** 32 + 1]) expect(() => stream.uniform(bad)).toThrow(DrbgError);
    expect(stream.uniform(1)).toBe(0);
  });

  it('makes every permutation of 3 items about equally likely (6,000 shuffles, chi-square)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const order = shuffleInPlace(['a', 'b', 'c'], new Sha256CounterStream(seed, `perm/${i}`)).join('');
      counts.set(order, (counts.get(order) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    const chi = [...counts.values()].reduce((sum, n) => sum + (n - 1000) ** 2 / 1000, 0);
    // 5 degrees of freedom: p = 0.001 at 20.52. Seeds are fixed, so this cannot flake.
    expect(chi).toBeLessThan(20.52);
  });
});
