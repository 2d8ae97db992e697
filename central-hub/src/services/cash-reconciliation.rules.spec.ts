import { cashDiscrepancyYen, reconcileCashPeriod, type CashMovement, type CashPeriodInput, type TransactionFee } from './cash-reconciliation.rules';

const T1 = 'tx-1';
const T2 = 'tx-2';
const T3 = 'tx-3';
const credit = (transactionId: string, yen: number): CashMovement => ({ type: 'credit', transactionId, yen });
const payout = (transactionId: string, yen: number, reason: 'change' | 'refund'): CashMovement => ({ type: 'payout', transactionId, yen, reason });
const voucher = (transactionId: string, yen: number, reason: 'change' | 'refund'): CashMovement => ({ type: 'voucher', transactionId, yen, reason });
const fee = (transactionId: string, paidYen: number, refundedYen = 0): TransactionFee => ({ transactionId, paidYen, refundedYen });

interface Row {
  name: string;
  input: CashPeriodInput;
  expectedYen: number;
  hopperYen: number;
  voucherYen: number;
  earnedYen: number;
  unsettledYen: number;
  differenceYen: number | null;
  flags: string[];
  discrepancyYen: number;
}

const rows: Row[] = [
  {
    name: 'a sale with change, counted right',
    input: { movements: [credit(T1, 500), payout(T1, 300, 'change')], fees: [fee(T1, 200)], count: { recordedYen: 500, countedYen: 500 } },
    expectedYen: 500, hopperYen: 300, voucherYen: 0, earnedYen: 200, unsettledYen: 0, differenceYen: 0, flags: [], discrepancyYen: 0,
  },
  {
    name: 'a refund by hopper: the fee is not kept',
    input: { movements: [credit(T1, 100), credit(T1, 100), payout(T1, 200, 'refund')], fees: [fee(T1, 200, 200)], count: { recordedYen: 200, countedYen: 200 } },
    expectedYen: 200, hopperYen: 200, voucherYen: 0, earnedYen: 0, unsettledYen: 0, differenceYen: 0, flags: [], discrepancyYen: 0,
  },
  {
    name: 'a refund on a voucher (refunded before the hub issued: no payment row)',
    input: { movements: [credit(T1, 500), voucher(T1, 500, 'refund')], fees: [fee(T1, 0, 350)], count: { recordedYen: 500, countedYen: 500 } },
    expectedYen: 500, hopperYen: 0, voucherYen: 500, earnedYen: 0, unsettledYen: 0, differenceYen: 0, flags: [], discrepancyYen: 0,
  },
  {
    name: 'change the hopper could pay only in part: the rest on a voucher',
    input: { movements: [credit(T1, 500), payout(T1, 200, 'change'), voucher(T1, 100, 'change')], fees: [fee(T1, 200)], count: { recordedYen: 500, countedYen: 500 } },
    expectedYen: 500, hopperYen: 200, voucherYen: 100, earnedYen: 200, unsettledYen: 0, differenceYen: 0, flags: [], discrepancyYen: 0,
  },
  {
    name: 'a cancelled payment: coins back, no fee',
    input: { movements: [credit(T1, 100), payout(T1, 100, 'refund')], fees: [], count: { recordedYen: 100, countedYen: 100 } },
    expectedYen: 100, hopperYen: 100, voucherYen: 0, earnedYen: 0, unsettledYen: 0, differenceYen: 0, flags: [], discrepancyYen: 0,
  },
  {
    name: 'a 100-yen coin missing from the count',
    input: { movements: [credit(T1, 500), payout(T1, 300, 'change'), credit(T2, 100), credit(T2, 100)], fees: [fee(T1, 200), fee(T2, 200)], count: { recordedYen: 700, countedYen: 600 } },
    expectedYen: 700, hopperYen: 300, voucherYen: 0, earnedYen: 400, unsettledYen: 0, differenceYen: -100, flags: ['counted-short'], discrepancyYen: -100,
  },
  {
    name: 'counted more than credited',
    input: { movements: [credit(T1, 200)], fees: [fee(T1, 200)], count: { recordedYen: 200, countedYen: 210 } },
    expectedYen: 200, hopperYen: 0, voucherYen: 0, earnedYen: 200, unsettledYen: 0, differenceYen: 10, flags: ['counted-over'], discrepancyYen: 10,
  },
  {
    name: 'not counted, and the kiosk counted a coin whose credit never reached the hub',
    input: { movements: [credit(T1, 200)], fees: [fee(T1, 200)], count: { recordedYen: 300, countedYen: null } },
    expectedYen: 200, hopperYen: 0, voucherYen: 0, earnedYen: 200, unsettledYen: 0, differenceYen: null, flags: ['recorded-mismatch', 'not-counted'], discrepancyYen: 100,
  },
  {
    name: 'an open period with a transaction in progress',
    input: { movements: [credit(T1, 100)], fees: [], count: null },
    expectedYen: 100, hopperYen: 0, voucherYen: 0, earnedYen: 0, unsettledYen: 100, differenceYen: null, flags: ['unsettled'], discrepancyYen: 0,
  },
  {
    name: 'a fee of a transaction opened in an earlier period is not counted again; its late payout leaves this period short',
    input: { movements: [payout(T3, 300, 'change'), credit(T2, 200)], fees: [fee(T3, 200), fee(T2, 200)], count: { recordedYen: 200, countedYen: 200 } },
    expectedYen: 200, hopperYen: 300, voucherYen: 0, earnedYen: 200, unsettledYen: -300, differenceYen: 0, flags: ['unsettled'], discrepancyYen: 0,
  },
  {
    name: 'nothing happened',
    input: { movements: [], fees: [], count: { recordedYen: 0, countedYen: 0 } },
    expectedYen: 0, hopperYen: 0, voucherYen: 0, earnedYen: 0, unsettledYen: 0, differenceYen: 0, flags: [], discrepancyYen: 0,
  },
];

describe('reconcileCashPeriod', () => {
  it.each(rows)('$name', (row) => {
    const result = reconcileCashPeriod(row.input);
    expect({
      expectedYen: result.cashBox.expectedYen,
      hopperYen: result.hoppers.paidYen,
      voucherYen: result.vouchers.issuedYen,
      earnedYen: result.fees.earnedYen,
      unsettledYen: result.unsettledYen,
      differenceYen: result.cashBox.differenceYen,
      flags: result.flags,
      discrepancyYen: cashDiscrepancyYen(result),
    }).toEqual({
      expectedYen: row.expectedYen,
      hopperYen: row.hopperYen,
      voucherYen: row.voucherYen,
      earnedYen: row.earnedYen,
      unsettledYen: row.unsettledYen,
      differenceYen: row.differenceYen,
      flags: row.flags,
      discrepancyYen: row.discrepancyYen,
    });
  });

  it('splits hopper payouts and vouchers by reason and counts coins and issuances', () => {
    const result = reconcileCashPeriod({
      movements: [credit(T1, 500), payout(T1, 150, 'change'), credit(T2, 500), payout(T2, 350, 'refund'), voucher(T2, 150, 'refund'), voucher(T1, 150, 'change')],
      fees: [fee(T1, 200), fee(T2, 350, 350)],
      count: { recordedYen: 1000, countedYen: 1000 },
    });
    expect(result.cashBox).toEqual({ coins: 2, expectedYen: 1000, recordedYen: 1000, countedYen: 1000, differenceYen: 0 });
    expect(result.hoppers).toMatchObject({ changePaidYen: 150, refundsPaidYen: 350, paidYen: 500, startYen: null, countedYen: null, differenceYen: null, counts: [] });
    expect(result.vouchers).toEqual({ changeYen: 150, refundYen: 150, issuedYen: 300, redeemedYen: 0, outstandingYen: 300 });
    expect(result.fees).toEqual({ paidYen: 550, refundedYen: 350, earnedYen: 200, issuances: 2 });
    expect(result.unsettledYen).toBe(0);
  });

  it('reconciles the hoppers: what the last collection left, less what they paid, against what the technician found (issue 18)', () => {
    const left = [
      { coinYen: 10 as const, foundCoins: 0, leftCoins: 100 },
      { coinYen: 50 as const, foundCoins: 0, leftCoins: 100 },
      { coinYen: 100 as const, foundCoins: 0, leftCoins: 100 },
    ];
    // 16,000 yen left in the hoppers; 300 change and 200 refund paid since: 15,500 should be there.
    const movements = [credit(T1, 500), payout(T1, 300, 'change'), credit(T2, 200), payout(T2, 200, 'refund')];
    const found = (hundreds: number) => [
      { coinYen: 10 as const, foundCoins: 100, leftCoins: 100 },
      { coinYen: 50 as const, foundCoins: 100, leftCoins: 100 },
      { coinYen: 100 as const, foundCoins: hundreds, leftCoins: 100 },
    ];
    const balanced = reconcileCashPeriod({ movements, fees: [fee(T1, 200), fee(T2, 200, 200)], count: { recordedYen: 700, countedYen: 700, hoppers: found(95) }, hoppersStart: left });
    expect(balanced.hoppers).toEqual({ changePaidYen: 300, refundsPaidYen: 200, paidYen: 500, startYen: 16_000, expectedYen: 15_500, countedYen: 15_500, differenceYen: 0, leftYen: 16_000, counts: found(95) });
    expect(balanced.flags).toEqual([]);
    expect(cashDiscrepancyYen(balanced)).toBe(0);

    // A 100-yen coin missing from a hopper: flagged, and the alert reports it (the box balances).
    const short = reconcileCashPeriod({ movements, fees: [fee(T1, 200), fee(T2, 200, 200)], count: { recordedYen: 700, countedYen: 700, hoppers: found(94) }, hoppersStart: left });
    expect(short.hoppers.differenceYen).toBe(-100);
    expect(short.flags).toEqual(['hoppers-short']);
    expect(cashDiscrepancyYen(short)).toBe(-100);

    // The first counted collection has no start: its counts are the next period's start, nothing to compare.
    const first = reconcileCashPeriod({ movements, fees: [], count: { recordedYen: 700, countedYen: 700, hoppers: found(94) } });
    expect(first.hoppers).toMatchObject({ startYen: null, expectedYen: null, countedYen: 15_400, differenceYen: null, leftYen: 16_000 });
    expect(first.flags).not.toContain('hoppers-short');
  });

  it('counts vouchers redeemed at the office against those issued (issue 18)', () => {
    const result = reconcileCashPeriod({
      movements: [credit(T1, 500), { type: 'voucher', transactionId: T1, yen: 300, reason: 'change', redeemed: true }, credit(T2, 500), voucher(T2, 500, 'refund')],
      fees: [fee(T1, 200)],
      count: { recordedYen: 1000, countedYen: 1000 },
    });
    expect(result.vouchers).toEqual({ changeYen: 300, refundYen: 500, issuedYen: 800, redeemedYen: 300, outstandingYen: 500 });
  });
});
