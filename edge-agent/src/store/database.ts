import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { migrate } from './migrations';

export type SqliteDatabase = Database.Database;

/**
 * Opens (creating if needed) the agent's SQLite file, tuned for durability: WAL so readers never block
 * the writer, `synchronous=FULL` so a commit is on disk (WAL fsynced) before `enqueue()` returns, and a
 * busy timeout because an operator tool may write to the same file from another process.
 */
export function openDatabase(file: string, options: { mustExist?: boolean } = {}): SqliteDatabase {
  if (!options.mustExist) mkdirSync(path.dirname(file), { recursive: true });
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
