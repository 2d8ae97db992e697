import type { Migration } from './migrations';

/**
 * Cash reconciliation (issue 18): each kiosk's `cash.collected` events found fast (a partial index: only
 * those rows are indexed, so ingesting other events costs nothing more), and each collection's cash box
 * outcome once its period is complete (every event below it held), which the alert rules read. Listed in
 * MIGRATIONS (migrations.ts) with its version.
 */
export const CASH_RECONCILIATION_MIGRATION: Omit<Migration, 'version'> = {
  name: 'cash reconciliation',
  sql: `
    CREATE INDEX events_cash_collected ON events (kiosk_id, seq) WHERE type = 'cash.collected';

    -- Amounts only. expected: the coins credited in the period; discrepancy: what an alert reports (0: none).
    CREATE TABLE cash_collections (
      kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
      seq INTEGER NOT NULL,
      event_id TEXT NOT NULL,
      collected_at TEXT NOT NULL,
      expected_yen INTEGER NOT NULL CHECK (expected_yen >= 0),
      recorded_yen INTEGER NOT NULL CHECK (recorded_yen >= 0),
      counted_yen INTEGER NULL CHECK (counted_yen >= 0),
      discrepancy_yen INTEGER NOT NULL,
      settled_at TEXT NOT NULL,
      PRIMARY KEY (kiosk_id, seq)
    ) WITHOUT ROWID;
  `,
};
