import pg from 'pg';
import type { DatabaseConfig } from '../config';
import { createRootLogger } from '../logger';
import { LogCapture } from '../../test/support/log-capture';
import { silentLogger } from '../../test/support/silent-logger';
import { TEST_ENGINE, TEST_POSTGRES_ADMIN_URL, testDatabaseConfig } from '../../test/support/test-store';
import { SoleLeadership, openJobLeadership, type JobLeadership, type LeaderJob } from './job-leadership';
import { JOB_LOCK_NAMESPACE, LEADERSHIP_APPLICATION_NAME, PostgresJobLeadership, jobLockKey } from './postgres-job-leadership';

// Skipped on the other engine, for the reason each engine has: several processes share a PostgreSQL
// database and take turns leading; one process owns a SQLite file and leads everything.
const onPostgres = TEST_ENGINE === 'postgres' ? it : it.skip;
const onSqlite = TEST_ENGINE === 'sqlite' ? it : it.skip;

async function asAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** What a dying hub process does to its lock connection: the server ends it (the kernel would close it). */
async function killBackend(pid: number): Promise<void> {
  // With a timeout, pg_terminate_backend returns once the server process is gone (and its locks released).
  const { rows } = await asAdmin((admin) => admin.query<{ killed: boolean }>('SELECT pg_terminate_backend($1, 10000) AS killed', [pid]));
  expect(rows[0]?.killed).toBe(true);
}

/**
 * Once-only work with several hub processes on one database (issue 14): on PostgreSQL one process leads
 * each job through a session-level advisory lock on a connection of its own, and another takes over
 * when that connection dies; on SQLite the one process leads every job. Runs on the run's engine.
 */
describe(`JobLeadership on ${TEST_ENGINE}`, () => {
  let database: DatabaseConfig;
  let drop: () => Promise<void>;
  const opened: JobLeadership[] = [];

  const open = (logs?: LogCapture): JobLeadership => {
    const leadership = openJobLeadership(database, logs ? createRootLogger('info', logs) : silentLogger());
    opened.push(leadership);
    return leadership;
  };
  const postgres = (leadership: JobLeadership): PostgresJobLeadership => {
    expect(leadership).toBeInstanceOf(PostgresJobLeadership);
    return leadership as PostgresJobLeadership;
  };

  beforeEach(async () => {
    ({ database, drop } = await testDatabaseConfig());
  });

  afterEach(async () => {
    for (const leadership of opened.splice(0)) await leadership.close();
    await drop();
  });

  onSqlite('on SQLite the one process leads every job, until it closes', async () => {
    const leadership = open();
    expect(leadership).toBeInstanceOf(SoleLeadership);
    expect(await leadership.leads('fleet-sweep')).toBe(true);
    expect(await leadership.leads('lottery')).toBe(true);
    expect(await leadership.leads('fleet-sweep')).toBe(true);
    await leadership.close();
    expect(await leadership.leads('fleet-sweep')).toBe(false);
  });

  onPostgres('exactly one of two processes leads a job, asked at once or one after the other', async () => {
    const [a, b] = [open(), open()];
    const first = await Promise.all([a.leads('fleet-sweep'), b.leads('fleet-sweep'), a.leads('fleet-sweep'), b.leads('fleet-sweep')]);
    const aLeads = first[0];
    expect(first).toEqual([aLeads, !aLeads, aLeads, !aLeads]);
    const [leader, other] = aLeads ? [a, b] : [b, a];
    for (let round = 0; round < 3; round++) {
      expect(await other.leads('fleet-sweep')).toBe(false);
      expect(await leader.leads('fleet-sweep')).toBe(true);
    }
    // Each job has its own leader: the other process may take the next job.
    expect(await other.leads('lottery')).toBe(true);
    expect(await leader.leads('lottery')).toBe(false);
    expect(postgres(leader).leading()).toEqual(['fleet-sweep']);
    expect(postgres(other).leading()).toEqual(['lottery']);
  });

  onPostgres('holds the locks on a connection of its own, not one of the query pool', async () => {
    const leadership = postgres(open());
    expect(await leadership.leads('fleet-sweep')).toBe(true);
    const [namespace, key] = jobLockKey('fleet-sweep');
    // Advisory locks belong to a database: other tests' hubs hold the same job lock in theirs.
    const name = new URL((database as { url: string }).url).pathname.slice(1);
    const holders = await asAdmin((admin) =>
      admin.query<{ pid: number; application_name: string }>(
        `SELECT l.pid, a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.classid = $1::int8::oid AND l.objid = $2::int8::oid AND l.objsubid = 2 AND l.granted
            AND l.database = (SELECT oid FROM pg_database WHERE datname = $3)`,
        [namespace, key, name],
      ),
    );
    expect(holders.rows).toEqual([{ pid: leadership.backendPid(), application_name: LEADERSHIP_APPLICATION_NAME }]);
  });

  onPostgres("the leader's connection killed: it stops leading at once, the other leads at its next attempt", async () => {
    const logs = new LogCapture();
    const [a, b] = [postgres(open(logs)), postgres(open())];
    expect(await a.leads('fleet-sweep')).toBe(true);
    expect(await a.leads('lottery')).toBe(true);
    expect(await b.leads('fleet-sweep')).toBe(false);
    const pid = a.backendPid();
    expect(pid).not.toBeNull();

    await killBackend(pid as number);

    // Told by its connection, before anyone asks: it leads nothing any more.
    const lost = await logs.waitFor('job leadership lost: its database connection failed');
    expect(lost).toMatchObject({ pid, jobs: ['fleet-sweep', 'lottery'] });
    expect(a.leading()).toEqual([]);
    expect(a.backendPid()).toBeNull();
    // The other process leads at its next attempt.
    expect(await b.leads('fleet-sweep')).toBe(true);
    expect(await b.leads('lottery')).toBe(true);
    // The old leader connects again and keeps asking, but the jobs are taken.
    expect(await a.leads('fleet-sweep')).toBe(false);
    expect(await a.leads('lottery')).toBe(false);
    expect(a.backendPid()).not.toBeNull();
    expect(a.backendPid()).not.toBe(pid);
    expect(await b.leads('fleet-sweep')).toBe(true);
  });

  onPostgres('a connection found dead when asked counts as lost, too', async () => {
    const [a, b] = [postgres(open()), postgres(open())];
    expect(await a.leads('fleet-sweep')).toBe(true);
    await killBackend(a.backendPid() as number);
    // Whether or not its connection reported the failure yet, the answer is never "still leading" while
    // the other process holds the lock.
    expect(await b.leads('fleet-sweep')).toBe(true);
    expect(await a.leads('fleet-sweep')).toBe(false);
    expect(a.leading()).toEqual([]);
  });

  onPostgres('a process that closes gives its jobs up at once', async () => {
    const [a, b] = [open(), open()];
    expect(await a.leads('telemetry-prune')).toBe(true);
    expect(await b.leads('telemetry-prune')).toBe(false);
    await a.close();
    expect(await a.leads('telemetry-prune')).toBe(false);
    expect(await b.leads('telemetry-prune')).toBe(true);
  });
});

/** What needs no database. */
describe('JobLeadership without a database', () => {
  it('gives every job a lock of its own, in the hub namespace', () => {
    const jobs: LeaderJob[] = ['fleet-sweep', 'telemetry-prune', 'lottery'];
    const keys = jobs.map(jobLockKey);
    expect(new Set(keys.map(([, key]) => key)).size).toBe(jobs.length);
    for (const [namespace, key] of keys) {
      expect(namespace).toBe(JOB_LOCK_NAMESPACE);
      expect(Number.isInteger(key) && key > 0 && key < 2 ** 31).toBe(true);
    }
    expect(JOB_LOCK_NAMESPACE).toBeLessThan(2 ** 31); // an int4
  });

  it('a database it cannot reach: it leads nothing, and does not throw', async () => {
    // Nothing listens on port 1 of the loopback: the connection is refused at once.
    const unreachable = new PostgresJobLeadership({ connectionString: 'postgres://hub@127.0.0.1:1/none', connectionTimeoutMillis: 2000 }, silentLogger());
    expect(await unreachable.leads('fleet-sweep')).toBe(false);
    expect(await unreachable.leads('fleet-sweep')).toBe(false);
    expect(unreachable.backendPid()).toBeNull();
    await unreachable.close();
  });
});
