import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const policy = { baseMs: 250, maxMs: 5000 };

  it('doubles from the base up to the cap', () => {
    const top = (attempt: number): number => backoffDelay(attempt, policy, () => 1);
    expect([0, 1, 2, 3, 4, 5, 6, 50].map(top)).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('jitters between half and all of the ceiling', () => {
    expect(backoffDelay(2, policy, () => 0)).toBe(500);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(750);
    expect(backoffDelay(-3, policy, () => 2)).toBe(250);
  });
});
