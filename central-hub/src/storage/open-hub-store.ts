import type { DatabaseConfig } from '../config';
import type { Logger } from '../logger';
import type { HubStore } from './hub-store';
import { PostgresHubStore, redactedUrl } from './postgres-hub-store';
import { SqliteHubStore } from './sqlite-hub-store';

/** Opens the store the configuration names, migrated; refuses with a clear error when it cannot. */
export async function openHubStore(database: DatabaseConfig, dataDir: string, log: Logger): Promise<HubStore> {
  const logger = log.child({ module: 'database' });
  if (database.engine === 'postgres') {
    const store = await PostgresHubStore.open(database);
    logger.info({ engine: 'postgres', url: redactedUrl(database.url), applied: store.applied }, 'database ready');
    return store;
  }
  const store = new SqliteHubStore(dataDir);
  logger.info({ engine: 'sqlite', file: store.file, applied: store.applied }, 'database ready');
  return store;
}
