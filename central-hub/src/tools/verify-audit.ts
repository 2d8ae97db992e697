/**
 * Checks the hub's hash-chained audit trail, offline, from the hub's database on either engine:
 *
 *   node central-hub/dist/tools/verify-audit.js --data-dir DIR     (DIR: the hub's HUB_DATA_DIR)
 *   HUB_DATABASE_URL=postgres://… node central-hub/dist/tools/verify-audit.js
 *
 * and against the hub's signed checkpoints (issue 15), which catch what the chain alone cannot: rows
 * cut off the end with the head moved back, rows changed with every later hash recomputed:
 *
 *   … verify-audit.js --data-dir DIR --checkpoints FILE [--checkpoints FILE…] [--public-key FILE…]
 *
 * FILE: an `audit-checkpoints.jsonl` (a copy kept elsewhere, `GET /api/audit/checkpoints`; one per hub
 * process). The keys: `--public-key` (the hub's `audit-key.pub.pem`, kept elsewhere), else
 * HUB_AUDIT_KEY_FILE, else `<DIR>/audit-key.pem`. With checkpoints the verdict has `anchored: {
 * checkpoints, throughSeq }`; the new problems are `truncated`, `rewritten` and `bad-checkpoint`.
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
import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { AuditCheckpoint } from '@kiosk/protocols';
import { ConfigError, parseConfig, type DatabaseConfig } from '../config';
import { HUB_DB_FILE } from '../repositories/database.repository';
import { auditRowFrom } from '../repositories/audit.repository';
import { storedFromRow } from '../repositories/audit.sql';
import { CheckpointFileError, parseCheckpoints } from '../repositories/audit-checkpoint-file.repository';
import { AUDIT_KEY_FILE } from '../repositories/audit-key.repository';
import { AuditChainWalk, type ChainVerdict } from '../services/audit-chain.rules';
import { CheckpointCheck } from '../services/audit-checkpoint.rules';
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
  /** Signed checkpoints the chain must agree with, and the keys trusted to have signed them. */
  anchors?: Anchors;
}

export interface Anchors {
  checkpoints: AuditCheckpoint[];
  keys: KeyObject[];
}

/** Every value of a repeatable option (`--checkpoints a --checkpoints b`). */
function optionValues(argv: readonly string[], name: string): string[] {
  const values: string[] = [];
  argv.forEach((arg, at) => {
    if (arg !== name) return;
    const value = argv[at + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a file`);
    values.push(path.resolve(value));
  });
  return values;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The checkpoints and trusted keys the command line names; undefined without `--checkpoints` (the
 * chain alone is checked, as before checkpoints existed).
 */
export function anchorsFrom(argv: readonly string[], env: Record<string, string | undefined>): Anchors | undefined {
  const files = optionValues(argv, '--checkpoints');
  if (files.length === 0) return undefined;
  let keyFiles = optionValues(argv, '--public-key');
  if (keyFiles.length === 0) {
    const fallback = env.HUB_AUDIT_KEY_FILE ? path.resolve(env.HUB_AUDIT_KEY_FILE) : argv.includes('--data-dir') || env.HUB_DATA_DIR ? path.join(dataDirFrom(argv, env), AUDIT_KEY_FILE) : undefined;
    if (fallback === undefined || !existsSync(fallback)) throw new UsageError('--checkpoints needs the hub’s public key: --public-key FILE (its audit-key.pub.pem)');
    keyFiles = [fallback];
  }
  const keys = keyFiles.map((file) => {
    try {
      // A public key (SPKI PEM) or the hub's private key file: either gives the public key.
      return createPublicKey(readText(file, 'public key'));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`${file} is not a PEM key`);
    }
  });
  try {
    const checkpoints = files.flatMap((file) => parseCheckpoints(readText(file, 'checkpoint file'), file));
    return { checkpoints, keys };
  } catch (error) {
    if (error instanceof CheckpointFileError) throw new UsageError(error.message);
    throw error;
  }
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

export async function verifyAuditSource(source: AuditSource, { pageRows = PAGE_ROWS, anchors }: VerifyOptions = {}): Promise<ChainVerdict> {
  const checks = anchors && new CheckpointCheck(anchors.checkpoints, anchors.keys);
  const forged = checks?.signatures();
  if (forged) return forged;
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
        let rows = 0;
        for await (const row of auditRows(tx, pageRows)) {
          const broken = walk.next(row) ?? checks?.row(row, ++rows);
          if (broken) return broken;
        }
        const verdict = walk.end(head);
        if (!verdict.ok || !checks) return verdict;
        const anchored = checks.end(verdict.rows, verdict.head);
        return 'ok' in anchored ? anchored : { ...verdict, anchored };
      });
  } finally {
    await db.destroy();
  }
}

async function main(): Promise<number> {
  try {
    const argv = process.argv.slice(2);
    const anchors = anchorsFrom(argv, process.env);
    const verdict = await verifyAuditSource(sourceFrom(argv, process.env), anchors ? { anchors } : {});
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
