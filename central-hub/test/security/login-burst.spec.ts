/**
 * Issue 15, finding 1: the failed-login lock-out holds against a concurrent burst. Each try is reserved
 * atomically before the password is checked, so of 40 wrong passwords sent at once, at most the limit
 * are evaluated (answered 401, the rest 429), and the account (or the address) is locked afterwards,
 * even for the right password. A 401 is an evaluated password: the hub only says "wrong" after scrypt.
 */
import { ManualClock } from '../support/manual-clock';
import { TestHub } from '../support/test-hub';

const LOCK_MS = 15 * 60_000;
const PER_ACCOUNT = 5;
const PER_ADDRESS = 20;
const BURST = 40;

jest.setTimeout(60_000);

describe('login lock-out under a concurrent burst', () => {
  const clock = new ManualClock(new Date());
  let hub: TestHub;

  beforeAll(async () => {
    hub = await TestHub.start({
      overrides: { clock },
      config: { auth: { sessionTtlMs: 60 * 60_000, maxFailuresPerAccount: PER_ACCOUNT, maxFailuresPerAddress: PER_ADDRESS, lockMs: LOCK_MS, demoAdmin: false } },
    });
  });

  afterAll(async () => {
    await hub.close();
  });

  const login = (username: string, password: string) => hub.api('POST', '/api/auth/login', { username, password }, null);
  const statuses = async (attempts: Promise<{ status: number }>[]) => (await Promise.all(attempts)).map((a) => a.status);
  const count = (all: number[], status: number) => all.filter((s) => s === status).length;

  /** Sends the burst at once; checks at most `limit` were evaluated; then the right password is refused until the lock passes. */
  async function burstLocks(username: string, names: (i: number) => string, limit: number): Promise<void> {
    const password = await hub.createUser(username, 'technician', '豊中市');
    const all = await statuses(Array.from({ length: BURST }, (_, i) => login(names(i), `wrong-${i}`)));
    expect(count(all, 401)).toBeLessThanOrEqual(limit);
    expect(count(all, 401)).toBeGreaterThanOrEqual(1);
    expect(count(all, 401) + count(all, 429)).toBe(BURST);
    expect((await login(username, password)).status).toBe(429);
    clock.advance(LOCK_MS);
    expect((await login(username, password)).status).toBe(200);
  }

  it(`evaluates at most ${PER_ACCOUNT} of ${BURST} concurrent wrong passwords for one account, then refuses the right one`, async () => {
    await burstLocks('burst-account', () => 'burst-account', PER_ACCOUNT);
  });

  it(`evaluates at most ${PER_ADDRESS} of ${BURST} concurrent wrong passwords from one address over many names, then refuses a right one`, async () => {
    clock.advance(LOCK_MS);
    await burstLocks('burst-address', (i) => `guess-${i}`, PER_ADDRESS);
  });

  it('gives a successful sign-in its address try back: successes alone never lock an address', async () => {
    clock.advance(LOCK_MS);
    const password = await hub.createUser('often-in', 'viewer', '豊中市');
    // One after the other: tries in flight count until they are answered.
    for (let i = 0; i < PER_ADDRESS + 5; i++) expect((await login('often-in', password)).status).toBe(200);
  });
});
