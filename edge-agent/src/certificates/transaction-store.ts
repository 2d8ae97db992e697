import type { CertificateRefundReason, CertificateType } from '@kiosk/protocols';
import type { Clock } from '../clock';
import type { SqliteDatabase } from '../store/database';

/**
 * Where a certificate transaction's money stands. `paying`: coins are being taken; `paid`: the fee is in,
 * issue not yet confirmed; `issued`: the hub issued (serial known), not yet printed; `printed`: the
 * certificate came out (the fee is earned); `refunding`: the fee is owed back. Final: `completed`,
 * `cancelled` (coins returned before payment completed), `refunded`.
 */
export type TransactionState = 'paying' | 'paid' | 'issued' | 'printed' | 'refunding' | 'completed' | 'cancelled' | 'refunded';

export const FINAL_STATES: ReadonlySet<TransactionState> = new Set(['completed', 'cancelled', 'refunded']);

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

export class UnknownTransactionError extends Error {
  readonly code = 'unknown_transaction';
}

/**
 * The money ledger of certificate transactions (certificate_transactions). Every method commits before it
 * returns (better-sqlite3 is synchronous; the file runs with synchronous=FULL): durable before visible.
 */
export class CertificateTransactions {
  private readonly statements;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: Clock,
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
      issued: db.prepare("UPDATE certificate_transactions SET state = 'issued', issued_serial = ?, updated_at = ? WHERE transaction_id = ? AND state = 'paid'"),
      printed: db.prepare("UPDATE certificate_transactions SET state = 'printed', printed_at = ?, updated_at = ? WHERE transaction_id = ? AND state IN ('paid', 'issued')"),
      refunding: db.prepare(
        "UPDATE certificate_transactions SET state = 'refunding', refund_reason = ?, updated_at = ? WHERE transaction_id = ? AND state IN ('paid', 'issued', 'refunding')",
      ),
      reported: db.prepare('UPDATE certificate_transactions SET refund_reported = 1, updated_at = ? WHERE transaction_id = ?'),
    };
  }

  /** Opens the transaction when payment starts (idempotent: a second open of the same id changes nothing). */
  open(input: { transactionId: string; certificateType: CertificateType; copies: number; feeYen: number }): CertificateTransaction {
    const now = this.now();
    this.statements.insert.run(input.transactionId, input.certificateType, input.copies, input.feeYen, now, now);
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

  credit(transactionId: string, yen: number): CertificateTransaction {
    return this.update(this.statements.credit, yen, transactionId);
  }

  paidOut(transactionId: string, yen: number): CertificateTransaction {
    return this.update(this.statements.paidOut, yen, transactionId);
  }

  voucher(transactionId: string, yen: number): CertificateTransaction {
    return this.update(this.statements.voucher, yen, transactionId);
  }

  setState(transactionId: string, state: TransactionState): CertificateTransaction {
    return this.update(this.statements.state, state, transactionId);
  }

  issued(transactionId: string, serial: string): CertificateTransaction {
    return this.update(this.statements.issued, serial, transactionId);
  }

  printed(transactionId: string): CertificateTransaction {
    return this.update(this.statements.printed, this.now(), transactionId);
  }

  /** The fee is owed back (print failed, issue failed, recovered after a restart). */
  refunding(transactionId: string, reason: CertificateRefundReason): CertificateTransaction {
    return this.update(this.statements.refunding, reason, transactionId);
  }

  refundReported(transactionId: string): CertificateTransaction {
    this.statements.reported.run(this.now(), transactionId);
    return this.require(transactionId);
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
