import type { CashFlag, CashPeriod } from '@kiosk/protocols';

/** One money event of a collection period, as the kiosk's outbox stored it on the hub. */
export type CashMovement =
  | { type: 'credit'; transactionId: string; yen: number }
  | { type: 'payout'; transactionId: string; yen: number; reason: 'change' | 'refund' }
  | { type: 'voucher'; transactionId: string; yen: number; reason: 'change' | 'refund' };

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
}

export interface CashPeriodInput {
  movements: readonly CashMovement[];
  /**
   * Fees of the transactions this period opened (their first coin is in it); a fee of a transaction with
   * no coin in the period is ignored, so a transaction straddling a collection is counted once.
   */
  fees: readonly TransactionFee[];
  count: CashCount | null;
}

export type CashReconciliation = Pick<CashPeriod, 'cashBox' | 'hoppers' | 'vouchers' | 'fees' | 'unsettledYen' | 'flags'>;

/**
 * The reconciliation of one kiosk's collection period. Coins go to the cash box, change and refunds come
 * from the hoppers (filled separately), and what the hoppers could not pay is on a voucher. So:
 * - the cash box should hold every coin credited (`expectedYen`), against the technician's count and the
 *   kiosk's own count;
 * - every yen credited is a fee kept, paid back by a hopper or owed on a voucher; what is left is
 *   `unsettledYen` (0 for a period whose transactions all ended inside it).
 * Pure: inputs are the period's events and the count; the caller finds them.
 */
export function reconcileCashPeriod(input: CashPeriodInput): CashReconciliation {
  let coins = 0;
  let creditedYen = 0;
  let changePaidYen = 0;
  let refundsPaidYen = 0;
  let changeVoucherYen = 0;
  let refundVoucherYen = 0;
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
  return {
    cashBox: { coins, expectedYen: creditedYen, recordedYen: count?.recordedYen ?? null, countedYen, differenceYen },
    hoppers: { changePaidYen, refundsPaidYen, paidYen: hopperPaidYen },
    vouchers: { changeYen: changeVoucherYen, refundYen: refundVoucherYen, issuedYen: voucherYen },
    fees: { paidYen, refundedYen, earnedYen, issuances },
    unsettledYen,
    flags,
  };
}

/** Flags that mean money is missing or unaccounted for at the box (an alert); `not-counted` and `unsettled` are notes. */
const DISCREPANCIES: ReadonlySet<CashFlag> = new Set(['counted-short', 'counted-over', 'recorded-mismatch']);

/** The discrepancy an alert reports: counted (or, when not counted, the kiosk's own count) − expected; 0 when none. */
export function cashDiscrepancyYen(reconciliation: Pick<CashReconciliation, 'cashBox' | 'flags'>): number {
  if (!reconciliation.flags.some((flag) => DISCREPANCIES.has(flag))) return 0;
  const { countedYen, recordedYen, expectedYen } = reconciliation.cashBox;
  const difference = (countedYen ?? recordedYen ?? expectedYen) - expectedYen;
  // Counted equals the ledger but the kiosk's own count does not: report the kiosk's difference.
  return difference !== 0 ? difference : (recordedYen ?? expectedYen) - expectedYen;
}
