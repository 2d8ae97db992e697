/**
 * Runs synchronous storage work (better-sqlite3 is synchronous) behind the repositories' Promise-based
 * interfaces, which an asynchronous engine (PostgreSQL) could implement too. A throw becomes a
 * rejection, so callers see the same behaviour whatever the engine.
 */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
