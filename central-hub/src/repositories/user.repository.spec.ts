import type { AuditDraft } from './audit.sql';
import { openTestStore } from '../../test/support/test-store';
import { KyselySessionRepository, type SessionRepository } from './session.repository';
import { KyselyUserRepository, UsernameTakenError, type UserRecord } from './user.repository';

const NOW = '2026-12-07T01:00:00.000Z';
const LATER = '2026-12-07T09:00:00.000Z';

function account(username: string, userId: string): UserRecord {
  return { userId, username, passwordHash: 'scrypt$hash', role: 'technician', municipality: '豊中市', createdAt: NOW };
}

function created(username: string): AuditDraft {
  return { at: NOW, actor: 'admin-token', actorKind: 'token', action: 'user.created', outcome: 'ok', municipality: '豊中市', kioskId: null, target: username, detail: { role: 'technician' } };
}

/** Accounts and their sessions on a real store of this run's engine. */
describe('KyselyUserRepository and KyselySessionRepository', () => {
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let users: KyselyUserRepository;
  let sessions: SessionRepository;

  beforeEach(async () => {
    opened = await openTestStore();
    users = new KyselyUserRepository(opened.store);
    sessions = new KyselySessionRepository(opened.store);
  });

  afterEach(async () => {
    await opened.close();
  });

  const auditRows = () => opened.store.db.selectFrom('audit_log').select(['seq', 'target']).orderBy('seq').execute();

  it('creates an account with its audit row, finds, lists and counts it', async () => {
    expect(await users.count()).toBe(0);
    const entry = await users.create(account('tanaka', 'u-1'), created('tanaka'));
    expect(entry).toMatchObject({ seq: 1, action: 'user.created', target: 'tanaka', detail: { role: 'technician' } });
    await users.create({ ...account('abe', 'u-2'), role: 'administrator', municipality: null }, created('abe'));
    expect(await users.findByUsername('tanaka')).toEqual(account('tanaka', 'u-1'));
    expect(await users.findByUsername('nobody')).toBeUndefined();
    expect((await users.list()).map((user) => [user.username, user.role, user.municipality])).toEqual([
      ['abe', 'administrator', null],
      ['tanaka', 'technician', '豊中市'],
    ]);
    expect(await users.count()).toBe(2);
    expect(await auditRows()).toEqual([
      { seq: 1, target: 'tanaka' },
      { seq: 2, target: 'abe' },
    ]);
  });

  it('refuses a taken username without writing its audit row, also when both are created at once', async () => {
    await users.create(account('tanaka', 'u-1'), created('tanaka'));
    await expect(users.create(account('tanaka', 'u-2'), created('tanaka'))).rejects.toThrow(UsernameTakenError);
    const racing = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => users.create(account('sato', `u-sato-${i}`), created('sato'))));
    expect(racing.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of racing) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(UsernameTakenError);
    expect(await users.count()).toBe(2);
    expect((await auditRows()).map((row) => row.seq)).toEqual([1, 2]);
  });

  it('creates inside a caller’s transaction, and rolls back with it', async () => {
    await expect(
      opened.store.transaction(async (tx) => {
        await users.create(account('tanaka', 'u-1'), created('tanaka'), tx);
        throw new Error('the caller changed its mind');
      }),
    ).rejects.toThrow('the caller changed its mind');
    expect(await users.count()).toBe(0);
    expect(await auditRows()).toEqual([]);
  });

  it('keeps a session live until it expires, deletes it once, and sweeps the expired ones', async () => {
    await users.create(account('tanaka', 'u-1'), created('tanaka'));
    await sessions.create({ tokenHash: 'live', userId: 'u-1', createdAt: NOW, expiresAt: LATER });
    await sessions.create({ tokenHash: 'old', userId: 'u-1', createdAt: NOW, expiresAt: '2026-12-07T02:00:00.000Z' });
    expect(await sessions.findLive('live', NOW)).toEqual({ tokenHash: 'live', expiresAt: LATER, userId: 'u-1', username: 'tanaka', role: 'technician', municipality: '豊中市' });
    expect(await sessions.findLive('live', LATER)).toBeUndefined();
    expect(await sessions.findLive('unknown', NOW)).toBeUndefined();
    expect(await sessions.deleteExpired('2026-12-07T02:00:00.000Z')).toBe(1);
    expect(await sessions.findLive('old', NOW)).toBeUndefined();
    expect(await sessions.delete('live')).toBe(true);
    expect(await sessions.delete('live')).toBe(false);
  });
});
