import type { Migration } from './migrations';

/**
 * Maintenance days per kiosk (issue 18, item 3): a maintenance day closes every kiosk of its municipality
 * (kiosk_id NULL, as before) or only one kiosk. SQLite cannot change a primary key, so the table is
 * rebuilt with the rows it held (all municipality-wide); one day is scheduled at most once per
 * municipality and kiosk (NULL counted as one value by the expression index). Listed in MIGRATIONS
 * (migrations.ts) with its version.
 */
export const MAINTENANCE_DAY_KIOSK_MIGRATION: Omit<Migration, 'version'> = {
  name: 'maintenance days per kiosk',
  sql: `
    CREATE TABLE certificate_maintenance_days_v2 (
      municipality TEXT NOT NULL,
      day TEXT NOT NULL,
      kiosk_id TEXT NULL REFERENCES kiosks (kiosk_id),
      set_at TEXT NOT NULL
    );
    INSERT INTO certificate_maintenance_days_v2 (municipality, day, kiosk_id, set_at)
      SELECT municipality, day, NULL, set_at FROM certificate_maintenance_days;
    DROP TABLE certificate_maintenance_days;
    ALTER TABLE certificate_maintenance_days_v2 RENAME TO certificate_maintenance_days;
    CREATE UNIQUE INDEX certificate_maintenance_days_key ON certificate_maintenance_days (municipality, day, ifnull(kiosk_id, ''));
  `,
};
