import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeDataDirPrivate } from './private-files';

const mode = (file: string) => statSync(file).mode & 0o777;

describe('makeDataDirPrivate', () => {
  const roots: string[] = [];
  const dataDir = (): string => {
    const root = mkdtempSync(path.join(tmpdir(), 'hub-private-'));
    roots.push(root);
    return path.join(root, 'hub');
  };
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it('on SQLite creates the database file 0600 before SQLite does, in a 0700 directory', () => {
    const dir = dataDir();
    makeDataDirPrivate(dir, 'sqlite');
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'hub.sqlite'))).toBe(0o600);
  });

  it('on PostgreSQL creates no SQLite file (issue 13), and still tightens one left from before the move', () => {
    const dir = dataDir();
    makeDataDirPrivate(dir, 'postgres');
    expect(mode(dir)).toBe(0o700);
    expect(readdirSync(dir)).toEqual([]);

    writeFileSync(path.join(dir, 'hub.sqlite'), '', { mode: 0o644 });
    makeDataDirPrivate(dir, 'postgres');
    expect(mode(path.join(dir, 'hub.sqlite'))).toBe(0o600);
    expect(existsSync(path.join(dir, 'hub.sqlite-wal'))).toBe(false);
  });
});
