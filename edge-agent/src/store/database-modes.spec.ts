import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from './database';

/** Issue 15, finding 5 (agent): the agent's database is its user's alone. */
describe('agent database file modes', () => {
  const mode = (file: string) => statSync(file).mode & 0o777;
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'agent-modes-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('creates the data directory 0700 and agent.sqlite, its WAL and SHM 0600', () => {
    const dir = path.join(root, 'agent');
    const file = path.join(dir, 'agent.sqlite');
    const db = openDatabase(file);
    try {
      db.exec('CREATE TABLE IF NOT EXISTS probe (x INTEGER); INSERT INTO probe VALUES (1)');
      expect(mode(dir)).toBe(0o700);
      for (const name of [file, `${file}-wal`, `${file}-shm`]) expect([path.basename(name), mode(name)]).toEqual([path.basename(name), 0o600]);
    } finally {
      db.close();
    }
  });

  it('takes back a database an older install left readable', () => {
    const file = path.join(root, 'agent.sqlite');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    openDatabase(file).close();
    expect(mode(file)).toBe(0o600);
  });
});
