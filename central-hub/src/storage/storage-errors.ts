/**
 * Engine-neutral storage errors (issue 13). Repositories translate what SQLite (better-sqlite3's
 * `SqliteError.code`) and PostgreSQL (SQLSTATE in `error.code`) report into one vocabulary, so no
 * caller ever matches an engine's message text.
 */
export type StorageErrorKind = 'unique-violation' | 'foreign-key-violation' | 'check-violation' | 'serialization-failure' | 'busy';

const SQLITE_CODES: Readonly<Record<string, StorageErrorKind>> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique-violation',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique-violation',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign-key-violation',
  SQLITE_CONSTRAINT_CHECK: 'check-violation',
  // Another process holds the file's write lock, or wrote since this transaction's snapshot: run it again.
  SQLITE_BUSY: 'serialization-failure',
  SQLITE_BUSY_SNAPSHOT: 'serialization-failure',
};

const POSTGRES_CODES: Readonly<Record<string, StorageErrorKind>> = {
  '23505': 'unique-violation',
  '23503': 'foreign-key-violation',
  '23514': 'check-violation',
  '40001': 'serialization-failure',
  '40P01': 'serialization-failure',
  // The database is overloaded, not the request wrong: the statement ran past `statement_timeout`
  // (query_canceled), or the server has no connection slot left. Nothing was committed; try later.
  '57014': 'busy',
  '53300': 'busy',
};

/**
 * pg-pool gives its own wait for a free connection (`connectionTimeoutMillis`) no code, only this
 * message; it is matched here, once, so the rest of the hub sees `busy` like the SQLSTATEs above.
 */
const PG_POOL_WAIT_TIMEOUT_MESSAGE = 'timeout exceeded when trying to connect';

/** The kind of a storage engine's error, or null when it is none of those (a bug, a lost connection…). */
export function storageErrorKind(error: unknown): StorageErrorKind | null {
  if (error instanceof Error && error.message === PG_POOL_WAIT_TIMEOUT_MESSAGE) return 'busy';
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  const code = (error as { code: unknown }).code;
  if (typeof code !== 'string') return null;
  return SQLITE_CODES[code] ?? POSTGRES_CODES[code] ?? null;
}

export const isUniqueViolation = (error: unknown): boolean => storageErrorKind(error) === 'unique-violation';
export const isSerializationFailure = (error: unknown): boolean => storageErrorKind(error) === 'serialization-failure';
/** The database could not take this request now (pool exhausted, statement timeout): retry later. */
export const isStorageBusy = (error: unknown): boolean => storageErrorKind(error) === 'busy';
