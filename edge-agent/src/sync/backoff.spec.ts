import { backoffDelay } from './backoff';

const policy = { minMs: 500, maxMs: 5000 };

describe('backoffDelay', () => {
  it('spreads even the first retry between the minimum and twice the minimum', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(500);
    expect(backoffDelay(1, policy, () => 0.5)).toBe(750);
    expect(backoffDelay(1, policy, () => 1)).toBe(1000);
  });

  it('doubles its ceiling per attempt up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 50].map((attempt) => backoffDelay(attempt, policy, () => 1))).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('jitters between the minimum and the ceiling', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(500);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(2250);
  });

  it('stays within [min, max] for any attempt and any random value, even out-of-range ones', () => {
    for (let attempt = -2; attempt < 80; attempt++) {
      for (const r of [-1, 0, 0.123, 0.5, 0.999, 1, 7]) {
        const delay = backoffDelay(attempt, policy, () => r);
        expect(delay).toBeGreaterThanOrEqual(500);
        expect(delay).toBeLessThanOrEqual(5000);
      }
    }
  });
});
