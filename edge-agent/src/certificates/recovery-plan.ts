import type { CertificateTransaction } from './transaction-store';

/** What the money owed to the person is: everything credited, less the fee once the certificate came out, less what already went back. */
export function owedYen(transaction: CertificateTransaction): number {
  const earned = transaction.printedAt !== null ? transaction.feeYen : 0;
  return Math.max(0, transaction.creditedYen - earned - transaction.paidOutYen - transaction.voucherYen);
}

export type RecoveryPlan =
  | { kind: 'nothing' }
  /** Payment never completed: give the coins back; nothing was issued. */
  | { kind: 'return-coins'; payYen: number }
  /** Paid but not printed (issued or not): the fee and any unpaid change go back; the hub voids the issuance. */
  | { kind: 'refund'; payYen: number; reportRefund: boolean }
  /** Printed: the certificate is the person's; only unpaid change remains. */
  | { kind: 'complete'; payYen: number }
  /** Refunded, but the hub has not acknowledged it yet. */
  | { kind: 'report-refund' };

/**
 * How an agent that restarted finishes a transaction it finds unfinished (pure). Each step is idempotent
 * against the ledger: money paid out is counted as the hopper reports it, so a second recovery pays only
 * what is still owed, and the hub's refund is keyed on the transaction id.
 */
export function recoveryPlan(transaction: CertificateTransaction): RecoveryPlan {
  const pay = owedYen(transaction);
  switch (transaction.state) {
    case 'paying':
      return { kind: 'return-coins', payYen: pay };
    case 'paid':
    case 'issued':
    case 'refunding':
      return { kind: 'refund', payYen: pay, reportRefund: !transaction.refundReported };
    case 'printed':
      return { kind: 'complete', payYen: pay };
    case 'refunded':
      return transaction.refundReported ? { kind: 'nothing' } : { kind: 'report-refund' };
    case 'completed':
    case 'cancelled':
      return { kind: 'nothing' };
  }
}
