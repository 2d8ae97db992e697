/**
 * Checks the hub's hash-chained audit trail, offline, from the hub's database on either engine:
 *
 *   node central-hub/dist/tools/verify-audit.js --data-dir DIR     (DIR: the hub's HUB_DATA_DIR)
 *   HUB_DATABASE_URL=postgres://… node central-hub/dist/tools/verify-audit.js
 *
 * As the hub does, it reads PostgreSQL when HUB_DATABASE_URL is set (with the hub's HUB_DATABASE_SSL /
 * HUB_DATABASE_CA_FILE), else `<DIR>/hub.sqlite`.
 *
 * Prints one JSON line. Exit 0: the chain is intact (`{ ok: true, rows, head }`; keep the head hash
 * somewhere else to detect a rewrite of the whole tail later). Exit 1: it is not, and the line says
 * which row (`{ ok: false, seq, problem, message }`). Exit 2: it could not be checked (usage, no
 * database, no audit trail in it). Nothing is written: the SQLite file is opened read-only, PostgreSQL
 * is read in a read-only transaction (no migration is applied), and a running hub is not disturbed:
 * the head and the rows are read from one snapshot, so rows appended meanwhile are not half seen.
 */
import BetterSqlite3 from 'better-sqlite3';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { ConfigError, parseConfig, type DatabaseConfig } from '../config';
import { HUB_DB_FILE } from '../repositories/database.repository';
import { auditRowFrom } from '../repositories/audit.repository';
import { storedFromRow } from '../repositories/audit.sql';
import { AuditChainWalk, type ChainVerdict } from '../services/audit-chain.rules';
import type { HubSchema } from '../storage/hub-schema';
import type { HubDb, Tx } from '../storage/hub-store';
import { postgresPoolOptions } from '../storage/postgres-hub-store';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Where the trail is read from. */
export type AuditSource = { engine: 'sqlite'; file: string } | Extract<DatabaseConfig, { engine: 'postgres' }>;

/** Rows fetched per query: memory stays flat however long the trail is. */
const PAGE_ROWS = 1000;

export interface VerifyOptions {
  /** Rows per page (tests use small pages to cross page boundaries). */
  pageRows?: number;
}

export function dataDirFrom(argv: readonly string[], env: Record<string, string | undefined>): string {
  const at = argv.indexOf('--data-dir');
  const dir = at >= 0 ? argv[at + 1] : env.HUB_DATA_DIR;
  if (!dir || dir.startsWith('--')) throw new UsageError('usage: verify-audit --data-dir DIR (or HUB_DATA_DIR), or HUB_DATABASE_URL=postgres://…');
  return path.resolve(dir);
}

/** The hub's own reading of the HUB_DATABASE_* variables (config.ts), then the data directory's file. */
export function sourceFrom(argv: readonly string[], env: Record<string, string | undefined>): AuditSource {
  const databaseEnv = Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('HUB_DATABASE_')));
  let database: DatabaseConfig;
  try {
    database = parseConfig(databaseEnv, { repoRoot: process.cwd() }).database;
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  if (database.engine === 'postgres') return database;
  return { engine: 'sqlite', file: path.join(dataDirFrom(argv, env), HUB_DB_FILE) };
}

/** A query builder on the source that cannot write (read-only file; PostgreSQL transactions below are read-only). */
function openReader(source: AuditSource): HubDb {
  if (source.engine === 'sqlite') {
    if (!existsSync(source.file)) throw new UsageError(`no hub database at ${source.file}`);
    const database = new BetterSqlite3(source.file, { readonly: true, fileMustExist: true });
    return new Kysely<HubSchema>({ dialect: new SqliteDialect({ database }) });
  }
  const pool = new pg.Pool(postgresPoolOptions(source, 1));
  return new Kysely<HubSchema>({ dialect: new PostgresDialect({ pool }) });
}

/** The rows in seq order, a page at a time (keyset: each page starts after the last seq seen). */
async function* auditRows(tx: Tx, pageRows: number) {
  for (let after = 0; ; ) {
    const page = await tx.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(pageRows).execute();
    for (const row of page) yield storedFromRow(auditRowFrom(row));
    const last = page.at(-1);
    if (page.length < pageRows || last === undefined) return;
    after = last.seq;
  }
}

export async function verifyAuditSource(source: AuditSource, { pageRows = PAGE_ROWS }: VerifyOptions = {}): Promise<ChainVerdict> {
  const db = openReader(source);
  try {
    // One snapshot for the head and every page (SQLite: one read transaction; PostgreSQL: repeatable read).
    return await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (tx) => {
        const head = await tx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
        const walk = new AuditChainWalk();
        for await (const row of auditRows(tx, pageRows)) {
          const broken = walk.next(row);
          if (broken) return broken;
        }
        return walk.end(head);
      });
  } finally {
    await db.destroy();
  }
}

async function main(): Promise<number> {
  try {
    const verdict = await verifyAuditSource(sourceFrom(process.argv.slice(2), process.env));
    process.stdout.write(`${JSON.stringify(verdict)}\n`);
    return verdict.ok ? 0 : 1;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${JSON.stringify({ ok: false, error: message })}\n`);
    return 2;
  }
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
