import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../../src/config';
import type { HubStore } from '../../src/storage/hub-store';
import { PostgresHubStore } from '../../src/storage/postgres-hub-store';
import { SqliteHubStore } from '../../src/storage/sqlite-hub-store';
import { HUB_TEST_ENGINE as TEST_ENGINE, createTestPostgresDatabase } from '../../../test/support/hub-records';

/** Which engine this test run's hubs use, and the per-test databases: one module for every suite. */
export { HUB_TEST_ENGINE as TEST_ENGINE, TEST_POSTGRES_ADMIN_URL, createTestPostgresDatabase } from '../../../test/support/hub-records';

/** The hub configuration's database part for a test hub on this run's engine. */
export async function testDatabaseConfig(): Promise<{ database: DatabaseConfig; drop(): Promise<void> }> {
  if (TEST_ENGINE === 'sqlite') return { database: { engine: 'sqlite' }, drop: () => Promise.resolve() };
  const created = await createTestPostgresDatabase();
  return {
    // Three commit lanes (the most a pool of five allows), so every PostgreSQL spec runs on parallel lanes.
    database: { engine: 'postgres', url: created.url, poolSize: 5, commitLanes: 3, statementTimeoutMs: 30_000, ssl: 'disable', caFile: null },
    drop: created.drop,
  };
}

/** A migrated store on this run's engine, for repository tests; `close` closes and removes it. */
export async function openTestStore(): Promise<{ store: HubStore; close(): Promise<void> }> {
  if (TEST_ENGINE === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'hub-store-test-'));
    const store = new SqliteHubStore(dir);
    return {
      store,
      close: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const created = await createTestPostgresDatabase();
  const store = await PostgresHubStore.open({ url: created.url, poolSize: 5, commitLanes: 3, statementTimeoutMs: 30_000, ssl: 'disable', caFile: null });
  return {
    store,
    close: async () => {
      await store.close();
      await created.drop();
    },
  };
}
