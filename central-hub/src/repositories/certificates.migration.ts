import type { Migration } from './migrations';

/**
 * Schema of certificate issuance: synthetic resident records, card challenges and sessions, issuances
 * and their ledger, operator maintenance days. Listed in MIGRATIONS (migrations.ts) as version 3.
 *
 * Privacy by table: `resident_*` hold personal data (as the municipal register would); the card tables
 * and issuances hold only ids; `certificate_ledger` holds ids, types, amounts, serials, kiosk and time,
 * never a name, an address or a My Number.
 */
export const CERTIFICATES_MIGRATION: Omit<Migration, 'version'> = {
  name: 'certificate issuance',
  sql: `
    CREATE TABLE resident_households (
      household_id TEXT PRIMARY KEY,
      municipality TEXT NOT NULL,
      address TEXT NOT NULL,
      head_name TEXT NOT NULL
    );

    -- 本籍 and 筆頭者 of a family register; held_here = this municipality keeps the register itself.
    CREATE TABLE resident_family_registers (
      register_id TEXT PRIMARY KEY,
      honseki TEXT NOT NULL,
      register_head TEXT NOT NULL,
      held_here INTEGER NOT NULL CHECK (held_here IN (0, 1))
    );

    CREATE TABLE residents (
      resident_id TEXT PRIMARY KEY,
      municipality TEXT NOT NULL,
      household_id TEXT NOT NULL REFERENCES resident_households (household_id),
      household_order INTEGER NOT NULL,
      name_ja TEXT NOT NULL,
      name_kana TEXT NOT NULL,
      birth_date TEXT NOT NULL,
      gender TEXT NOT NULL CHECK (gender IN ('male', 'female')),
      household_relationship TEXT NOT NULL,
      became_resident_on TEXT NOT NULL,
      register_id TEXT NULL REFERENCES resident_family_registers (register_id),
      register_order INTEGER NULL,
      register_relationship TEXT NULL,
      seal_registration_number TEXT NULL,
      seal_registered_on TEXT NULL
    );
    CREATE INDEX residents_by_household ON residents (household_id, household_order);
    CREATE INDEX residents_by_register ON residents (register_id, register_order);

    -- The card's user-authentication certificate, named by issuer DN and serial (uppercase hex).
    CREATE TABLE resident_certificates (
      cert_issuer TEXT NOT NULL,
      cert_serial TEXT NOT NULL,
      resident_id TEXT NOT NULL REFERENCES residents (resident_id),
      PRIMARY KEY (cert_issuer, cert_serial)
    ) WITHOUT ROWID;

    CREATE TABLE resident_address_history (
      resident_id TEXT NOT NULL REFERENCES residents (resident_id),
      since TEXT NOT NULL,
      address TEXT NOT NULL,
      PRIMARY KEY (resident_id, since)
    ) WITHOUT ROWID;

    CREATE TABLE resident_tax_records (
      resident_id TEXT NOT NULL REFERENCES residents (resident_id),
      fiscal_year INTEGER NOT NULL,
      total_income_yen INTEGER NOT NULL CHECK (total_income_yen >= 0),
      municipal_tax_yen INTEGER NOT NULL CHECK (municipal_tax_yen >= 0),
      prefectural_tax_yen INTEGER NOT NULL CHECK (prefectural_tax_yen >= 0),
      PRIMARY KEY (resident_id, fiscal_year)
    ) WITHOUT ROWID;

    -- One-time challenges (hex of 32 random bytes), bound to the kiosk they were issued to.
    CREATE TABLE card_challenges (
      challenge TEXT PRIMARY KEY,
      kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
      expires_at_ms INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX card_challenges_by_expiry ON card_challenges (expires_at_ms);

    -- A verified card on one kiosk: the agent holds only the opaque session id.
    CREATE TABLE card_sessions (
      session_id TEXT PRIMARY KEY,
      kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
      resident_id TEXT NOT NULL REFERENCES residents (resident_id),
      created_at TEXT NOT NULL,
      expires_at_ms INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX card_sessions_by_expiry ON card_sessions (expires_at_ms);

    -- transaction_id is the kiosk transaction's idempotency key: one issuance per key, ever.
    CREATE TABLE certificate_issuances (
      issuance_id TEXT PRIMARY KEY,
      transaction_id TEXT NOT NULL UNIQUE,
      request_hash TEXT NOT NULL,
      kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
      municipality TEXT NOT NULL,
      resident_id TEXT NOT NULL REFERENCES residents (resident_id),
      certificate_type TEXT NOT NULL,
      options_json TEXT NOT NULL,
      copies INTEGER NOT NULL CHECK (copies BETWEEN 1 AND 10),
      unit_fee_yen INTEGER NOT NULL CHECK (unit_fee_yen >= 0),
      fee_yen INTEGER NOT NULL CHECK (fee_yen >= 0),
      serial TEXT NOT NULL UNIQUE,
      serial_year INTEGER NOT NULL,
      serial_seq INTEGER NOT NULL,
      verification_code TEXT NOT NULL UNIQUE,
      issued_at TEXT NOT NULL,
      voided_at TEXT NULL,
      UNIQUE (municipality, serial_year, serial_seq)
    );

    CREATE TABLE certificate_ledger (
      entry_id INTEGER PRIMARY KEY AUTOINCREMENT,
      kind TEXT NOT NULL CHECK (kind IN ('issuance', 'payment', 'refund')),
      transaction_id TEXT NOT NULL,
      issuance_id TEXT NULL REFERENCES certificate_issuances (issuance_id),
      kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
      municipality TEXT NULL,
      certificate_type TEXT NULL,
      copies INTEGER NULL,
      amount_yen INTEGER NOT NULL CHECK (amount_yen >= 0),
      serial TEXT NULL,
      detail TEXT NULL,
      occurred_at TEXT NOT NULL,
      UNIQUE (transaction_id, kind)
    );

    CREATE TABLE certificate_maintenance_days (
      municipality TEXT NOT NULL,
      day TEXT NOT NULL,
      set_at TEXT NOT NULL,
      PRIMARY KEY (municipality, day)
    ) WITHOUT ROWID;
  `,
};

/**
 * One serial counter per municipality and JST year (issue 13). `MAX(serial_seq) + 1` handed two writers
 * the same number on PostgreSQL (the second failed on the unique serial after the resident had paid);
 * the issuance now takes its number with one atomic upsert on this row, which also holds concurrent
 * issuers of one municipality in line. Seeded with the highest serial each municipality issued so far.
 * Listed in MIGRATIONS (migrations.ts) as version 10.
 */
export const CERTIFICATE_SERIAL_COUNTERS_MIGRATION: Omit<Migration, 'version'> = {
  name: 'certificate serial counters',
  sql: `
    CREATE TABLE certificate_serial_counters (
      municipality TEXT NOT NULL,
      serial_year INTEGER NOT NULL,
      last_seq INTEGER NOT NULL CHECK (last_seq >= 1),
      PRIMARY KEY (municipality, serial_year)
    ) WITHOUT ROWID;
    INSERT INTO certificate_serial_counters (municipality, serial_year, last_seq)
      SELECT municipality, serial_year, MAX(serial_seq) FROM certificate_issuances GROUP BY municipality, serial_year;
  `,
};
