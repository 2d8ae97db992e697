import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { TEST_POSTGRES_ADMIN_URL } from '../../test/support/test-store';
import { isStorageBusy, storageErrorKind } from './storage-errors';

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

  it('names an overloaded database busy: no connection free in the pool, a statement past its timeout, no server slot', async () => {
    expect(storageErrorKind({ code: '57014' })).toBe('busy');
    expect(storageErrorKind({ code: '53300' })).toBe('busy');
    // The real pg-pool's wait for a connection, with the one connection taken.
    const pool = new pg.Pool({ connectionString: TEST_POSTGRES_ADMIN_URL, max: 1, connectionTimeoutMillis: 50 });
    const held = await pool.connect();
    try {
      const waited = await pool.connect().then(
        (client) => {
          client.release();
          return 'connected';
        },
        (error: unknown) => error,
      );
      expect(isStorageBusy(waited)).toBe(true);
      // The real server's statement timeout.
      await held.query('SET statement_timeout = 50');
      const timedOut = await held.query('SELECT pg_sleep(5)').then(() => 'finished', (error: unknown) => error);
      expect(storageErrorKind(timedOut)).toBe('busy');
    } finally {
      held.release();
      await pool.end();
    }
    expect(isStorageBusy(new Error('timeout exceeded'))).toBe(false);
  });
});
