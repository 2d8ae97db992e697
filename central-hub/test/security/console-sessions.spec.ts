/**
 * Issue 15, finding 3: a live console does not outlive its session. Ended by logout here or elsewhere
 * (another hub process: the row is gone from the shared store), by expiry, by a changed role or a
 * deleted account: the console is told why and disconnected by the next check (every second, here run
 * by hand after moving the hub's clock), and any request it sends in between is refused.
 */
import path from 'node:path';
import { HubRecords } from '../../../test/support/hub-records';
import { CONSOLE_SESSIONS } from '../../src/services/sweep.service';
import { hashToken } from '../../src/services/session-token.rules';
import { ConsoleClient } from '../support/console-client';
import { ManualClock } from '../support/manual-clock';
import { ManualScheduler } from '../support/manual-scheduler';
import { TestHub } from '../support/test-hub';

jest.setTimeout(60_000);

const SESSION_MS = 60 * 60_000;

describe('live consoles end with their session', () => {
  const clock = new ManualClock(new Date());
  const scheduler = new ManualScheduler();
  const clients: ConsoleClient[] = [];
  let hub: TestHub;
  let writer: HubRecords;

  beforeAll(async () => {
    hub = await TestHub.start({
      overrides: { clock, scheduler },
      config: { auth: { sessionTtlMs: SESSION_MS, maxFailuresPerAccount: 5, maxFailuresPerAddress: 100, lockMs: 60_000, demoAdmin: false } },
    });
    // What another hub process (or an administrator's tool) does to the shared store, on this run's engine.
    writer = new HubRecords(() =>
      hub.database.engine === 'sqlite' ? { engine: 'sqlite', file: path.join(hub.dir, 'hub.sqlite') } : { engine: 'postgres', url: hub.database.url },
    );
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await writer.close();
    await hub.close();
  });

  async function signedInConsole(username: string, role: 'viewer' | 'technician' = 'technician'): Promise<{ client: ConsoleClient; token: string }> {
    const token = await hub.login(username, await hub.createUser(username, role, '豊中市'));
    const client = await ConsoleClient.connect(hub.url, token);
    clients.push(client);
    expect((await client.request('session.me')).ok).toBe(true);
    return { client, token };
  }

  const disconnected = (client: ConsoleClient) =>
    new Promise<void>((resolve) => {
      if (!client.socket.connected) return resolve();
      client.socket.once('disconnect', () => resolve());
    });

  it('disconnects at once on logout', async () => {
    const { client, token } = await signedInConsole('logout-here');
    expect((await hub.api('POST', '/api/auth/logout', undefined, token)).status).toBe(204);
    await disconnected(client);
    expect(client.received('session.ended')).toEqual([{ reason: 'logged-out' }]);
  });

  it('refuses the next request, and disconnects on the next check, when the session was ended elsewhere', async () => {
    const { client: asking, token } = await signedInConsole('logout-elsewhere');
    const watching = await ConsoleClient.connect(hub.url, token);
    clients.push(watching);
    await writer.change('DELETE FROM sessions WHERE token_hash = ?', hashToken(token));
    expect(await asking.raw('session.me')).toMatchObject({ ok: false, error: { code: 'not_authenticated' } });
    await disconnected(asking);
    await scheduler.run(CONSOLE_SESSIONS);
    await disconnected(watching);
    expect(watching.received('session.ended')).toEqual([{ reason: 'logged-out' }]);
  });

  it('disconnects on the first check after the session expires', async () => {
    const { client } = await signedInConsole('expiring');
    await scheduler.run(CONSOLE_SESSIONS);
    expect(client.socket.connected).toBe(true);
    clock.advance(SESSION_MS);
    await scheduler.run(CONSOLE_SESSIONS);
    await disconnected(client);
    expect(client.received('session.ended')).toEqual([{ reason: 'expired' }]);
  });

  it('disconnects when the account’s role is changed or the account deleted', async () => {
    const { client: demoted } = await signedInConsole('demoted', 'technician');
    const { client: removed } = await signedInConsole('removed', 'viewer');
    await writer.change("UPDATE users SET role = 'viewer' WHERE username = 'demoted'");
    await writer.change("DELETE FROM sessions WHERE user_id = (SELECT user_id FROM users WHERE username = 'removed')");
    await writer.change("DELETE FROM users WHERE username = 'removed'");
    await scheduler.run(CONSOLE_SESSIONS);
    await Promise.all([disconnected(demoted), disconnected(removed)]);
    expect(demoted.received('session.ended')).toEqual([{ reason: 'expired' }]);
    expect(removed.received('session.ended')).toEqual([{ reason: 'logged-out' }]);
  });
});
