import { afterWrongPin, beginPinAttempt, PIN_STATE_CLEAR, type PinPolicy } from '../domain/lottery/user-rules';
import { openTestStore } from '../../test/support/test-store';
import { KyselyFacilityUsersRepository, type NewFacilityUser } from './facility-users.repository';

/** Users, linked certificates, the PIN attempt state and sessions against a real store on this run's engine. */
describe('FacilityUsersRepository', () => {
  const NOW = new Date('2026-11-05T01:00:00.000Z');
  const policy: PinPolicy = { maxAttempts: 5, lockMinutes: 30 };
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let users: KyselyFacilityUsersRepository;

  const user = (userNumber: string, overrides: Partial<NewFacilityUser> = {}): NewFacilityUser => ({
    userNumber,
    municipality: '豊中市',
    newIdentityId: `identity-${userNumber}`,
    pinHash: 'scrypt$test',
    registeredAt: NOW.toISOString(),
    expiresOn: '2029-11-04',
    certificateFingerprint: null,
    ...overrides,
  });

  /** A wrong PIN as the service handles it: the attempt counted first, the lock decided after the check. */
  const wrongPin = async (userNumber: string): Promise<boolean> => {
    const allowed = await users.transaction(async (tx) => {
      const held = await users.holdPinState(userNumber, tx);
      if (!held) return false;
      const step = beginPinAttempt(held.pin, NOW, policy);
      await users.writePinState(userNumber, step.next, tx);
      return step.allowed;
    });
    if (!allowed) return false;
    await users.transaction(async (tx) => {
      const held = await users.holdPinState(userNumber, tx);
      if (held) await users.writePinState(userNumber, afterWrongPin(held.pin, NOW, policy), tx);
    });
    return true;
  };

  beforeEach(async () => {
    opened = await openTestStore();
    users = new KyselyFacilityUsersRepository(opened.store);
  });

  afterEach(async () => {
    await opened.close();
  });

  it('creates a user once per number, finds it, and reads and writes its PIN attempt state', async () => {
    expect(await users.create(user('12345678'))).toEqual({ created: true, identityId: 'identity-12345678' });
    expect(await users.create(user('12345678', { newIdentityId: 'other' }))).toEqual({ created: false });
    expect(await users.findByNumber('12345678')).toMatchObject({
      userNumber: '12345678',
      municipality: '豊中市',
      identityId: 'identity-12345678',
      pin: { failedAttempts: 0, lockedUntil: null },
      certificateLinked: false,
    });
    expect(await users.findByNumber('87654321')).toBeUndefined();
    expect(await users.transaction((tx) => users.holdPinState('87654321', tx))).toBeUndefined();
    await users.transaction((tx) => users.writePinState('12345678', { failedAttempts: 3, lockedUntil: '2026-11-05T01:30:00.000Z' }, tx));
    expect(await users.transaction((tx) => users.holdPinState('12345678', tx))).toEqual({
      pin: { failedAttempts: 3, lockedUntil: '2026-11-05T01:30:00.000Z' },
      expiresOn: '2029-11-04',
    });
    await users.transaction((tx) => users.writePinState('12345678', PIN_STATE_CLEAR, tx));
    expect((await users.findByNumber('12345678'))?.pin).toEqual(PIN_STATE_CLEAR);
  });

  it('joins a new card to the identity its certificate is linked to, and merges identities when a certificate says so', async () => {
    await users.create(user('11111111', { certificateFingerprint: 'cert-a' }));
    expect(await users.create(user('22222222', { certificateFingerprint: 'cert-a' }))).toEqual({ created: true, identityId: 'identity-11111111' });
    expect(await users.findByCertificate('cert-a', '豊中市')).toMatchObject({ identityId: 'identity-11111111', certificateLinked: true });
    expect(await users.findByCertificate('cert-a', '吹田市')).toBeUndefined();

    await users.create(user('33333333'));
    expect(await users.linkCertificate('33333333', 'cert-b', NOW.toISOString())).toEqual({ identityId: 'identity-33333333', merged: false });
    expect(await users.linkCertificate('33333333', 'cert-a', NOW.toISOString())).toEqual({ identityId: 'identity-11111111', merged: true });
    expect(await users.findByCertificate('cert-b', '豊中市')).toMatchObject({ identityId: 'identity-11111111' });
    const orphan = await opened.store.db.selectFrom('facility_identities').select('identity_id').where('identity_id', '=', 'identity-33333333').executeTakeFirst();
    expect(orphan).toBeUndefined();
    expect(await users.linkCertificate('99999999', 'cert-c', NOW.toISOString())).toBeUndefined();
  });

  it('lets at most 5 of 40 concurrent wrong PINs be checked and leaves the account locked (a pool of connections on PostgreSQL)', async () => {
    await users.create(user('12345678'));
    const checked = await Promise.all(Array.from({ length: 40 }, () => wrongPin('12345678')));
    expect(checked.filter(Boolean)).toHaveLength(policy.maxAttempts);
    const after = await users.findByNumber('12345678');
    expect(after?.pin.lockedUntil).toBe(new Date(NOW.getTime() + policy.lockMinutes * 60_000).toISOString());
  });

  it('keeps sessions by token hash until they are deleted or purged', async () => {
    await users.create(user('12345678'));
    await users.createSession('hash-1', '12345678', NOW.toISOString(), '2026-11-05T01:30:00.000Z');
    await users.createSession('hash-2', '12345678', NOW.toISOString(), '2026-11-05T02:00:00.000Z');
    expect(await users.findSession('hash-1')).toEqual({ userNumber: '12345678', expiresAt: '2026-11-05T01:30:00.000Z' });
    await users.deleteSession('hash-2');
    expect(await users.findSession('hash-2')).toBeUndefined();
    expect(await users.purgeSessions('2026-11-05T01:30:00.000Z')).toBe(1);
    expect(await users.findSession('hash-1')).toBeUndefined();
    expect(await users.renew('12345678', '2030-11-04')).toBe(true);
    expect(await users.renew('87654321', '2030-11-04')).toBe(false);
  });
});
