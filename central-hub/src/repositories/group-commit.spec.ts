import BetterSqlite3, { type Database } from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteGroupCommit } from './group-commit';

/** Group commit against a real SQLite file, its turns run by hand so nothing depends on timing. */
describe('SqliteGroupCommit', () => {
  let dir: string;
  let db: Database;
  let reader: Database;
  let turns: Array<() => void>;
  let groups: SqliteGroupCommit;
  const insert = (id: number) => () => db.prepare('INSERT INTO t (id) VALUES (?)').run(id).changes;
  const committed = () => reader.prepare('SELECT id FROM t ORDER BY id').pluck().all();

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hub-group-'));
    db = new BetterSqlite3(path.join(dir, 'db.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    reader = new BetterSqlite3(path.join(dir, 'db.sqlite'), { readonly: true });
    turns = [];
    groups = new SqliteGroupCommit(db, (flush) => turns.push(flush));
  });

  afterEach(() => {
    reader.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the work of one turn in one group, committed before any of it is answered', async () => {
    const answered: number[] = [];
    const pieces = [1, 2, 3].map((id) => groups.run(insert(id)).then(() => answered.push(id)));
    expect(turns).toHaveLength(1);
    expect(committed()).toEqual([]);
    turns[0]?.();
    // Visible to another connection (committed) as soon as the group ran, before any promise settled.
    expect(committed()).toEqual([1, 2, 3]);
    expect(answered).toEqual([]);
    await Promise.all(pieces);
    expect(answered).toEqual([1, 2, 3]);
  });

  it('rolls a failing piece back to its savepoint alone; the others commit', async () => {
    const first = groups.run(insert(1));
    const failing = groups.run(() => {
      insert(2)();
      insert(1)(); // primary-key clash: the piece throws after a write of its own
    });
    const third = groups.run(insert(3));
    turns[0]?.();
    await expect(first).resolves.toBe(1);
    await expect(failing).rejects.toThrow(/UNIQUE constraint failed/);
    await expect(third).resolves.toBe(1);
    expect(committed()).toEqual([1, 3]);
  });

  it('schedules a new group for work submitted after a group ran', async () => {
    const first = groups.run(insert(1));
    turns[0]?.();
    await first;
    const second = groups.run(insert(2));
    expect(turns).toHaveLength(2);
    turns[1]?.();
    await second;
    expect(committed()).toEqual([1, 2]);
  });

  it('commits a group of relaxed work only without fsync, then restores the connection level', async () => {
    const relaxed = groups.run(() => db.pragma('synchronous', { simple: true }), 'relaxed');
    const mixed = [groups.run(() => db.pragma('synchronous', { simple: true }), 'relaxed'), groups.run(insert(1))];
    turns[0]?.();
    // One group: the full piece makes the whole group FULL (2).
    await expect(relaxed).resolves.toBe(2);
    await expect(mixed[0]).resolves.toBe(2);
    const alone = groups.run(() => db.pragma('synchronous', { simple: true }), 'relaxed');
    turns[1]?.();
    await expect(alone).resolves.toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });
});
