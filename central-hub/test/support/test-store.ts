import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config';
import type { HubStore } from '../../src/storage/hub-store';
import { PostgresHubStore } from '../../src/storage/postgres-hub-store';
import { SqliteHubStore } from '../../src/storage/sqlite-hub-store';

/**
 * Which engine this test run's hubs use: the hub suite runs once per engine (issue 13), the PostgreSQL
 * run through `central-hub/jest.postgres.config.cjs`, which sets HUB_TEST_ENGINE=postgres.
 */
export const TEST_ENGINE: 'sqlite' | 'postgres' = process.env.HUB_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/** The server the PostgreSQL runs use (the machine's own, on loopback with trust auth). */
export const TEST_POSTGRES_ADMIN_URL = process.env.HUB_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let databases = 0;

/** A database of its own for one test (so test files run in parallel); `drop` removes it and its connections. */
export async function createTestPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hub_test_${process.pid}_${++databases}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** The hub configuration's database part for a test hub on this run's engine. */
export async function testDatabaseConfig(): Promise<{ database: DatabaseConfig; drop(): Promise<void> }> {
  if (TEST_ENGINE === 'sqlite') return { database: { engine: 'sqlite' }, drop: async () => undefined };
  const created = await createTestPostgresDatabase();
  return {
    database: { engine: 'postgres', url: created.url, poolSize: 5, statementTimeoutMs: 30_000, ssl: 'disable', caFile: null },
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
  const store = await PostgresHubStore.open({ url: created.url, poolSize: 5, statementTimeoutMs: 30_000, ssl: 'disable', caFile: null });
  return {
    store,
    close: async () => {
      await store.close();
      await created.drop();
    },
  };
}
