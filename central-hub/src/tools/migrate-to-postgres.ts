/**
 * Moves a hub's records from its embedded SQLite file to PostgreSQL (issue 13), once, when a site outgrows
 * one machine's disk:
 *
 *   node central-hub/dist/tools/migrate-to-postgres.js --data-dir DIR --to postgres://HOST/DB [--replace]
 *
 * DIR is the hub's HUB_DATA_DIR (stop that hub first). The target is migrated to the hub's schema, then
 * every table is copied in one transaction (parents before children), identity sequences are moved past
 * the copied keys, and the result is checked: every table's row count equal to the source's, and the audit
 * chain verifies on the target. A non-empty target is refused unless `--replace` (which empties it first);
 * a target that already holds exactly this source's records is reported as done, so running it again is
 * safe. Prints one JSON line; exit 0 done, 1 verification failed, 2 refused or unusable.
 */
import BetterSqlite3 from 'better-sqlite3';
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { MIGRATIONS, migratePostgres } from '../repositories/migrations';
import type { ChainVerdict } from '../services/audit-chain.rules';
import { redactedUrl, withDefaultUser } from '../storage/postgres-hub-store';
import { HUB_DB_FILE, SqliteHubStore } from '../storage/sqlite-hub-store';
import { verifyAuditSource } from './verify-audit';

export class MigrationRefused extends Error {
  override readonly name = 'MigrationRefused';
}

export interface MigrateOptions {
  dataDir: string;
  targetUrl: string;
  replace: boolean;
}

export interface MigrationReport {
  ok: boolean;
  outcome: 'copied' | 'already-migrated' | 'verification-failed';
  tables: Record<string, { source: number; target: number }>;
  audit: ChainVerdict;
}

const COPY_CHUNK_ROWS = 500;

export function optionsFrom(argv: readonly string[]): MigrateOptions {
  const value = (flag: string): string | undefined => {
    const at = argv.indexOf(flag);
    const found = at >= 0 ? argv[at + 1] : undefined;
    return found === undefined || found.startsWith('--') ? undefined : found;
  };
  const dataDir = value('--data-dir');
  const targetUrl = value('--to');
  if (!dataDir || !targetUrl || !/^postgres(ql)?:\/\//.test(targetUrl)) {
    throw new MigrationRefused('usage: migrate-to-postgres --data-dir DIR --to postgres://HOST/DB [--replace]');
  }
  return { dataDir: path.resolve(dataDir), targetUrl, replace: argv.includes('--replace') };
}

/** The source's tables with their columns, parents before children (foreign keys), schema bookkeeping left out. */
function tablesInCopyOrder(source: BetterSqlite3.Database): { name: string; columns: string[] }[] {
  const names = source
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name")
    .pluck()
    .all() as string[];
  const parents = new Map(
    names.map((name) => [
      name,
      (source.prepare(`SELECT "table" FROM pragma_foreign_key_list(?)`).pluck().all(name) as string[]).filter((parent) => parent !== name),
    ]),
  );
  const ordered: string[] = [];
  const visit = (name: string, path: Set<string>): void => {
    if (ordered.includes(name)) return;
    if (path.has(name)) throw new MigrationRefused(`foreign keys form a cycle through ${name}`);
    path.add(name);
    for (const parent of parents.get(name) ?? []) visit(parent, path);
    path.delete(name);
    ordered.push(name);
  };
  for (const name of names) visit(name, new Set());
  return ordered.map((name) => ({
    name,
    columns: (source.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all(name) as string[]),
  }));
}

const quoted = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

async function countRows(client: pg.ClientBase, table: string): Promise<number> {
  const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoted(table)}`);
  return Number(result.rows[0]?.n ?? 0);
}

async function copyTable(source: BetterSqlite3.Database, client: pg.ClientBase, table: { name: string; columns: string[] }): Promise<void> {
  const columnList = table.columns.map(quoted).join(', ');
  let chunk: unknown[][] = [];
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const width = table.columns.length;
    const placeholders = chunk.map((_row, r) => `(${table.columns.map((_c, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
    // OVERRIDING SYSTEM VALUE: identity keys keep the values the SQLite file gave them.
    await client.query(`INSERT INTO ${quoted(table.name)} (${columnList}) OVERRIDING SYSTEM VALUE VALUES ${placeholders}`, chunk.flat());
    chunk = [];
  };
  const rows = source.prepare(`SELECT ${columnList} FROM ${quoted(table.name)}`).raw().iterate() as IterableIterator<unknown[]>;
  for (const row of rows) {
    chunk.push(row);
    if (chunk.length >= COPY_CHUNK_ROWS) await flush();
  }
  await flush();
}

/** Moves every identity sequence past the largest key copied, so the hub's next insert cannot collide. */
async function advanceIdentitySequences(client: pg.ClientBase): Promise<void> {
  const identities = await client.query<{ table_name: string; column_name: string }>(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'",
  );
  for (const { table_name: table, column_name: column } of identities.rows) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${quoted(column)}) FROM ${quoted(table)}), 0) + 1, false)`,
      [quoted(table), column],
    );
  }
}

/** The audit chain as the hub's own verifier reads it from the target (numbers as numbers, one snapshot). */
function verifyTargetAudit(targetUrl: string): Promise<ChainVerdict> {
  return verifyAuditSource({ engine: 'postgres', url: targetUrl, poolSize: 1, statementTimeoutMs: 60_000, ssl: 'disable', caFile: null });
}

async function countAll(source: BetterSqlite3.Database, client: pg.ClientBase, tables: readonly { name: string }[]): Promise<MigrationReport['tables']> {
  const counts: MigrationReport['tables'] = {};
  for (const { name } of tables) {
    counts[name] = {
      source: source.prepare(`SELECT count(*) FROM ${quoted(name)}`).pluck().get() as number,
      target: await countRows(client, name),
    };
  }
  return counts;
}

const allEqual = (tables: MigrationReport['tables']): boolean => Object.values(tables).every((t) => t.source === t.target);

export async function migrateToPostgres(options: MigrateOptions): Promise<MigrationReport> {
  const file = path.join(options.dataDir, HUB_DB_FILE);
  if (!existsSync(file)) throw new MigrationRefused(`no hub database at ${file}`);
  // Opening it as the hub would brings an older file up to this hub's schema first.
  await new SqliteHubStore(options.dataDir).close();
  const source = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  const client = new pg.Client({ connectionString: withDefaultUser(options.targetUrl) });
  try {
    await client.connect().catch((error: unknown) => {
      throw new MigrationRefused(`cannot reach PostgreSQL at ${redactedUrl(options.targetUrl)}: ${error instanceof Error ? error.message : String(error)}`);
    });
    await migratePostgres(client, MIGRATIONS, () => new Date().toISOString());
    const tables = tablesInCopyOrder(source);
    const before = await countAll(source, client, tables);
    const targetRows = Object.values(before).reduce((sum, t) => sum + t.target, 0);
    if (targetRows > 0 && allEqual(before)) {
      const audit = await verifyTargetAudit(options.targetUrl);
      if (audit.ok) return { ok: true, outcome: 'already-migrated', tables: before, audit };
    }
    if (targetRows > 0 && !options.replace) {
      throw new MigrationRefused(`the target already holds ${targetRows} rows: pass --replace to empty it and copy again`);
    }
    await client.query('BEGIN');
    try {
      if (targetRows > 0) await client.query(`TRUNCATE ${tables.map((t) => quoted(t.name)).join(', ')} RESTART IDENTITY CASCADE`);
      for (const table of tables) await copyTable(source, client, table);
      await advanceIdentitySequences(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
    const after = await countAll(source, client, tables);
    const audit = await verifyTargetAudit(options.targetUrl);
    const ok = allEqual(after) && audit.ok;
    return { ok, outcome: ok ? 'copied' : 'verification-failed', tables: after, audit };
  } finally {
    source.close();
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<number> {
  try {
    const report = await migrateToPostgres(optionsFrom(process.argv.slice(2)));
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.ok ? 0 : 1;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${JSON.stringify({ ok: false, error: message })}\n`);
    return 2;
  }
}

if (require.main === module) void main().then((code) => (process.exitCode = code));
