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
  it('opens only in a payment step of an active session in service', () => {
    expect(shouldAcceptCoins({ paymentStep: true, sessionActive: true, outOfService: false })).toBe(true);
  });

  it.each([
    ['a session on any other screen (or the lottery)', { paymentStep: false, sessionActive: true, outOfService: false }],
    ['no session at all', { paymentStep: false, sessionActive: false, outOfService: false }],
    ['a payment step whose session already ended', { paymentStep: true, sessionActive: false, outOfService: false }],
    ['a payment step on a kiosk out of service', { paymentStep: true, sessionActive: true, outOfService: true }],
    ['out of service, no session', { paymentStep: false, sessionActive: false, outOfService: true }],
  ])('stays closed for %s', (_label, input) => {
    expect(shouldAcceptCoins(input)).toBe(false);
  });
});
