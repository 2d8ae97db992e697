import type { Migration } from './migrations';

/**
 * Offline (provisional) lottery entries (domain/lottery/OFFLINE.md), alternates' deadlines and the demo's lottery clock, listed in MIGRATIONS as version 5.
 * A row is written in the same transaction as its outbox event (keyed like it), judged once, and then
 * never changes. The sealed PIN is kept only while the row is pending: it is the PIN to whoever holds
 * the hub's private key, so it is erased when the outcome is recorded.
 */
export const LOTTERY_OFFLINE_SCHEMA_SQL = `
  CREATE TABLE lottery_provisional_entries (
    kiosk_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    client_entry_id TEXT NOT NULL,
    user_number TEXT NOT NULL,
    round_id TEXT NOT NULL,
    first_slot_id TEXT NOT NULL,
    second_slot_id TEXT NULL,
    occurred_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    key_id TEXT NULL,
    sealed_pin TEXT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    entry_id TEXT NULL REFERENCES lottery_entries (entry_id),
    reason TEXT NULL,
    message TEXT NULL,
    decided_at TEXT NULL,
    PRIMARY KEY (kiosk_id, event_id),
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    CHECK ((status = 'pending') = (sealed_pin IS NOT NULL)),
    CHECK ((status = 'accepted') = (entry_id IS NOT NULL)),
    CHECK ((status = 'rejected') = (reason IS NOT NULL))
  ) WITHOUT ROWID;
  CREATE INDEX lottery_provisional_pending ON lottery_provisional_entries (status, received_at);
  CREATE INDEX lottery_provisional_by_user ON lottery_provisional_entries (user_number, occurred_at);

  -- Ranked alternates (domain/lottery/alternates.ts): a promoted alternate's own confirmation deadline
  -- (NULL: the round's), and until when a slot released after its round's first-come opening stays held.
  ALTER TABLE facility_bookings ADD COLUMN confirm_by TEXT NULL;
  ALTER TABLE facility_slots ADD COLUMN first_come_from TEXT NULL;

  -- Demo only (HUB_SEED_DEMO_USERS=1): how far the lottery's clock runs ahead of the hub's (lottery-clock.repository.ts).
  CREATE TABLE lottery_demo_clock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    offset_ms INTEGER NOT NULL CHECK (offset_ms >= 0),
    updated_at TEXT NOT NULL
  );
`;

/**
 * One PIN attempt per offline sign-in (issue 15): the entries of one offline sign-in carry its id and
 * one PIN sealed for it; the first of them judged records whether that PIN was right (`pin_ok`), the
 * others reuse the verdict instead of counting another attempt.
 */
export const LOTTERY_OFFLINE_SESSION_MIGRATION: Omit<Migration, 'version'> = {
  name: 'offline lottery sign-in sessions: one PIN attempt each',
  sql: `
    ALTER TABLE lottery_provisional_entries ADD COLUMN offline_session_id TEXT NULL;
    ALTER TABLE lottery_provisional_entries ADD COLUMN pin_ok INTEGER NULL CHECK (pin_ok IN (0, 1));
    CREATE INDEX lottery_provisional_by_session ON lottery_provisional_entries (user_number, offline_session_id)
      WHERE offline_session_id IS NOT NULL;
  `,
};

export const LOTTERY_OFFLINE_MIGRATION: Omit<Migration, 'version'> = {
  name: 'offline lottery entries, alternates, demo lottery clock',
  sql: LOTTERY_OFFLINE_SCHEMA_SQL,
};
