import pg from 'pg';
import { parseConfig } from '../../src/config';
import { ConsoleClient } from '../support/console-client';
import { ManualScheduler } from '../support/manual-scheduler';
import { TestHub } from '../support/test-hub';
import { TEST_ENGINE } from '../support/test-store';

/**
 * Issue 14: under a burst, a request that waits longer than HUB_DATABASE_CONNECT_TIMEOUT_MS for one of
 * the pool's HUB_DATABASE_POOL_SIZE connections is answered 503 `busy` with Retry-After, not 500
 * `internal`, and changes nothing. PostgreSQL only (SQLite has no pool).
 */
(TEST_ENGINE === 'postgres' ? describe : describe.skip)('a hub whose database connections are all taken (PostgreSQL)', () => {
  let hub: TestHub;
  let holder: pg.Client | undefined;
  let consoleClient: ConsoleClient | undefined;

  beforeEach(async () => {
    hub = await TestHub.start({ overrides: { scheduler: new ManualScheduler() } });
    await hub.stop();
    if (hub.database.engine !== 'postgres') throw new Error('PostgreSQL run expected');
    // The pool from the environment, as an operator sets it: one connection, a short wait for it.
    const { database } = parseConfig(
      { HUB_DATABASE_URL: hub.database.url, HUB_DATABASE_POOL_SIZE: '1', HUB_DATABASE_CONNECT_TIMEOUT_MS: '200' },
      { repoRoot: hub.dir },
    );
    expect(database).toMatchObject({ poolSize: 1, connectTimeoutMs: 200 });
    await hub.listen({ config: { database }, overrides: { scheduler: new ManualScheduler() } });
  }, 60_000);

  afterEach(async () => {
    consoleClient?.close();
    consoleClient = undefined;
    await holder?.end();
    holder = undefined;
    await hub.close();
  });

  /**
   * The test's own transaction locks the alerts table: the hub's one connection, serving a list of
   * alerts, waits on that lock, so the pool has nothing left for the next request. Resolves with that
   * request's answer once `release` rolls the lock back.
   */
  async function holdTheOneConnection(): Promise<{ held: Promise<{ status: number }>; release(): Promise<void> }> {
    if (hub.database.engine !== 'postgres') throw new Error('PostgreSQL run expected');
    const client = new pg.Client({ connectionString: hub.database.url });
    holder = client;
    await client.connect();
    await client.query('BEGIN');
    await client.query('LOCK TABLE alerts IN ACCESS EXCLUSIVE MODE');
    const held = hub.api('GET', '/api/alerts');
    await waitForLockWaiter(client);
    return { held, release: async () => void (await client.query('ROLLBACK')) };
  }

  it('answers 503 busy with Retry-After while the one connection is held, writes nothing, and takes the same request later', async () => {
    const { held, release } = await holdTheOneConnection();

    const user = { username: 'busy-tech', password: 'busy-tech-password-1', role: 'technician', municipality: '豊中市' };
    const refused = await fetch(`${hub.url}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hub.hub.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(user),
    });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({ ok: false, error: { code: 'busy', message: expect.any(String) as string } });
    expect(hub.logs.find('request failed')).toBeUndefined();

    await release();
    expect((await held).status).toBe(200);
    expect(await hub.count('SELECT count(*) FROM users WHERE username = ?', user.username)).toBe(0);

    // Retryable: the same request once the burst is over is taken.
    expect((await hub.api('POST', '/api/users', user)).status).toBe(201);
    expect(await hub.count('SELECT count(*) FROM users WHERE username = ?', user.username)).toBe(1);
  }, 60_000);

  it('answers a console socket request busy in its ack, and the same request later', async () => {
    consoleClient = await ConsoleClient.connect(hub.url, hub.hub.adminToken);
    const { held, release } = await holdTheOneConnection();
    // The fleet overview is built from the database on first use: that build fails busy here, and
    // must not be kept, or every later overview would be refused too.
    expect(await consoleClient.raw('fleet.overview')).toEqual({ ok: false, error: { code: 'busy', message: expect.any(String) as string } });
    expect(await consoleClient.raw('alerts.list', {})).toEqual({ ok: false, error: { code: 'busy', message: expect.any(String) as string } });
    await release();
    expect((await held).status).toBe(200);
    expect(await consoleClient.raw('alerts.list', {})).toMatchObject({ ok: true });
    expect(await consoleClient.raw('fleet.overview')).toMatchObject({ ok: true, overview: expect.any(Object) as object });
  }, 60_000);
});

/** Resolves once some session of the holder's database waits on a lock (the hub's held connection). */
async function waitForLockWaiter(client: pg.Client): Promise<void> {
  for (;;) {
    const { rows } = await client.query<{ waiting: string }>(
      "SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    if (Number(rows[0]?.waiting) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
