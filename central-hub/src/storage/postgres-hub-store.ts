import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../config';
import { MIGRATIONS, migratePostgres } from '../repositories/migrations';
import type { HubSchema } from './hub-schema';
import { EngineStore, retryingSerialization, type HubDb, type TransactionOptions, type Tx } from './hub-store';

export interface PostgresStoreConfig {
  url: string;
  poolSize: number;
  /** Group-commit lanes committing in parallel (default 1: one group after the other). */
  commitLanes?: number;
  statementTimeoutMs: number;
  /**
   * How long a query waits for a free pooled connection before it fails as `busy` (503 + Retry-After
   * over REST); default 10 s.
   */
  connectTimeoutMs?: number;
  /** `disable`: plain TCP (loopback); `require`: TLS without checking the server; `verify-full`: TLS checked against `caFile` (or the system's CAs). */
  ssl: 'disable' | 'require' | 'verify-full';
  caFile: string | null;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * Counts and sums come back from PostgreSQL as BIGINT/NUMERIC, which `pg` hands over as strings; the
 * hub's values (counts, yen, epoch milliseconds, sequence numbers) are all far below 2^53, so they are
 * read as numbers, the same as SQLite gives them. A value that would lose precision is refused.
 */
function parseSafeNumber(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) && !(Number.isFinite(value) && !/^-?\d+$/.test(text))) {
    throw new Error(`database value ${text} does not fit a JavaScript number`);
  }
  return value;
}

const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID || oid === NUMERIC_OID ? parseSafeNumber : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function sslOptions(config: PostgresStoreConfig): pg.PoolConfig['ssl'] {
  if (config.ssl === 'disable') return false;
  if (config.ssl === 'require') return { rejectUnauthorized: false };
  return { rejectUnauthorized: true, ...(config.caFile ? { ca: readFileSync(config.caFile, 'utf8') } : {}) };
}

/**
 * A URL without a user (postgres://127.0.0.1/kiosk) means the operating-system user, as psql and libpq
 * take it; `pg` looks only at $PGUSER and $USER, which a service manager may not set.
 */
export function withDefaultUser(url: string): string {
  const parsed = new URL(url);
  if (parsed.username !== '' || process.env.PGUSER) return url;
  parsed.username = userInfo().username;
  return parsed.toString();
}

/** The pool settings the hub uses for a configuration (shared with the tools that read its database). */
export function postgresPoolOptions(config: PostgresStoreConfig, max = config.poolSize): pg.PoolConfig {
  return {
    connectionString: withDefaultUser(config.url),
    max,
    statement_timeout: config.statementTimeoutMs,
    connectionTimeoutMillis: config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    ssl: sslOptions(config),
    types: typeParsers,
  };
}

/** Refusal to start, with what the operator needs to know (never the password in the URL). */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/**
 * The hub on PostgreSQL (issue 13): a connection pool, serializable transactions retried when they
 * raced another (so a read-check-write is as safe as on SQLite's single writer), and group commit
 * with `synchronous_commit` left on for anything acked.
 */
export class PostgresHubStore extends EngineStore {
  readonly engine = 'postgres' as const;

  private constructor(
    db: HubDb,
    /** The migrations this open applied (for the start-up log). */
    readonly applied: number[],
    commitLanes: number,
  ) {
    super(
      db,
      {
        run: (full, body) =>
          db.transaction().execute(async (tx) => {
            // Relaxed groups (heartbeat telemetry only) do not wait for the WAL flush; anything acked does.
            if (!full) await sql`SET LOCAL synchronous_commit = off`.execute(tx);
            await body(tx);
          }),
      },
      commitLanes,
    );
  }

  /** Connects, checks the server answers, applies the migrations; refuses with a clear message otherwise. */
  static async open(config: PostgresStoreConfig): Promise<PostgresHubStore> {
    const pool = new pg.Pool(postgresPoolOptions(config));
    // An idle client losing its server must not crash the hub; the next query reports it.
    pool.on('error', () => undefined);
    let applied: number[];
    try {
      const client = await pool.connect().catch((error: unknown) => {
        throw new DatabaseUnavailableError(`cannot reach PostgreSQL at ${redactedUrl(config.url)}: ${error instanceof Error ? error.message : String(error)}`);
      });
      try {
        applied = await migratePostgres(client, MIGRATIONS, () => new Date().toISOString());
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresHubStore(new Kysely<HubSchema>({ dialect: new PostgresDialect({ pool }) }), applied, config.commitLanes ?? 1);
  }

  protected runTransaction<T>(work: (tx: Tx) => Promise<T>, options: TransactionOptions): Promise<T> {
    const isolation = options.isolation ?? 'serializable';
    return retryingSerialization(() => this.db.transaction().setIsolationLevel(isolation).execute(work));
  }
}
