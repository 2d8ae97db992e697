import { openTestStore } from '../../test/support/test-store';
import type { ThrottlePolicy } from '../services/login-throttle.rules';
import { KyselyLoginThrottleRepository } from './login-throttle.repository';

/** The throttle's atomic statements against a real store on this run's engine (login-throttle.rules.ts). */
describe('LoginThrottleRepository', () => {
  const policy: ThrottlePolicy = { maxFailures: 3, windowMs: 60_000, lockMs: 60_000 };
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let throttle: KyselyLoginThrottleRepository;

  beforeEach(async () => {
    opened = await openTestStore();
    throttle = new KyselyLoginThrottleRepository(opened.store);
  });

  afterEach(async () => {
    await opened.close();
  });

  it('allows the first tries, locks with the last allowed one, then refuses without counting until the lock passes', async () => {
    expect(await throttle.reserve('k', 0, policy)).toEqual({ allowed: true, lockedUntilMs: 0 });
    expect(await throttle.reserve('k', 1000, policy)).toEqual({ allowed: true, lockedUntilMs: 0 });
    expect(await throttle.reserve('k', 2000, policy)).toEqual({ allowed: true, lockedUntilMs: 62_000 });
    expect(await throttle.reserve('k', 61_999, policy)).toEqual({ allowed: false });
    expect(await throttle.reserve('k', 62_000, policy)).toEqual({ allowed: true, lockedUntilMs: 0 });
  });

  it('forgets tries older than the window, and keeps keys apart', async () => {
    await throttle.reserve('k', 0, policy);
    await throttle.reserve('k', 1000, policy);
    expect(await throttle.reserve('other', 1000, policy)).toEqual({ allowed: true, lockedUntilMs: 0 });
    expect(await throttle.reserve('k', 60_000, policy)).toEqual({ allowed: true, lockedUntilMs: 0 });
    expect(await throttle.reserve('k', 60_001, policy)).toEqual({ allowed: true, lockedUntilMs: 0 });
  });

  it('gives a try back (lifting the lock it set), and resets a key', async () => {
    await throttle.reserve('k', 0, policy);
    await throttle.reserve('k', 0, policy);
    expect(await throttle.reserve('k', 0, policy)).toEqual({ allowed: true, lockedUntilMs: 60_000 });
    await throttle.release('k', policy);
    expect(await throttle.reserve('k', 1, policy)).toEqual({ allowed: true, lockedUntilMs: 60_001 });
    await throttle.reset('k');
    expect(await throttle.reserve('k', 2, policy)).toEqual({ allowed: true, lockedUntilMs: 0 });
  });

  it('locks a policy of one try with that try, at real epoch instants', async () => {
    const now = Date.parse('2026-12-07T01:00:00.000Z');
    const once: ThrottlePolicy = { maxFailures: 1, windowMs: 60_000, lockMs: 15 * 60_000 };
    expect(await throttle.reserve('k', now, once)).toEqual({ allowed: true, lockedUntilMs: now + once.lockMs });
    expect(await throttle.reserve('k', now + 1, once)).toEqual({ allowed: false });
  });

  it('lets exactly five of 40 concurrent failures against one account through and leaves it locked (pool of connections on PostgreSQL)', async () => {
    const now = Date.parse('2026-12-07T01:00:00.000Z');
    const account: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
    const outcomes = await Promise.all(Array.from({ length: 40 }, () => throttle.reserve('user:tanaka', now, account)));
    const allowedLocks = outcomes.flatMap((outcome) => (outcome.allowed ? [outcome.lockedUntilMs] : []));
    // Only the 5th try counted sets the lock; the four before it saw a lower count; the 35 after it none.
    expect(allowedLocks.sort((a, b) => a - b)).toEqual([0, 0, 0, 0, now + account.lockMs]);
    expect(await throttle.reserve('user:tanaka', now + account.lockMs - 1, account)).toEqual({ allowed: false });
    const row = await opened.store.db.selectFrom('login_throttle').selectAll().where('throttle_key', '=', 'user:tanaka').executeTakeFirstOrThrow();
    expect(row).toEqual({ throttle_key: 'user:tanaka', failures: 5, window_started_at_ms: now, locked_until_ms: now + account.lockMs });
  });
});
