import { DeadlineIndex } from './deadline-index';

describe('DeadlineIndex', () => {
  it('hands out the due kiosks earliest first, each once, with the latest deadline set for each', () => {
    const index = new DeadlineIndex();
    index.set('c', 30);
    index.set('a', 10);
    index.set('b', 20);
    index.set('a', 25); // moved later: the old entry is stale
    index.set('d', 5);
    index.set('d', null); // removed
    expect(index.takeDue(9)).toEqual([]);
    expect(index.takeDue(25)).toEqual(['b', 'a']);
    expect(index.takeDue(25)).toEqual([]);
    expect(index.size).toBe(1);
    expect(index.takeDue(1_000)).toEqual(['c']);
  });

  it('stays ordered through many updates (compaction included)', () => {
    const index = new DeadlineIndex();
    const expected = new Map<string, number>();
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    for (let i = 0; i < 20_000; i++) {
      const id = `k${next() % 500}`;
      const at = next() % 10_000;
      index.set(id, at);
      expected.set(id, at);
    }
    const due = index.takeDue(5_000);
    const want = [...expected].filter(([, at]) => at <= 5_000).sort((x, y) => x[1] - y[1]);
    expect(due.map((id) => expected.get(id))).toEqual(want.map(([, at]) => at));
    expect(new Set(due)).toEqual(new Set(want.map(([id]) => id)));
  });
});
