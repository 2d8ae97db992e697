import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../test/support/silent-logger';
import type { ThrottlePolicy } from '../services/login-throttle.rules';
import { SqliteDatabase } from './database.repository';
import { SqliteLoginThrottleRepository } from './login-throttle.repository';

/** The throttle's atomic statements against a real SQLite file (login-throttle.rules.ts). */
describe('SqliteLoginThrottleRepository', () => {
  const policy: ThrottlePolicy = { maxFailures: 3, windowMs: 60_000, lockMs: 60_000 };
  let dir: string;
  let database: SqliteDatabase;
  let throttle: SqliteLoginThrottleRepository;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hub-throttle-'));
    database = new SqliteDatabase(dir, silentLogger());
    throttle = new SqliteLoginThrottleRepository(database);
  });

  afterEach(() => {
    database.close();
    rmSync(dir, { recursive: true, force: true });
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
});
