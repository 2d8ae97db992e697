import { creditTransaction, shouldAcceptCoins } from './cash-rules';

describe('creditTransaction', () => {
  it('puts a coin on the active session', () => {
    const newId = jest.fn(() => 'fresh');
    expect(creditTransaction('0190f0b8-0000-7000-8000-000000000001', newId)).toEqual({
      transactionId: '0190f0b8-0000-7000-8000-000000000001',
      outsideTransaction: false,
    });
    expect(newId).not.toHaveBeenCalled();
  });

  it('gives a coin outside any session a transaction of its own, every time', () => {
    let n = 0;
    const newId = () => `fresh-${++n}`;
    expect(creditTransaction(null, newId)).toEqual({ transactionId: 'fresh-1', outsideTransaction: true });
    expect(creditTransaction(null, newId)).toEqual({ transactionId: 'fresh-2', outsideTransaction: true });
  });
});

describe('shouldAcceptCoins', () => {
  it.each([
    [true, false, true],
    [false, false, false],
    [true, true, false],
    [false, true, false],
  ])('session %s, out of service %s → %s', (sessionActive, outOfService, expected) => {
    expect(shouldAcceptCoins({ sessionActive, outOfService })).toBe(expected);
  });
});
