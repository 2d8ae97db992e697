import BetterSqlite3 from 'better-sqlite3';
import { storageErrorKind } from './storage-errors';

describe('storageErrorKind', () => {
  it('names what SQLite reports by its extended code', () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
    db.exec('CREATE TABLE p (id TEXT PRIMARY KEY); CREATE TABLE c (id TEXT UNIQUE, p TEXT REFERENCES p (id), n INTEGER CHECK (n > 0))');
    db.exec("INSERT INTO p VALUES ('a'); INSERT INTO c VALUES ('x', 'a', 1)");
    const kindOf = (statement: string): unknown => {
      try {
        db.exec(statement);
        return 'no error';
      } catch (error) {
        return storageErrorKind(error);
      }
    };
    expect(kindOf("INSERT INTO p VALUES ('a')")).toBe('unique-violation');
    expect(kindOf("INSERT INTO c VALUES ('x', 'a', 1)")).toBe('unique-violation');
    expect(kindOf("INSERT INTO c VALUES ('y', 'missing', 1)")).toBe('foreign-key-violation');
    expect(kindOf("INSERT INTO c VALUES ('z', 'a', 0)")).toBe('check-violation');
    expect(kindOf('SELECT * FROM missing_table')).toBeNull();
    db.close();
  });

  it('names what PostgreSQL reports by its SQLSTATE', () => {
    expect(storageErrorKind({ code: '23505' })).toBe('unique-violation');
    expect(storageErrorKind({ code: '40001' })).toBe('serialization-failure');
    expect(storageErrorKind({ code: '40P01' })).toBe('serialization-failure');
    expect(storageErrorKind({ code: '42P01' })).toBeNull();
    expect(storageErrorKind(new Error('plain'))).toBeNull();
  });
});
