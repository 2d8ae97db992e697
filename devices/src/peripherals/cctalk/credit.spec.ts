import { eventsBetween, interpretCreditBuffer, nextCounter } from './credit';

const results = (pairs: Array<[number, number]>) => pairs.map(([a, b]) => ({ a, b }));

describe('event counter arithmetic', () => {
  it('wraps 255 to 1 and treats 0 as reset', () => {
    expect(nextCounter(0)).toBe(1);
    expect(nextCounter(254)).toBe(255);
    expect(nextCounter(255)).toBe(1);
    expect(eventsBetween(5, 5)).toBe(0);
    expect(eventsBetween(0, 3)).toBe(3);
    expect(eventsBetween(254, 2)).toBe(3);
    expect(eventsBetween(255, 1)).toBe(1);
  });
});

describe('interpretCreditBuffer', () => {
  const buffer = { eventCounter: 3, results: results([[4, 1], [0, 2], [3, 1], [2, 1], [1, 1]]) };

  it('takes only a baseline on the first read', () => {
    expect(interpretCreditBuffer(undefined, buffer)).toEqual({ events: [], lost: 0, reset: false });
  });

  it('returns new events oldest first, with their counters', () => {
    expect(interpretCreditBuffer(0, buffer).events).toEqual([
      { kind: 'credit', position: 3, sorter: 1, eventCounter: 1 },
      { kind: 'error', code: 2, eventCounter: 2 },
      { kind: 'credit', position: 4, sorter: 1, eventCounter: 3 },
    ]);
    expect(interpretCreditBuffer(2, buffer).events).toEqual([{ kind: 'credit', position: 4, sorter: 1, eventCounter: 3 }]);
    expect(interpretCreditBuffer(3, buffer)).toEqual({ events: [], lost: 0, reset: false });
  });

  it('counts events that fell out of the buffer as lost', () => {
    const wrapped = { eventCounter: 4, results: results([[1, 1], [1, 1], [1, 1], [1, 1], [1, 1]]) };
    const poll = interpretCreditBuffer(253, wrapped);
    expect(poll.events.map((event) => event.eventCounter)).toEqual([255, 1, 2, 3, 4]);
    expect(poll.lost).toBe(1);
  });

  it('flags a reset when the counter goes back to 0', () => {
    expect(interpretCreditBuffer(9, { eventCounter: 0, results: results([]) })).toEqual({ events: [], lost: 0, reset: true });
  });
});
