import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { HubRecords, type HubDatabaseLocation } from '../../../test/support/hub-records';
import { TEST_POSTGRES_ADMIN_URL } from './test-store';

const hubRoot = path.resolve(__dirname, '..', '..');

/**
 * `node central-hub/dist/tools/verify-audit.js`, run from the sources as an operator would, on the
 * database at `where`, with `extra` arguments (`--checkpoints FILE --public-key FILE`).
 */
export function verifyAudit(where: HubDatabaseLocation, extra: readonly string[] = []): { code: number | null; verdict: Record<string, unknown> } {
  const { HUB_DATABASE_URL: _inherited, HUB_AUDIT_KEY_FILE: _key, HUB_DATA_DIR: _dir, ...env } = process.env;
  const args = where.engine === 'sqlite' ? ['--data-dir', path.dirname(where.file)] : [];
  const run = spawnSync(process.execPath, ['-r', path.join(__dirname, 'register-ts.cjs'), path.join(hubRoot, 'src', 'tools', 'verify-audit.ts'), ...args, ...extra], {
    encoding: 'utf8',
    timeout: 30_000,
    env: where.engine === 'postgres' ? { ...env, HUB_DATABASE_URL: where.url } : env,
  });
  const line = (run.stdout.trim() || run.stderr.trim()).split('\n').pop() ?? '{}';
  return { code: run.status, verdict: JSON.parse(line) as Record<string, unknown> };
}

async function asPostgresAdmin(statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** A copy of a stopped hub's database to tamper with: its file, or a PostgreSQL database made from it. */
export interface TrailCopy {
  where: HubDatabaseLocation;
  records: HubRecords;
  remove(): Promise<void>;
}

let copied = 0;

/** Copies the (stopped) hub's database; the caller removes the copy. */
export async function copyTrail(source: HubDatabaseLocation): Promise<TrailCopy> {
  let where: HubDatabaseLocation;
  let dropDatabase: () => Promise<void>;
  if (source.engine === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'hub-audit-copy-'));
    copyFileSync(source.file, path.join(dir, 'hub.sqlite'));
    where = { engine: 'sqlite', file: path.join(dir, 'hub.sqlite') };
    dropDatabase = () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    };
  } else {
    // The hub is stopped, so nothing is connected to its database: it can be a template.
    const url = new URL(source.url);
    const original = url.pathname.slice(1);
    const name = `${original}_copy${++copied}`;
    await asPostgresAdmin(`CREATE DATABASE "${name}" TEMPLATE "${original}"`);
    url.pathname = `/${name}`;
    where = { engine: 'postgres', url: url.toString() };
    dropDatabase = () => asPostgresAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
  const records = new HubRecords(() => where);
  return {
    where,
    records,
    remove: async () => {
      await records.close();
      await dropDatabase();
    },
  };
}

/** What an intruder with database access does: lift the append-only guard, then change the trail. */
export async function tamper(trail: TrailCopy, ...changes: string[]): Promise<void> {
  const on = trail.where.engine === 'postgres' ? ' ON audit_log' : '';
  await trail.records.change(`DROP TRIGGER audit_log_no_update${on}`);
  await trail.records.change(`DROP TRIGGER audit_log_no_delete${on}`);
  for (const change of changes) await trail.records.change(change);
}
