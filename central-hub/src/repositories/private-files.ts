import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_TOKEN_FILE } from './admin-token.repository';
import { AUDIT_CHECKPOINTS_FILE } from './audit-checkpoint-file.repository';
import { AUDIT_KEY_FILE } from './audit-key.repository';
import type { StorageEngine } from '../storage/hub-store';
import { HUB_DB_FILE } from './database.repository';
import { DEMO_ADMIN_FILE } from './demo-admin-file';
import { OFFLINE_KEY_FILE } from './lottery-offline-key.repository';

/** Files of the data directory that hold secrets or people's data; SQLite's WAL and SHM included. */
const PRIVATE_FILES = [HUB_DB_FILE, `${HUB_DB_FILE}-wal`, `${HUB_DB_FILE}-shm`, ADMIN_TOKEN_FILE, OFFLINE_KEY_FILE, DEMO_ADMIN_FILE, AUDIT_KEY_FILE, AUDIT_CHECKPOINTS_FILE];

/**
 * Makes the hub's data directory its user's alone, before anything is written to it: the directory
 * 0700, on SQLite the database created empty with 0600 (SQLite gives its WAL and SHM files the
 * database's mode), and every private file already there (an older install) set to 0600. The database
 * holds password hashes, the resident register and the audit trail; the directory, the admin token and
 * keys. A hub on PostgreSQL keeps no SQLite file, so none is created (one left from before a move to
 * PostgreSQL is still tightened).
 */
export function makeDataDirPrivate(dataDir: string, engine: StorageEngine): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  if (engine === 'sqlite') closeSync(openSync(path.join(dataDir, HUB_DB_FILE), 'a', 0o600));
  for (const name of PRIVATE_FILES) {
    const file = path.join(dataDir, name);
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}
