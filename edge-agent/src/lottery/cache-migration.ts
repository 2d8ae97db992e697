/**
 * The lottery's table in the agent database (appended to store/migrations.ts): what the hub last said
 * about facilities, rounds and each facility-month's availability, with when it said it, so the
 * terminal can still show a calendar "as of" that time while the hub is unreachable; and the hub's
 * offline-entry key. Public data only: nothing about a person is ever cached.
 */
export const LOTTERY_CACHE_MIGRATION = `
  CREATE TABLE lottery_cache (
    key        TEXT PRIMARY KEY,
    value_json TEXT NOT NULL,
    as_of      TEXT NOT NULL
  );
`;
