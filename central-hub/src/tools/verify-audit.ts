/**
 * Checks the hub's hash-chained audit trail, offline, from the database file:
 *
 *   node central-hub/dist/tools/verify-audit.js --data-dir DIR     (DIR: the hub's HUB_DATA_DIR)
 *
 * Prints one JSON line. Exit 0: the chain is intact (`{ ok: true, rows, head }`; keep the head hash
 * somewhere else to detect a rewrite of the whole tail later). Exit 1: it is not, and the line says
 * which row (`{ ok: false, seq, problem, message }`). Exit 2: it could not be checked (usage, no file).
 * The database is opened read-only; a running hub is not disturbed.
 */
import BetterSqlite3 from 'better-sqlite3';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { HUB_DB_FILE } from '../repositories/database.repository';
import { storedFromRow, type AuditRow } from '../repositories/audit.sql';
import { verifyAuditChain, type ChainHead, type ChainVerdict } from '../services/audit-chain.rules';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function dataDirFrom(argv: readonly string[], env: Record<string, string | undefined>): string {
  const at = argv.indexOf('--data-dir');
  const dir = at >= 0 ? argv[at + 1] : env.HUB_DATA_DIR;
  if (!dir || dir.startsWith('--')) throw new UsageError('usage: verify-audit --data-dir DIR (or HUB_DATA_DIR)');
  return path.resolve(dir);
}

export function verifyAuditFile(dataDir: string): ChainVerdict {
  const file = path.join(dataDir, HUB_DB_FILE);
  if (!existsSync(file)) throw new UsageError(`no hub database at ${file}`);
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const head = db.prepare<[], ChainHead>('SELECT seq, hash FROM audit_head WHERE id = 1').get();
    const rows = db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq').iterate();
    function* stored() {
      for (const row of rows) yield storedFromRow(row);
    }
    return verifyAuditChain(stored(), head);
  } finally {
    db.close();
  }
}

function main(): number {
  try {
    const verdict = verifyAuditFile(dataDirFrom(process.argv.slice(2), process.env));
    process.stdout.write(`${JSON.stringify(verdict)}\n`);
    return verdict.ok ? 0 : 1;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${JSON.stringify({ ok: false, error: message })}\n`);
    return 2;
  }
}

if (require.main === module) process.exitCode = main();
