import pg from 'pg';
import { migrateToPostgres, MigrationRefused } from '../../src/tools/migrate-to-postgres';
import { TestHub } from '../support/test-hub';
import { createTestPostgresDatabase } from '../support/test-store';

/** The one-shot move of a SQLite hub's records to PostgreSQL (issue 13), on a real file and a real server. */
describe('migrate-to-postgres', () => {
  let source: TestHub;
  let target: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    // A SQLite hub with audited actions behind it (accounts, an enrolment), whatever engine this run uses.
    source = await TestHub.start({ config: { database: { engine: 'sqlite' } } });
    await source.createUser('tech-a', 'technician', '豊中市');
    await source.createUser('admin-b', 'administrator', null);
    const code = await source.api('POST', '/api/enrolment-codes', { name: 'Migration kiosk', municipality: '豊中市', site: 'city hall', kind: 'certificate-kiosk' });
    expect(code.status).toBe(201);
    await source.stop();
    target = await createTestPostgresDatabase();
  });

  afterAll(async () => {
    await target?.drop();
    await source.close();
  });

  it('copies every table, keeps the audit chain verifiable, and is safe to run again', async () => {
    const report = await migrateToPostgres({ dataDir: source.dir, targetUrl: target.url, replace: false });
    expect(report).toMatchObject({ ok: true, outcome: 'copied', audit: { ok: true } });
    const copied = Object.entries(report.tables).filter(([, counts]) => counts.source > 0);
    expect(copied.map(([name]) => name)).toEqual(expect.arrayContaining(['kiosks', 'users', 'audit_log', 'audit_head']));
    for (const [, counts] of Object.entries(report.tables)) expect(counts.target).toBe(counts.source);

    const again = await migrateToPostgres({ dataDir: source.dir, targetUrl: target.url, replace: false });
    expect(again).toMatchObject({ ok: true, outcome: 'already-migrated' });
  });

  it('refuses a target holding other records unless told to replace them, and the next identity key does not collide', async () => {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      // Another hub's row: the target no longer matches the source.
      await client.query("INSERT INTO kiosk_status_history (kiosk_id, status, started_at) SELECT kiosk_id, 'online', '2026-01-01T00:00:00.000Z' FROM kiosks LIMIT 1");
    } finally {
      await client.end();
    }
    await expect(migrateToPostgres({ dataDir: source.dir, targetUrl: target.url, replace: false })).rejects.toThrow(MigrationRefused);
    const replaced = await migrateToPostgres({ dataDir: source.dir, targetUrl: target.url, replace: true });
    expect(replaced).toMatchObject({ ok: true, outcome: 'copied' });
    expect(replaced.tables.kiosk_status_history?.target).toBe(replaced.tables.kiosk_status_history?.source);
  });

  it('refuses an unreachable server with a message that names it without its password', async () => {
    await expect(
      migrateToPostgres({ dataDir: source.dir, targetUrl: 'postgres://hub:secret@127.0.0.1:1/nowhere', replace: false }),
    ).rejects.toThrow(/cannot reach PostgreSQL at postgres:\/\/hub:\*\*\*@127\.0\.0\.1:1\/nowhere/);
  });
});
