import { clampCopies, feeFor, MAX_COPIES, paymentSummary } from './money';

describe('money', () => {
  it('keeps copies within 1..10', () => {
    expect(clampCopies(0)).toBe(1);
    expect(clampCopies(-3)).toBe(1);
    expect(clampCopies(11)).toBe(MAX_COPIES);
    expect(clampCopies(2.7)).toBe(2);
    expect(clampCopies(Number.NaN)).toBe(1);
  });

  it('charges unit fee × copies', () => {
    expect(feeFor(200, 2)).toBe(400);
    expect(feeFor(350, 10)).toBe(3500);
    expect(feeFor(200, 11)).toBe(2000);
  });

  it('shows what is left to pay and the change, never negative', () => {
    expect(paymentSummary(400, 0)).toEqual({ feeYen: 400, insertedYen: 0, remainingYen: 400, changeYen: 0, paid: false });
    expect(paymentSummary(400, 100)).toMatchObject({ remainingYen: 300, changeYen: 0, paid: false });
    expect(paymentSummary(400, 400)).toMatchObject({ remainingYen: 0, changeYen: 0, paid: true });
    expect(paymentSummary(400, 500)).toMatchObject({ remainingYen: 0, changeYen: 100, paid: true });
  });
});
