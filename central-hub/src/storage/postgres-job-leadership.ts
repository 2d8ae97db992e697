import pg from 'pg';
import type { Logger } from '../logger';
import type { JobLeadership, LeaderJob } from './job-leadership';
import { postgresPoolOptions, type PostgresStoreConfig } from './postgres-hub-store';

/**
 * Each job's advisory lock: `pg_try_advisory_lock(JOB_LOCK_NAMESPACE, key)`. Fixed numbers (never
 * renumber one: two versions of the hub running side by side during an upgrade must agree); the
 * two-integer form never meets a single-bigint advisory lock taken elsewhere in the hub.
 */
const JOB_LOCK_KEYS: Readonly<Record<LeaderJob, number>> = {
  'fleet-sweep': 1,
  'telemetry-prune': 2,
  lottery: 3,
  'audit-checkpoint': 4,
};
/** "KHUB": the first integer of every job lock, apart from other applications' two-integer locks. */
export const JOB_LOCK_NAMESPACE = 0x4b48_5542;

/** The two integers of a job's advisory lock. */
export function jobLockKey(job: LeaderJob): readonly [number, number] {
  return [JOB_LOCK_NAMESPACE, JOB_LOCK_KEYS[job]];
}

/** How the lock connection shows in `pg_stat_activity`. */
export const LEADERSHIP_APPLICATION_NAME = 'central-hub job leadership';

/**
 * The server notices a silent peer (a hub machine that lost power or network) within about 25 s and
 * ends its session, which releases its locks; a process that dies on a live machine has its connection
 * closed by the kernel, and releases them at once. Ignored on a Unix socket.
 */
const SERVER_KEEPALIVE = ['SET tcp_keepalives_idle = 10', 'SET tcp_keepalives_interval = 5', 'SET tcp_keepalives_count = 3', 'SET tcp_user_timeout = 25000'];
/** A check that does not answer in this time counts as a lost connection (this process stops leading). */
const QUERY_TIMEOUT_MS = 10_000;

interface Session {
  client: pg.Client;
  pid: number | null;
  alive: boolean;
  /** The jobs whose lock this session holds: session-level locks last until the session ends. */
  held: Set<LeaderJob>;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Leadership on PostgreSQL (issue 14): a session-level advisory lock per job, on a connection of its
 * own (never one of the query pool's, which would hand the lock to whatever query borrows it next, and
 * keep it after this process stopped using it). The server releases the locks the moment that
 * connection ends, so a dead leader's jobs are free for the next process that asks. When the
 * connection fails, this process stops leading at once and connects again at the next question.
 */
export class PostgresJobLeadership implements JobLeadership {
  readonly alone = false;
  private session: Session | null = null;
  private opening: Promise<Session> | null = null;
  /** One question per job at a time (a second one shares the first's answer). */
  private readonly asking = new Map<LeaderJob, Promise<boolean>>();
  private unreachable = false;
  private closed = false;
  private readonly log: Logger;

  constructor(
    private readonly clientConfig: pg.ClientConfig,
    root: Logger,
  ) {
    this.log = root.child({ module: 'leadership' });
  }

  /** With the hub's database settings (URL, TLS, timeouts). */
  static forConfig(config: PostgresStoreConfig, log: Logger): PostgresJobLeadership {
    const { connectionString, ssl, types, statement_timeout, connectionTimeoutMillis } = postgresPoolOptions(config);
    return new PostgresJobLeadership(
      { connectionString, ssl, types, statement_timeout, connectionTimeoutMillis, keepAlive: true, query_timeout: QUERY_TIMEOUT_MS, application_name: LEADERSHIP_APPLICATION_NAME },
      log,
    );
  }

  leads(job: LeaderJob): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    let asking = this.asking.get(job);
    if (!asking) {
      asking = this.ask(job).finally(() => this.asking.delete(job));
      this.asking.set(job, asking);
    }
    return asking;
  }

  /** The server process id of the lock connection (for operators and tests), or null when there is none. */
  backendPid(): number | null {
    return this.session?.alive ? this.session.pid : null;
  }

  /** The jobs this process leads as far as it knows. */
  leading(): LeaderJob[] {
    return this.session?.alive ? [...this.session.held] : [];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.opening?.catch(() => undefined);
    const session = this.session;
    this.session = null;
    if (!session) return;
    session.alive = false;
    if (session.held.size > 0) this.log.info({ jobs: [...session.held] }, 'job leadership given up');
    session.held.clear();
    // Ending the session releases its locks: another process leads at its next question.
    await session.client.end().catch(() => undefined);
  }

  private async ask(job: LeaderJob): Promise<boolean> {
    let session: Session;
    try {
      session = await this.connected();
    } catch (error) {
      if (!this.unreachable && !this.closed) this.log.warn({ err: message(error) }, 'job leadership: cannot reach PostgreSQL; leading nothing until it answers');
      this.unreachable = true;
      return false;
    }
    this.unreachable = false;
    try {
      if (session.held.has(job)) {
        // A session-level lock is held as long as its session lives: a live connection is a held lock.
        await session.client.query('SELECT 1');
      } else {
        const [namespace, key] = jobLockKey(job);
        const { rows } = await session.client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::int4, $2::int4) AS locked', [namespace, key]);
        if (rows[0]?.locked !== true || !session.alive || this.closed) return false;
        session.held.add(job);
        this.log.info({ job, pid: session.pid }, 'job leadership gained');
      }
    } catch (error) {
      this.lost(session, error);
      return false;
    }
    return session.alive && session.held.has(job);
  }

  private connected(): Promise<Session> {
    if (this.session?.alive) return Promise.resolve(this.session);
    this.opening ??= this.open().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private async open(): Promise<Session> {
    const client = new pg.Client(this.clientConfig);
    const session: Session = { client, pid: null, alive: true, held: new Set() };
    client.on('error', (error) => this.lost(session, error));
    client.on('end', () => this.lost(session, new Error('connection ended')));
    try {
      await client.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      session.pid = rows[0]?.pid ?? null;
      for (const setting of SERVER_KEEPALIVE) await client.query(setting).catch(() => undefined);
      if (this.closed || !session.alive) throw new Error(this.closed ? 'job leadership closed' : 'connection ended');
    } catch (error) {
      session.alive = false;
      await client.end().catch(() => undefined);
      throw error;
    }
    this.session = session;
    return session;
  }

  /** The connection failed: this process leads nothing from now on (the server released or will release the locks). */
  private lost(session: Session, error: unknown): void {
    if (!session.alive) return;
    session.alive = false;
    if (this.session === session) this.session = null;
    if (session.held.size > 0 && !this.closed) {
      this.log.warn({ jobs: [...session.held], pid: session.pid, err: message(error) }, 'job leadership lost: its database connection failed');
    }
    session.held.clear();
    session.client.end().catch(() => undefined);
  }
}
