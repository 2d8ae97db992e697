import type { Migration } from './migrations';

/**
 * Vouchers redeemed at the municipal office (issue 18): a kiosk prints a voucher when its hopper cannot
 * pay (a `cash.voucher` event); the office records paying it, once per voucher (its event id is the
 * key, so a second redemption of the same voucher cannot be stored). The vouchers of a kiosk are found
 * fast by a partial index (only those event rows are indexed). Listed in MIGRATIONS with its version.
 */
export const CASH_VOUCHERS_MIGRATION: Omit<Migration, 'version'> = {
  name: 'cash voucher redemptions',
  sql: `
    CREATE INDEX events_cash_voucher ON events (kiosk_id, seq) WHERE type = 'cash.voucher';

    -- Who paid which voucher when; amounts only, nothing about the person who brought it.
    CREATE TABLE cash_voucher_redemptions (
      voucher_event_id TEXT PRIMARY KEY,
      kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
      transaction_id TEXT NOT NULL,
      amount_yen INTEGER NOT NULL CHECK (amount_yen > 0),
      redeemed_at TEXT NOT NULL,
      redeemed_by TEXT NOT NULL,
      note TEXT NULL
    );
    CREATE INDEX cash_voucher_redemptions_by_transaction ON cash_voucher_redemptions (kiosk_id, transaction_id);
  `,
};
