import { sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_ENGINE, createTestPostgresDatabase } from '../../test/support/test-store';
import { KyselyAuditRepository } from '../repositories/audit.repository';
import type { AuditDraft } from '../repositories/audit.sql';
import type { HubStore } from '../storage/hub-store';
import { PostgresHubStore } from '../storage/postgres-hub-store';
import { SqliteHubStore } from '../storage/sqlite-hub-store';
import { UsageError, sourceFrom, verifyAuditSource, type AuditSource } from './verify-audit';

const draft = (n: number): AuditDraft => ({
  at: '2026-12-07T01:00:00.000Z', actor: 'yamada', actorKind: 'user', action: 'auth.login', outcome: n % 2 === 0 ? 'ok' : 'refused', municipality: '豊中市', kioskId: null, target: `try-${n}`, detail: { n },
});

/** A hub store on this run's engine and the source the tool reads it from. */
async function openHubAndSource(): Promise<{ store: HubStore; source: AuditSource; close(): Promise<void> }> {
  if (TEST_ENGINE === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'hub-verify-audit-'));
    const store = new SqliteHubStore(dir);
    const close = async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    };
    return { store, source: { engine: 'sqlite', file: store.file }, close };
  }
  const created = await createTestPostgresDatabase();
  const config = { url: created.url, poolSize: 5, statementTimeoutMs: 30_000, ssl: 'disable', caFile: null } as const;
  const store = await PostgresHubStore.open(config);
  const close = async () => {
    await store.close();
    await created.drop();
  };
  return { store, source: { engine: 'postgres', ...config }, close };
}

/** What an intruder with database access does: lift the append-only guard, then change the trail. */
async function tamper(store: HubStore, change: string): Promise<void> {
  const on = store.engine === 'postgres' ? ' ON audit_log' : '';
  await sql.raw(`DROP TRIGGER audit_log_no_update${on}`).execute(store.db);
  await sql.raw(`DROP TRIGGER audit_log_no_delete${on}`).execute(store.db);
  await sql.raw(change).execute(store.db);
}

describe('verify-audit', () => {
  let hub: Awaited<ReturnType<typeof openHubAndSource>>;

  beforeEach(async () => {
    hub = await openHubAndSource();
    const audit = new KyselyAuditRepository(hub.store);
    for (let n = 1; n <= 7; n++) await audit.append(draft(n));
  });

  afterEach(async () => {
    await hub.close();
  });

  it('finds the chain intact, read in pages of any size', async () => {
    expect(await verifyAuditSource(hub.source, { pageRows: 3 })).toEqual({ ok: true, rows: 7, head: { seq: 7, hash: expect.stringMatching(/^[0-9a-f]{64}$/) as string } });
    expect(await verifyAuditSource(hub.source)).toMatchObject({ ok: true, rows: 7 });
  });

  it('names a row edited on a later page, and a row deleted', async () => {
    await tamper(hub.store, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 5");
    expect(await verifyAuditSource(hub.source, { pageRows: 2 })).toMatchObject({ ok: false, seq: 5, problem: 'edited' });
    await sql.raw('DELETE FROM audit_log WHERE seq = 3').execute(hub.store.db);
    expect(await verifyAuditSource(hub.source, { pageRows: 2 })).toMatchObject({ ok: false, seq: 3, problem: 'missing-row' });
  });

  it('sees rows removed at the end in the head', async () => {
    await tamper(hub.store, 'DELETE FROM audit_log WHERE seq = 7');
    expect(await verifyAuditSource(hub.source)).toMatchObject({ ok: false, seq: 7, problem: 'head-mismatch' });
  });
});

describe('verify-audit source', () => {
  it('reads PostgreSQL when HUB_DATABASE_URL is set, as the hub does, else the data directory’s file', () => {
    expect(sourceFrom([], { HUB_DATABASE_URL: 'postgres://audit@db.example:5432/hub', HUB_DATABASE_SSL: 'require', HUB_DATA_DIR: '/ignored' })).toMatchObject({
      engine: 'postgres',
      url: 'postgres://audit@db.example:5432/hub',
      ssl: 'require',
    });
    expect(sourceFrom(['--data-dir', '/srv/hub'], {})).toEqual({ engine: 'sqlite', file: path.resolve('/srv/hub/hub.sqlite') });
    expect(sourceFrom([], { HUB_DATA_DIR: '/srv/hub' })).toEqual({ engine: 'sqlite', file: path.resolve('/srv/hub/hub.sqlite') });
    expect(() => sourceFrom([], {})).toThrow(UsageError);
    expect(() => sourceFrom([], { HUB_DATABASE_URL: 'mysql://x' })).toThrow(UsageError);
  });

  it('refuses a missing SQLite file as unusable (exit 2), not as a broken chain', async () => {
    await expect(verifyAuditSource({ engine: 'sqlite', file: path.join(tmpdir(), 'no-such-hub-dir', 'hub.sqlite') })).rejects.toThrow(UsageError);
  });
});
