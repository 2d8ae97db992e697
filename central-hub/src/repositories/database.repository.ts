export { HUB_DB_FILE } from '../storage/sqlite-hub-store';

/** What services may ask of the store as a whole (health), whatever engine holds it. */
export interface DatabaseRepository {
  /** Resolves when a trivial query succeeds; rejects otherwise. */
  ping(): Promise<void>;
}
/** Provides the `HubStore` (storage/hub-store.ts) the repositories write their queries against. */
export const DATABASE = 'DatabaseRepository';
