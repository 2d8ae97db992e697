import type { CertificateRefundReason, CertificateType } from '@kiosk/protocols';
import type { Clock } from '../clock';
import type { CashLedger } from '../cash/cash-desk';
import type { SqliteDatabase } from '../store/database';
import { IllegalLedgerTransitionError, ledgerTransition, type LedgerEvent, type TransactionState } from './ledger-rules';

export type { TransactionState } from './ledger-rules';

export interface CertificateTransaction {
  transactionId: string;
  state: TransactionState;
  certificateType: CertificateType;
  copies: number;
  feeYen: number;
  /** Every coin the acceptor credited to this transaction. */
  creditedYen: number;
  /** Every yen the hopper paid out for it (change, returned coins, refund). */
  paidOutYen: number;
  /** What the hopper could not pay and a printed voucher covers. */
  voucherYen: number;
  issuedSerial: string | null;
  printedAt: string | null;
  refundReason: CertificateRefundReason | null;
  /** The hub acknowledged `certificates.refund` for it. */
  refundReported: boolean;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  transaction_id: string;
  state: TransactionState;
  certificate_type: CertificateType;
  copies: number;
  fee_yen: number;
  credited_yen: number;
  paid_out_yen: number;
  voucher_yen: number;
  issued_serial: string | null;
  printed_at: string | null;
  refund_reason: CertificateRefundReason | null;
  refund_reported: number;
  created_at: string;
  updated_at: string;
}

/** What a coin did to the ledger: the transaction after it, and whether it was the coin that paid the fee. */
export interface CertificateCredit {
  transaction: CertificateTransaction;
  feeReached: boolean;
}

/** Test-only: told after each commit of a ledger step of its own (chaos.ts, KIOSK_CHAOS=agent-crash-at-money-step:N). */
export interface LedgerChaos {
  moneyStep(step: 'ledger:open' | `ledger:${LedgerEvent['type']}` | 'ledger:refund-reported'): void;
}

export class UnknownTransactionError extends Error {
  readonly code = 'unknown_transaction';
}

/**
 * The money ledger of certificate transactions (certificate_transactions). Every method commits before it
 * returns (better-sqlite3 is synchronous; the file runs with synchronous=FULL): durable before visible.
 * Its states move only as ledger-rules.ts allows (`apply`); money moves only through the cash desk
 * (cash/cash-desk.ts), which writes `credit`/`paidOut`/`voucher` in the same commit as its outbox event.
 */
export class CertificateTransactions implements CashLedger<CertificateCredit> {
  private readonly statements;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: Clock,
    private readonly chaos: LedgerChaos | null = null,
  ) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO certificate_transactions (transaction_id, state, certificate_type, copies, fee_yen, created_at, updated_at)
         VALUES (?, 'paying', ?, ?, ?, ?, ?) ON CONFLICT (transaction_id) DO NOTHING`,
      ),
      get: db.prepare<[string], Row>('SELECT * FROM certificate_transactions WHERE transaction_id = ?'),
      unfinished: db.prepare<[], Row>(
        "SELECT * FROM certificate_transactions WHERE state NOT IN ('completed', 'cancelled', 'refunded') OR (refund_reason IS NOT NULL AND refund_reported = 0) ORDER BY created_at",
      ),
      credit: db.prepare('UPDATE certificate_transactions SET credited_yen = credited_yen + ?, updated_at = ? WHERE transaction_id = ?'),
      paidOut: db.prepare('UPDATE certificate_transactions SET paid_out_yen = paid_out_yen + ?, updated_at = ? WHERE transaction_id = ?'),
      voucher: db.prepare('UPDATE certificate_transactions SET voucher_yen = voucher_yen + ?, updated_at = ? WHERE transaction_id = ?'),
      state: db.prepare('UPDATE certificate_transactions SET state = ?, updated_at = ? WHERE transaction_id = ?'),
      serial: db.prepare('UPDATE certificate_transactions SET issued_serial = ? WHERE transaction_id = ?'),
      printedAt: db.prepare('UPDATE certificate_transactions SET printed_at = ? WHERE transaction_id = ?'),
      refundReason: db.prepare('UPDATE certificate_transactions SET refund_reason = ? WHERE transaction_id = ?'),
      reported: db.prepare('UPDATE certificate_transactions SET refund_reported = 1, updated_at = ? WHERE transaction_id = ?'),
    };
  }

  /** Opens the transaction when payment starts (idempotent: a second open of the same id changes nothing). */
  open(input: { transactionId: string; certificateType: CertificateType; copies: number; feeYen: number }): CertificateTransaction {
    const now = this.now();
    this.statements.insert.run(input.transactionId, input.certificateType, input.copies, input.feeYen, now, now);
    this.committed('ledger:open');
    return this.require(input.transactionId);
  }

  get(transactionId: string): CertificateTransaction | null {
    const row = this.statements.get.get(transactionId);
    return row ? fromRow(row) : null;
  }

  /** Not final, or refunded without the hub's acknowledgement yet. */
  unfinished(): CertificateTransaction[] {
    return this.statements.unfinished.all().map(fromRow);
  }

  /**
   * A coin counted to the transaction (the cash desk calls this inside the commit of its `cash.credit`
   * event). While the payment step is open, the credit that reaches the fee moves it `paying` → `paid` in
   * that same commit. Null when the ledger holds no such transaction (the coin is then the session's only).
   */
  credit(transactionId: string, coinYen: number, paymentOpen: boolean): CertificateCredit | null {
    return this.db.transaction((): CertificateCredit | null => {
      if (!this.get(transactionId)) return null;
      const credited = this.update(this.statements.credit, coinYen, transactionId);
      const feeReached = paymentOpen && credited.state === 'paying' && credited.creditedYen >= credited.feeYen;
      return { transaction: feeReached ? this.apply(transactionId, { type: 'fee-reached' }) : credited, feeReached };
    })();
  }

  /** A payout the hopper made for the transaction (inside the commit of its `cash.payout` event); unknown ids are ignored. */
  paidOut(transactionId: string, yen: number): void {
    if (this.get(transactionId)) this.update(this.statements.paidOut, yen, transactionId);
  }

  paidOutYen(transactionId: string): number {
    return this.get(transactionId)?.paidOutYen ?? 0;
  }

  /** What the hopper could not pay, now owed on a printed voucher. */
  voucher(transactionId: string, yen: number): void {
    this.update(this.statements.voucher, yen, transactionId);
  }

  /**
   * Moves the transaction's money state by `event` if ledger-rules.ts allows it (with the serial, print time
   * or refund reason the event carries), in one commit; throws IllegalLedgerTransitionError otherwise, having
   * written nothing.
   */
  apply(transactionId: string, event: LedgerEvent): CertificateTransaction {
    const applied = this.db.transaction((): CertificateTransaction => {
      const current = this.require(transactionId);
      const next = ledgerTransition(current.state, event);
      if (!next.ok) throw new IllegalLedgerTransitionError(transactionId, next.refusal);
      if (event.type === 'issue') this.statements.serial.run(event.serial, transactionId);
      if (event.type === 'print') this.statements.printedAt.run(this.now(), transactionId);
      if (event.type === 'refund') this.statements.refundReason.run(event.reason, transactionId);
      return this.update(this.statements.state, next.state, transactionId);
    })();
    this.committed(`ledger:${event.type}`);
    return applied;
  }

  refundReported(transactionId: string): CertificateTransaction {
    this.statements.reported.run(this.now(), transactionId);
    this.committed('ledger:refund-reported');
    return this.require(transactionId);
  }

  /** A step of the ledger's own reached the disk (inside the cash desk's commit it has not yet: the desk tells). */
  private committed(step: Parameters<LedgerChaos['moneyStep']>[0]): void {
    if (!this.db.inTransaction) this.chaos?.moneyStep(step);
  }

  private update(statement: { run(...args: unknown[]): unknown }, value: unknown, transactionId: string): CertificateTransaction {
    statement.run(value, this.now(), transactionId);
    return this.require(transactionId);
  }

  private require(transactionId: string): CertificateTransaction {
    const transaction = this.get(transactionId);
    if (!transaction) throw new UnknownTransactionError(`no certificate transaction ${transactionId}`);
    return transaction;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}

function fromRow(row: Row): CertificateTransaction {
  return {
    transactionId: row.transaction_id,
    state: row.state,
    certificateType: row.certificate_type,
    copies: row.copies,
    feeYen: row.fee_yen,
    creditedYen: row.credited_yen,
    paidOutYen: row.paid_out_yen,
    voucherYen: row.voucher_yen,
    issuedSerial: row.issued_serial,
    printedAt: row.printed_at,
    refundReason: row.refund_reason,
    refundReported: row.refund_reported === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
