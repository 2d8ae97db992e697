import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { migrate } from './migrations';

export type SqliteDatabase = Database.Database;

/**
 * Opens (creating if needed) the agent's SQLite file, tuned for durability: WAL so readers never block
 * the writer, `synchronous=FULL` so a commit is on disk (WAL fsynced) before `enqueue()` returns, and a
 * busy timeout because an operator tool may write to the same file from another process.
 */
/**
 * The agent's database (the ledger, the outbox, the kiosk's settings) is its user's alone: a new data
 * directory 0700, the file 0600 (created so, and set so when an older install left it readable); SQLite
 * gives its WAL and SHM files the database's mode, and older ones are set too.
 */
function makePrivate(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  for (const name of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(name)) chmodSync(name, 0o600);
}

export function openDatabase(file: string, options: { mustExist?: boolean } = {}): SqliteDatabase {
  if (!options.mustExist) makePrivate(file);
  const db = new Database(file, { fileMustExist: Boolean(options.mustExist) });
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
