/**
 * Work that must run once runs once (issue 14): two real hubs on one PostgreSQL database, each with its
 * own scheduler driven by hand. The fleet sweep and the lottery tick run in the hub that leads them;
 * the other's runs do nothing; when the leader's lock connection dies (what a killed process does to
 * it), the other hub leads at its next run. PostgreSQL only: on SQLite one process owns the file.
 */
import pg from 'pg';
import { LOTTERY_TICK } from '../src/services/lottery-scheduler.service';
import { FLEET_SWEEP } from '../src/services/sweep.service';
import { LEADERSHIP_APPLICATION_NAME } from '../src/storage/postgres-job-leadership';
import { ManualClock } from './support/manual-clock';
import { ManualScheduler } from './support/manual-scheduler';
import { TestHub } from './support/test-hub';
import { TEST_ENGINE, TEST_POSTGRES_ADMIN_URL } from './support/test-store';

const SESSION_MS = 8 * 3_600_000;
const GAINED = 'job leadership gained';
/**
 * Logged by a sweep that evaluates the whole fleet: the first one a hub runs after it took the lead, and
 * (beside other processes) once a minute of the hub's clock, which this suite moves by hours.
 */
const SWEPT_ALL = 'fleet deadlines indexed';

/** Ends a server process from an admin connection; resolves once it is gone (its locks released). */
async function terminateBackend(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ killed: boolean }>('SELECT pg_terminate_backend($1, 10000) AS killed', [pid]);
    if (rows[0]?.killed !== true) throw new Error(`backend ${pid} not terminated`);
  } finally {
    await admin.end();
  }
}

// The reason it does not run on SQLite: one hub process per database file, which leads every job
// (src/storage/job-leadership.spec.ts proves that on SQLite).
const twoProcesses = TEST_ENGINE === 'postgres' ? describe : describe.skip;

twoProcesses('once-only jobs with two hub processes on one PostgreSQL database', () => {
  const clock = new ManualClock(new Date());
  const schedulers = { a: new ManualScheduler(), b: new ManualScheduler() };
  let a: TestHub;
  let b: TestHub;

  beforeAll(async () => {
    a = await TestHub.start({ overrides: { clock, scheduler: schedulers.a } });
    b = await TestHub.start({ config: { database: a.database }, overrides: { clock, scheduler: schedulers.b } });
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const gained = (hub: TestHub, job: string) => hub.logs.lines.filter((line) => line.msg === GAINED && line.job === job);
  const swept = (hub: TestHub) => hub.logs.lines.filter((line) => line.msg === SWEPT_ALL).length;
  const sessions = () => a.count('SELECT count(*) FROM sessions');

  /** A technician signs in (on hub a), and the clock moves past the end of the session. */
  async function expiredSession(username: string): Promise<void> {
    await a.login(username, await a.createUser(username, 'technician', '豊中市'));
    clock.advance(SESSION_MS + 60_000);
  }

  it('the hub that started first ran the lottery at start; the second did not', () => {
    expect(gained(a, LOTTERY_TICK)).toHaveLength(1);
    expect(gained(b, LOTTERY_TICK)).toHaveLength(0);
  });

  it('the fleet sweep runs in exactly one of them', async () => {
    await schedulers.a.run(FLEET_SWEEP);
    expect(gained(a, FLEET_SWEEP)).toHaveLength(1);
    expect(swept(a)).toBe(1);

    await expiredSession('tech-one');
    expect(await sessions()).toBe(1);
    // b's sweep finds the job led by a: nothing of it runs there.
    await schedulers.b.run(FLEET_SWEEP);
    await schedulers.b.run(LOTTERY_TICK);
    expect(gained(b, FLEET_SWEEP)).toHaveLength(0);
    expect(swept(b)).toBe(0);
    expect(await sessions()).toBe(1);
    // a's sweep ends the expired session.
    await schedulers.a.run(FLEET_SWEEP);
    expect(await sessions()).toBe(0);
    expect(gained(a, FLEET_SWEEP)).toHaveLength(1);
  });

  it("when the leader's lock connection dies, the other hub leads at its next run, and the old leader does not", async () => {
    const leaderPid = gained(a, FLEET_SWEEP)[0]?.pid;
    expect(typeof leaderPid).toBe('number');
    const holders = await a.rows<{ application_name: string }>('SELECT application_name FROM pg_stat_activity WHERE pid = ?', leaderPid);
    expect(holders).toEqual([{ application_name: LEADERSHIP_APPLICATION_NAME }]);

    // What the death of a's process does to its lock connection (the rest of a keeps running).
    await terminateBackend(leaderPid as number);

    await expiredSession('tech-two');
    await schedulers.b.run(FLEET_SWEEP);
    await schedulers.b.run(LOTTERY_TICK);
    expect(gained(b, FLEET_SWEEP)).toHaveLength(1);
    expect(gained(b, LOTTERY_TICK)).toHaveLength(1);
    // The new leader sweeps the whole fleet first, and does the sweep's work.
    expect(swept(b)).toBe(1);
    expect(await sessions()).toBe(0);

    // a asks again at each run, and finds the jobs taken.
    const sweptByA = swept(a);
    await expiredSession('tech-three');
    await schedulers.a.run(FLEET_SWEEP);
    await schedulers.a.run(LOTTERY_TICK);
    expect(gained(a, FLEET_SWEEP)).toHaveLength(1);
    expect(gained(a, LOTTERY_TICK)).toHaveLength(1);
    expect(swept(a)).toBe(sweptByA);
    expect(await sessions()).toBe(1);
    await schedulers.b.run(FLEET_SWEEP);
    expect(await sessions()).toBe(0);
    expect(gained(b, FLEET_SWEEP)).toHaveLength(1);
  });
});
