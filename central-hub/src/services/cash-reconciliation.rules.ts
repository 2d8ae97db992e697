import type { CashFlag, CashPeriod, HopperCount } from '@kiosk/protocols';

/** One money event of a collection period, as the kiosk's outbox stored it on the hub. */
export type CashMovement =
  | { type: 'credit'; transactionId: string; yen: number }
  | { type: 'payout'; transactionId: string; yen: number; reason: 'change' | 'refund' }
  /** `redeemed`: the office has recorded paying it (issue 18). */
  | { type: 'voucher'; transactionId: string; yen: number; reason: 'change' | 'refund'; redeemed?: boolean };

/** The certificate ledger of one transaction: the fee the hub recorded as paid, and what it recorded refunded. */
export interface TransactionFee {
  transactionId: string;
  paidYen: number;
  refundedYen: number;
}

/** What closed the period: the `cash.collected` event (null: the period is still open). */
export interface CashCount {
  recordedYen: number;
  countedYen: number | null;
  /** What the technician counted in each hopper (null or absent: not counted). */
  hoppers?: readonly HopperCount[] | null;
}

export interface CashPeriodInput {
  movements: readonly CashMovement[];
  /**
   * Fees of the transactions this period opened (their first coin is in it); a fee of a transaction with
   * no coin in the period is ignored, so a transaction straddling a collection is counted once.
   */
  fees: readonly TransactionFee[];
  count: CashCount | null;
  /** What the previous collection left in the hoppers (null or absent: no previous collection, or it did not count them). */
  hoppersStart?: readonly HopperCount[] | null;
}

export type CashReconciliation = Pick<CashPeriod, 'cashBox' | 'hoppers' | 'vouchers' | 'fees' | 'unsettledYen' | 'flags'>;

/**
 * The reconciliation of one kiosk's collection period. Coins go to the cash box, change and refunds come
 * from the hoppers (filled separately), and what the hoppers could not pay is on a voucher. So:
 * - the cash box should hold every coin credited (`expectedYen`), against the technician's count and the
 *   kiosk's own count;
 * - every yen credited is a fee kept, paid back by a hopper or owed on a voucher; what is left is
 *   `unsettledYen` (0 for a period whose transactions all ended inside it);
 * - the hoppers should hold what the previous collection left in them less what they paid out, against
 *   what the technician found in them now (each side known only when a technician counted them).
 * Pure: inputs are the period's events and the count; the caller finds them.
 */
export function reconcileCashPeriod(input: CashPeriodInput): CashReconciliation {
  let coins = 0;
  let creditedYen = 0;
  let changePaidYen = 0;
  let refundsPaidYen = 0;
  let changeVoucherYen = 0;
  let refundVoucherYen = 0;
  let redeemedVoucherYen = 0;
  const credited = new Set<string>();
  for (const movement of input.movements) {
    switch (movement.type) {
      case 'credit':
        coins += 1;
        creditedYen += movement.yen;
        credited.add(movement.transactionId);
        break;
      case 'payout':
        if (movement.reason === 'change') changePaidYen += movement.yen;
        else refundsPaidYen += movement.yen;
        break;
      case 'voucher':
        if (movement.reason === 'change') changeVoucherYen += movement.yen;
        else refundVoucherYen += movement.yen;
        if (movement.redeemed === true) redeemedVoucherYen += movement.yen;
        break;
    }
  }
  let paidYen = 0;
  let refundedYen = 0;
  let earnedYen = 0;
  let issuances = 0;
  for (const fee of input.fees) {
    if (!credited.has(fee.transactionId)) continue;
    paidYen += fee.paidYen;
    refundedYen += fee.refundedYen;
    earnedYen += Math.max(0, fee.paidYen - fee.refundedYen);
    if (fee.paidYen > 0) issuances += 1;
  }
  const hopperPaidYen = changePaidYen + refundsPaidYen;
  const voucherYen = changeVoucherYen + refundVoucherYen;
  const unsettledYen = creditedYen - earnedYen - hopperPaidYen - voucherYen;

  const count = input.count;
  const countedYen = count?.countedYen ?? null;
  const differenceYen = countedYen === null ? null : countedYen - creditedYen;
  const flags: CashFlag[] = [];
  if (differenceYen !== null && differenceYen < 0) flags.push('counted-short');
  if (differenceYen !== null && differenceYen > 0) flags.push('counted-over');
  if (count !== null && count.recordedYen !== creditedYen) flags.push('recorded-mismatch');
  if (count !== null && countedYen === null) flags.push('not-counted');
  if (unsettledYen !== 0) flags.push('unsettled');

  const hoppers = reconcileHoppers(input.hoppersStart ?? null, count?.hoppers ?? null, hopperPaidYen);
  if (hoppers.differenceYen !== null && hoppers.differenceYen < 0) flags.push('hoppers-short');
  if (hoppers.differenceYen !== null && hoppers.differenceYen > 0) flags.push('hoppers-over');
  return {
    cashBox: { coins, expectedYen: creditedYen, recordedYen: count?.recordedYen ?? null, countedYen, differenceYen },
    hoppers: { changePaidYen, refundsPaidYen, paidYen: hopperPaidYen, ...hoppers },
    vouchers: {
      changeYen: changeVoucherYen,
      refundYen: refundVoucherYen,
      issuedYen: voucherYen,
      redeemedYen: redeemedVoucherYen,
      outstandingYen: voucherYen - redeemedVoucherYen,
    },
    fees: { paidYen, refundedYen, earnedYen, issuances },
    unsettledYen,
    flags,
  };
}

/** The yen value of hopper counts, found or left. */
function hopperYen(counts: readonly HopperCount[], side: 'foundCoins' | 'leftCoins'): number {
  return counts.reduce((sum, count) => sum + count.coinYen * count[side], 0);
}

/** The hoppers from one collection to the next: what was left then, less what they paid, against what was found now. */
function reconcileHoppers(
  start: readonly HopperCount[] | null,
  counted: readonly HopperCount[] | null,
  paidYen: number,
): Omit<CashPeriod['hoppers'], 'changePaidYen' | 'refundsPaidYen' | 'paidYen'> {
  const startYen = start === null ? null : hopperYen(start, 'leftCoins');
  const expectedYen = startYen === null ? null : startYen - paidYen;
  const countedYen = counted === null ? null : hopperYen(counted, 'foundCoins');
  return {
    startYen,
    expectedYen,
    countedYen,
    differenceYen: countedYen === null || expectedYen === null ? null : countedYen - expectedYen,
    leftYen: counted === null ? null : hopperYen(counted, 'leftCoins'),
    counts: counted === null ? [] : [...counted],
  };
}

/** Flags that mean money is missing or unaccounted for at the box (an alert); `not-counted` and `unsettled` are notes. */
const DISCREPANCIES: ReadonlySet<CashFlag> = new Set(['counted-short', 'counted-over', 'recorded-mismatch']);
const HOPPER_DISCREPANCIES: ReadonlySet<CashFlag> = new Set(['hoppers-short', 'hoppers-over']);

/**
 * The discrepancy an alert reports: counted (or, when not counted, the kiosk's own count) − expected at
 * the cash box; when the box balances, the hoppers' counted − expected; 0 when none.
 */
export function cashDiscrepancyYen(reconciliation: Pick<CashReconciliation, 'cashBox' | 'hoppers' | 'flags'>): number {
  if (!reconciliation.flags.some((flag) => DISCREPANCIES.has(flag))) {
    return reconciliation.flags.some((flag) => HOPPER_DISCREPANCIES.has(flag)) ? (reconciliation.hoppers.differenceYen ?? 0) : 0;
  }
  const { countedYen, recordedYen, expectedYen } = reconciliation.cashBox;
  const difference = (countedYen ?? recordedYen ?? expectedYen) - expectedYen;
  // Counted equals the ledger but the kiosk's own count does not: report the kiosk's difference.
  return difference !== 0 ? difference : (recordedYen ?? expectedYen) - expectedYen;
}
