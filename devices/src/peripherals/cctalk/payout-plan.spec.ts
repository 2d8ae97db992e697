import { nextDispense } from './payout-plan';

describe('nextDispense', () => {
  const all = [
    { coinYen: 10, unavailable: false },
    { coinYen: 50, unavailable: false },
    { coinYen: 100, unavailable: false },
  ] as const;

  it('uses the largest coin that fits', () => {
    expect(nextDispense(380, all)).toEqual({ coinYen: 100, count: 3 });
    expect(nextDispense(80, all)).toEqual({ coinYen: 50, count: 1 });
    expect(nextDispense(0, all)).toBeUndefined();
  });

  it('falls back to smaller coins when a hopper is out, and stops when nothing fits', () => {
    const no100 = all.map((hopper) => ({ ...hopper, unavailable: hopper.coinYen === 100 }));
    expect(nextDispense(200, no100)).toEqual({ coinYen: 50, count: 4 });
    expect(nextDispense(5, all)).toBeUndefined();
    expect(nextDispense(30, [{ coinYen: 10, unavailable: true }])).toBeUndefined();
  });

  it('caps a dispense at 255 coins', () => {
    expect(nextDispense(10_000, [{ coinYen: 10, unavailable: false }])).toEqual({ coinYen: 10, count: 255 });
  });
});
