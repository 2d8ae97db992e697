import Database from 'better-sqlite3';
import pg from 'pg';

/**
 * Which engine this run's hubs store in (issue 13): the PostgreSQL runs (`test/jest.postgres.config.cjs`,
 * `central-hub/jest.postgres.config.cjs`) set HUB_TEST_ENGINE=postgres; otherwise the embedded SQLite file.
 */
export const HUB_TEST_ENGINE: HubEngine = process.env.HUB_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/** The hub's storage engines. */
export type HubEngine = 'sqlite' | 'postgres';

/** The server the PostgreSQL runs use (the machine's own, on loopback with trust auth). */
export const TEST_POSTGRES_ADMIN_URL = process.env.HUB_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Where a hub keeps its tables: its SQLite file, or its PostgreSQL database. */
export type HubDatabaseLocation = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string };

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Counts, sums and sequence numbers as numbers, as the hub's own PostgreSQL store reads them (and SQLite gives them). */
const numericTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID || oid === NUMERIC_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * `?` placeholders (the tests' one dialect) as PostgreSQL's `$1…$n`; a `?` inside a quoted string or
 * identifier is text, not a placeholder.
 */
export function numberedPlaceholders(sql: string): string {
  let out = '';
  let quote: string | null = null;
  let next = 0;
  for (const char of sql) {
    if (quote !== null) {
      if (char === quote) quote = null;
      out += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      out += char;
    } else {
      out += char === '?' ? `$${++next}` : char;
    }
  }
  return out;
}

/**
 * What the tests read (and, to simulate a loss, change) in a hub's own tables, on either engine, with
 * portable SQL and `?` placeholders. On SQLite every call opens the file for itself and closes it
 * again (a hub process may be killed and restarted between two calls); on PostgreSQL one client is
 * kept until `close()`, which must come before the test's database is dropped.
 */
export class HubRecords {
  private client: Promise<pg.Client> | undefined;

  constructor(private readonly location: () => HubDatabaseLocation) {}

  /** Every row the query returns. Column aliases that are not all lower case need double quotes (PostgreSQL folds them). */
  async rows<T extends object = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
    const where = this.location();
    if (where.engine === 'sqlite') return this.withSqlite(where.file, true, (db) => db.prepare(sql).all(...params) as T[]);
    const result = await (await this.postgres(where.url)).query(numberedPlaceholders(sql), params);
    return result.rows as T[];
  }

  /** The first row, or undefined when there is none. */
  async row<T extends object = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T | undefined> {
    return (await this.rows<T>(sql, ...params))[0];
  }

  /** The first column of the first row (undefined when there is no row), e.g. one stored value. */
  async value<T = unknown>(sql: string, ...params: unknown[]): Promise<T | undefined> {
    const first = await this.row(sql, ...params);
    return first === undefined ? undefined : (Object.values(first)[0] as T);
  }

  /** A number the query selects, typically `SELECT count(*) …`: the first column of the first row. */
  async count(sql: string, ...params: unknown[]): Promise<number> {
    const value = await this.value(sql, ...params);
    if (typeof value !== 'number') throw new Error(`expected a number from ${sql}, got ${String(value)}`);
    return value;
  }

  /** A write behind the hub's back (a test simulating a lost or damaged record); resolves with the rows changed. */
  async change(sql: string, ...params: unknown[]): Promise<number> {
    const where = this.location();
    if (where.engine === 'sqlite') return this.withSqlite(where.file, false, (db) => db.prepare(sql).run(...params).changes);
    const result = await (await this.postgres(where.url)).query(numberedPlaceholders(sql), params);
    return result.rowCount ?? 0;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await (await client).end();
  }

  private withSqlite<R>(file: string, readonly: boolean, work: (db: Database.Database) => R): R {
    const db = new Database(file, { readonly, fileMustExist: true });
    try {
      return work(db);
    } finally {
      db.close();
    }
  }

  private postgres(url: string): Promise<pg.Client> {
    this.client ??= connect(url);
    return this.client;
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, types: numericTypes });
  // A dropped connection (the server restarting, the database dropped) is an error of the next query, not of the process.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** A PostgreSQL database of its own for one hub, so test files run in parallel; `drop` removes it and any connection left to it. */
export async function createTestPostgresDatabase(prefix = 'hub_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await asAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(TEST_POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await asAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function asAdmin(work: (admin: pg.Client) => Promise<unknown>): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await work(admin);
  } finally {
    await admin.end();
  }
}
