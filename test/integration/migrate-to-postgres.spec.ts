/**
 * Issue 13's proof of the migration path, end to end: a hub on its embedded SQLite file with an enrolled
 * agent; the hub stopped while the agent keeps queueing; `migrate-to-postgres` run as the operator would
 * run it; the hub started again on PostgreSQL (same data directory: its keys and admin token). The agent
 * must come back by itself and drain its outbox, every event stored exactly once on PostgreSQL, and the
 * old SQLite file left exactly as the migration found it. Real processes, a PostgreSQL database of its own.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { drained, expectExactlyOnce } from '../support/delivery';
import { HUB_TEST_ENGINE, createTestPostgresDatabase } from '../support/hub-records';
import { repoRoot } from '../support/processes';
import { TestSystem } from '../support/system';

jest.setTimeout(180_000);

const run = promisify(execFile);

interface MigrationReport {
  ok: boolean;
  outcome: string;
  tables: Record<string, { source: number; target: number }>;
  audit: { ok: boolean };
}

/** The tool as an operator runs it: its own process, one JSON line on stdout, the exit code. */
async function migrateToPostgres(dataDir: string, url: string): Promise<{ code: number; report: MigrationReport; stderr: string }> {
  const args = [path.join(repoRoot, 'central-hub/dist/tools/migrate-to-postgres.js'), '--data-dir', dataDir, '--to', url];
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'silent' };
  let stdout: string;
  let stderr: string;
  let code = 0;
  try {
    ({ stdout, stderr } = await run(process.execPath, args, { cwd: repoRoot, env, encoding: 'utf8' }));
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    ({ stdout = '', stderr = '' } = failed);
    code = typeof failed.code === 'number' ? failed.code : -1;
  }
  const lines = stdout.trim().split('\n');
  return { code, report: JSON.parse(lines[lines.length - 1] || 'null') as MigrationReport, stderr };
}

/** Content hash and modification time of the SQLite file and its WAL/SHM companions, whichever exist. */
function sqliteSnapshot(dataDir: string): Record<string, { sha256: string; mtimeMs: number; size: number }> {
  const snapshot: Record<string, { sha256: string; mtimeMs: number; size: number }> = {};
  for (const name of readdirSync(dataDir).filter((entry) => entry.startsWith('hub.sqlite')).sort()) {
    const file = path.join(dataDir, name);
    const { mtimeMs, size } = statSync(file);
    snapshot[name] = { sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), mtimeMs, size };
  }
  return snapshot;
}

// The source is the embedded SQLite hub, so this belongs to the SQLite run (it makes its own PostgreSQL target).
const describeOnSqlite = HUB_TEST_ENGINE === 'sqlite' ? describe : describe.skip;

describeOnSqlite('a hub moved from SQLite to PostgreSQL with migrate-to-postgres', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = new TestSystem();
    await system.startHub();
    await system.startAgent();
    await drained(system);
  });

  afterAll(async () => {
    // Stops the hub and the agent, closes the test's client, drops the PostgreSQL database, removes the directory.
    await system?.close();
  });

  it('keeps every event exactly once, and the agent drains its outbox into the PostgreSQL hub by itself', async () => {
    const { kioskId } = system.identity();

    // Delivered while the hub is on SQLite.
    system.enqueueSynthetic(200);
    await drained(system);
    await expectExactlyOnce(system);

    // The hub goes down for the migration; the kiosk keeps queueing.
    await system.hub?.stop();
    const queued = system.enqueueSynthetic(300);
    expect(queued.lastSeq - queued.firstSeq + 1).toBe(300);
    expect(system.outboxStats().backlog).toBeGreaterThanOrEqual(300);
    const onSqlite = await system.storedEvents(kioskId);
    expect(onSqlite.ackedThroughSeq).toBe(queued.firstSeq - 1);
    expect(existsSync(system.hubSqliteFile)).toBe(true);

    // From here the hub (its next start) and the test's reads use the new database; close() drops it.
    await system.usePostgres(await createTestPostgresDatabase('hub_test_migrate'));
    const url = system.hubDatabaseEnv().HUB_DATABASE_URL;
    if (url === undefined) throw new Error('no PostgreSQL target');

    const migrated = await migrateToPostgres(system.hubDataDir, url);
    expect({ code: migrated.code, stderr: migrated.stderr }).toEqual({ code: 0, stderr: '' });
    expect(migrated.report).toMatchObject({ ok: true, outcome: 'copied', audit: { ok: true } });
    for (const [table, counts] of Object.entries(migrated.report.tables)) {
      expect({ table, target: counts.target }).toEqual({ table, target: counts.source });
    }
    // The tables this test's system certainly filled.
    expect(migrated.report.tables.events?.source).toBe(onSqlite.rows);
    expect(migrated.report.tables.kiosks?.source).toBe(1);
    expect(migrated.report.tables.audit_log?.source).toBeGreaterThan(0);
    // What the hub had acked is on PostgreSQL as it was on SQLite.
    expect(await system.storedEvents(kioskId)).toEqual(onSqlite);

    // Run again, it changes nothing and says so (the tool is idempotent).
    const again = await migrateToPostgres(system.hubDataDir, url);
    expect(again.code).toBe(0);
    expect(again.report).toMatchObject({ ok: true, outcome: 'already-migrated', audit: { ok: true } });

    const sqliteAfterMigration = sqliteSnapshot(system.hubDataDir);
    expect(Object.keys(sqliteAfterMigration)).toContain('hub.sqlite');

    // The same hub, the same data directory (keys, admin token), now on PostgreSQL, on the same port.
    const hub = await system.startHub();
    expect(hub.logs.find((entry) => entry.msg === 'database ready')).toMatchObject({ engine: 'postgres' });

    // Nobody restarts the agent: it reconnects on its own and delivers what it queued.
    await drained(system);
    await expectExactlyOnce(system);
    const { lastSeq } = system.outboxStats();
    expect(lastSeq).toBe(queued.lastSeq);
    expect(
      await system.hubRecords.count(
        'SELECT count(*) FROM (SELECT kiosk_id, event_id FROM events GROUP BY kiosk_id, event_id HAVING count(*) > 1) AS duplicated',
      ),
    ).toBe(0);
    expect(await system.hubRecords.row('SELECT count(*) AS "rows", count(DISTINCT seq) AS "seqs" FROM events WHERE kiosk_id = ?', kioskId)).toEqual({
      rows: lastSeq,
      seqs: lastSeq,
    });

    // The PostgreSQL hub never wrote to the SQLite file it was moved from.
    await system.hub?.stop();
    expect(sqliteSnapshot(system.hubDataDir)).toEqual(sqliteAfterMigration);
  });
});
