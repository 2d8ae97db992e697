/**
 * The certificate flow's money ledger in the agent database (appended to store/migrations.ts): one row
 * per certificate transaction with what was charged, credited, paid out, issued and printed, so a restart
 * finds an unfinished transaction and completes or refunds it exactly once. Ids, types, amounts and the
 * certificate serial only: no name, address, card certificate or PIN, ever.
 */
export const CERTIFICATE_TRANSACTIONS_MIGRATION = `
  CREATE TABLE certificate_transactions (
    transaction_id   TEXT PRIMARY KEY,
    state            TEXT NOT NULL CHECK (state IN ('paying', 'paid', 'issued', 'printed', 'refunding', 'completed', 'cancelled', 'refunded')),
    certificate_type TEXT NOT NULL,
    copies           INTEGER NOT NULL CHECK (copies BETWEEN 1 AND 10),
    fee_yen          INTEGER NOT NULL CHECK (fee_yen >= 0),
    credited_yen     INTEGER NOT NULL DEFAULT 0 CHECK (credited_yen >= 0),
    paid_out_yen     INTEGER NOT NULL DEFAULT 0 CHECK (paid_out_yen >= 0),
    voucher_yen      INTEGER NOT NULL DEFAULT 0 CHECK (voucher_yen >= 0),
    issued_serial    TEXT,
    printed_at       TEXT,
    refund_reason    TEXT CHECK (refund_reason IN ('print-failed', 'issue-failed', 'recovered-after-restart')),
    refund_reported  INTEGER NOT NULL DEFAULT 0 CHECK (refund_reported IN (0, 1)),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
  );
  CREATE INDEX certificate_transactions_open ON certificate_transactions (state)
    WHERE state NOT IN ('completed', 'cancelled', 'refunded');
`;
