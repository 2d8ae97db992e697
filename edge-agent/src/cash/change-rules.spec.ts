import { canPayBack, coinOffer } from './change-rules';

describe('canPayBack', () => {
  it('pays nothing back trivially, and any multiple of 10 with a 10-yen hopper', () => {
    expect(canPayBack(0, [])).toBe(true);
    expect(canPayBack(300, [10])).toBe(true);
    expect(canPayBack(490, [100, 50, 10])).toBe(true);
  });

  it('cannot pay back anything with every hopper empty', () => {
    expect(canPayBack(300, [])).toBe(false);
    expect(canPayBack(10, [])).toBe(false);
  });

  it('pays only the amounts the remaining coin values can make', () => {
    expect(canPayBack(300, [100])).toBe(true);
    expect(canPayBack(150, [100])).toBe(false);
    expect(canPayBack(150, [100, 50])).toBe(true);
    expect(canPayBack(30, [100, 50])).toBe(false);
  });
});

describe('coinOffer', () => {
  it('takes every coin and asks for nothing special while change can be given', () => {
    expect(coinOffer(200, [100, 50, 10])).toEqual({ coins: [10, 50, 100, 500], exactAmountOnly: false });
  });

  it('hoppers empty, 200 yen to pay: the exact amount only, no 500-yen coin', () => {
    expect(coinOffer(200, [])).toEqual({ coins: [10, 50, 100], exactAmountOnly: true });
  });

  it('hoppers empty: takes coins up to what is still owed, and says so even while every coin still fits', () => {
    expect(coinOffer(30, [])).toEqual({ coins: [10], exactAmountOnly: true });
    expect(coinOffer(100, [])).toEqual({ coins: [10, 50, 100], exactAmountOnly: true });
    expect(coinOffer(500, [])).toEqual({ coins: [10, 50, 100, 500], exactAmountOnly: true });
  });

  it('partly empty hoppers: a coin is taken only when its change can be paid', () => {
    // 10-yen hopper empty: 500 on 140 owed would need 360 back, which 100s and 50s cannot make.
    expect(coinOffer(140, [100, 50])).toEqual({ coins: [10, 50, 100], exactAmountOnly: true });
    // 500 on 150 owed: 350 back in 100s and 50s.
    expect(coinOffer(150, [100, 50])).toEqual({ coins: [10, 50, 100, 500], exactAmountOnly: false });
    // Only 10-yen coins left: any change can be made.
    expect(coinOffer(200, [10])).toEqual({ coins: [10, 50, 100, 500], exactAmountOnly: false });
  });
});
