import type { Migration } from './migrations';

/**
 * Schema of the facility lottery and booking (issue 7). Listed in MIGRATIONS (migrations.ts) as
 * version 4. It touches no table of another feature.
 *
 * Instants are ISO-8601 UTC strings (sortable as text), Japan dates `YYYY-MM-DD`, times `HH:MM`.
 * Nothing here holds a name, an address, a PIN or a My Number: users are numbers, PIN hashes and
 * certificate fingerprints.
 */
export const LOTTERY_SCHEMA_SQL = `
  CREATE TABLE lottery_settings (
    municipality TEXT PRIMARY KEY,
    settings_json TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );

  CREATE TABLE facilities (
    facility_id TEXT PRIMARY KEY,
    municipality TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    facility_type TEXT NOT NULL,
    closed_weekdays_json TEXT NOT NULL,
    cancel_deadline_days INTEGER NOT NULL CHECK (cancel_deadline_days >= 0),
    sort_order INTEGER NOT NULL
  );
  CREATE INDEX facilities_by_municipality ON facilities (municipality, facility_type);

  CREATE TABLE facility_units (
    unit_id TEXT PRIMARY KEY,
    facility_id TEXT NOT NULL REFERENCES facilities (facility_id),
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sports_json TEXT NOT NULL,
    slot_templates_json TEXT NOT NULL,
    sort_order INTEGER NOT NULL
  );
  CREATE INDEX facility_units_by_facility ON facility_units (facility_id, sort_order);

  -- One round per municipality, facility type and use month. Its milestones and caps are copied in at
  -- creation, so later settings changes never move an announced round. The seed stays secret until
  -- drawn_at; its SHA-256 (commitment_hex) is public from the start.
  CREATE TABLE lottery_rounds (
    round_id TEXT PRIMARY KEY,
    municipality TEXT NOT NULL,
    facility_type TEXT NOT NULL,
    use_month TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('lottery', 'first-come-only')),
    entry_opens_at TEXT NOT NULL,
    entry_closes_at TEXT NOT NULL,
    draw_at TEXT NOT NULL,
    results_at TEXT NOT NULL,
    confirm_closes_at TEXT NOT NULL,
    first_come_opens_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    offline_grace_ms INTEGER NOT NULL,
    caps_json TEXT NOT NULL,
    seed_hex TEXT NULL,
    commitment_hex TEXT NULL,
    created_at TEXT NOT NULL,
    drawn_at TEXT NULL,
    result_digest TEXT NULL,
    published_json TEXT NULL,
    UNIQUE (municipality, facility_type, use_month),
    CHECK ((kind = 'lottery') = (seed_hex IS NOT NULL AND commitment_hex IS NOT NULL))
  );
  CREATE INDEX lottery_rounds_due ON lottery_rounds (drawn_at, draw_at);

  CREATE TABLE facility_slots (
    slot_id TEXT PRIMARY KEY,
    unit_id TEXT NOT NULL REFERENCES facility_units (unit_id),
    round_id TEXT NOT NULL REFERENCES lottery_rounds (round_id),
    use_date TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    fee_yen INTEGER NOT NULL CHECK (fee_yen >= 0)
  );
  CREATE INDEX facility_slots_by_unit_date ON facility_slots (unit_id, use_date, start_time);
  CREATE INDEX facility_slots_by_round ON facility_slots (round_id);

  -- A person: several user cards (one per municipality, replacements) share an identity once they
  -- are linked through the same My Number card certificate.
  CREATE TABLE facility_identities (
    identity_id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
  );

  CREATE TABLE facility_users (
    user_number TEXT PRIMARY KEY CHECK (length(user_number) = 8),
    municipality TEXT NOT NULL,
    identity_id TEXT NOT NULL REFERENCES facility_identities (identity_id),
    pin_hash TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    failed_pin_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_pin_attempts >= 0),
    locked_until TEXT NULL
  );
  CREATE INDEX facility_users_by_identity ON facility_users (identity_id);

  -- SHA-256 of the DER of a My Number card's user-authentication certificate.
  CREATE TABLE identity_certificates (
    fingerprint TEXT PRIMARY KEY,
    identity_id TEXT NOT NULL REFERENCES facility_identities (identity_id),
    linked_at TEXT NOT NULL
  );
  CREATE INDEX identity_certificates_by_identity ON identity_certificates (identity_id);

  -- Only the SHA-256 of a session token is kept: the token is a bearer secret.
  CREATE TABLE facility_sessions (
    token_hash TEXT PRIMARY KEY,
    user_number TEXT NOT NULL REFERENCES facility_users (user_number),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE INDEX facility_sessions_by_expiry ON facility_sessions (expires_at);

  CREATE TABLE lottery_entries (
    entry_id TEXT PRIMARY KEY,
    entry_number TEXT NOT NULL UNIQUE,
    client_entry_id TEXT NOT NULL UNIQUE,
    round_id TEXT NOT NULL REFERENCES lottery_rounds (round_id),
    user_number TEXT NOT NULL REFERENCES facility_users (user_number),
    first_slot_id TEXT NOT NULL REFERENCES facility_slots (slot_id),
    second_slot_id TEXT NULL REFERENCES facility_slots (slot_id),
    channel TEXT NOT NULL CHECK (channel IN ('online', 'offline')),
    kiosk_id TEXT NULL,
    occurred_at TEXT NOT NULL,
    accepted_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'cancelled', 'void')),
    closed_at TEXT NULL,
    result TEXT NULL CHECK (result IN ('won-first', 'won-second', 'lost')),
    won_slot_id TEXT NULL REFERENCES facility_slots (slot_id),
    CHECK (second_slot_id IS NULL OR second_slot_id <> first_slot_id)
  );
  CREATE INDEX lottery_entries_by_round ON lottery_entries (round_id, status);
  CREATE INDEX lottery_entries_by_user ON lottery_entries (user_number, round_id);

  -- Every candidate of every drawn slot in drawn order: 1st choices, then 2nd choices (DRAW.md).
  CREATE TABLE lottery_ranks (
    round_id TEXT NOT NULL REFERENCES lottery_rounds (round_id),
    slot_id TEXT NOT NULL REFERENCES facility_slots (slot_id),
    position INTEGER NOT NULL,
    entry_id TEXT NOT NULL REFERENCES lottery_entries (entry_id),
    choice INTEGER NOT NULL CHECK (choice IN (1, 2)),
    won INTEGER NOT NULL CHECK (won IN (0, 1)),
    PRIMARY KEY (round_id, slot_id, position)
  ) WITHOUT ROWID;

  -- Lottery wins (held until confirmed) and first-come bookings.
  CREATE TABLE facility_bookings (
    booking_id TEXT PRIMARY KEY,
    booking_number TEXT NOT NULL UNIQUE,
    client_booking_id TEXT NULL UNIQUE,
    slot_id TEXT NOT NULL REFERENCES facility_slots (slot_id),
    user_number TEXT NOT NULL REFERENCES facility_users (user_number),
    source TEXT NOT NULL CHECK (source IN ('lottery', 'first-come')),
    entry_id TEXT NULL UNIQUE REFERENCES lottery_entries (entry_id),
    status TEXT NOT NULL CHECK (status IN ('held', 'confirmed', 'declined', 'released', 'cancelled')),
    fee_yen INTEGER NOT NULL CHECK (fee_yen >= 0),
    charge_yen INTEGER NULL CHECK (charge_yen >= 0),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((source = 'lottery') = (entry_id IS NOT NULL))
  );
  CREATE INDEX facility_bookings_by_user ON facility_bookings (user_number);
  -- No double booking, whatever code path writes: at most one live booking per slot.
  CREATE UNIQUE INDEX facility_bookings_one_live_per_slot ON facility_bookings (slot_id) WHERE status IN ('held', 'confirmed');
`;

export const LOTTERY_MIGRATION: Omit<Migration, 'version'> = {
  name: 'facility lottery and booking',
  sql: LOTTERY_SCHEMA_SQL,
};

/**
 * The draw's witness (issue 15, item 8): the value a draw officer enters at the draw, on which the draw's
 * randomness depends besides the seed committed at the round's creation (DRAW.md, format v2). Set once,
 * never changed; the scheduler draws a due round only once it has one.
 */
export const LOTTERY_DRAW_WITNESS_MIGRATION: Omit<Migration, 'version'> = {
  name: 'lottery draw witness',
  sql: `
    ALTER TABLE lottery_rounds ADD COLUMN witness_value TEXT NULL;
    ALTER TABLE lottery_rounds ADD COLUMN witness_source TEXT NULL;
    ALTER TABLE lottery_rounds ADD COLUMN witness_entered_at TEXT NULL;
    ALTER TABLE lottery_rounds ADD COLUMN witness_entered_by TEXT NULL;
  `,
};
