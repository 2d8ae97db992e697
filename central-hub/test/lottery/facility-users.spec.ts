import { DEMO_FACILITY_USERS } from '../../src/domain/lottery/demo-users';
import { isWellFormedUserNumber } from '../../src/domain/lottery/user-rules';
import { ProtocolException } from '../../src/errors';
import { SignInRefusedException } from '../../src/services/lottery.errors';
import { jst, seededWorld, type LotteryWorld } from './support';

/** Users, PINs, lock-out, linked My Number cards and sessions, on the lottery world's real store. */
describe('facility users', () => {
  let world: LotteryWorld;
  const PIN = '7391';
  const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as SignInRefusedException);

  beforeEach(async () => {
    world = await seededWorld(jst('2026-11-05 10:00'));
  });
  afterEach(() => world.close());

  it('registers a user with a random, check-digited 8-digit number and only a slow salted hash of the PIN', async () => {
    const { userNumber, expiresOn } = await world.users.register({ municipality: '豊中市', pin: PIN });
    expect(isWellFormedUserNumber(userNumber)).toBe(true);
    expect(expiresOn).toBe('2029-11-04');
    const row = await world.store.db.selectFrom('facility_users').selectAll().where('user_number', '=', userNumber).executeTakeFirstOrThrow();
    expect(row.pin_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(Object.values(row).some((value) => value === PIN)).toBe(false);
    const other = await world.users.register({ municipality: '豊中市', pin: PIN });
    const otherRow = await world.store.db.selectFrom('facility_users').select('pin_hash').where('user_number', '=', other.userNumber).executeTakeFirstOrThrow();
    expect(otherRow.pin_hash).not.toBe(row.pin_hash);
  });

  it('signs in with the right PIN and opens a session that expires', async () => {
    const { userNumber } = await world.users.register({ municipality: '豊中市', pin: PIN });
    const signedIn = await world.users.signIn(userNumber, PIN);
    expect(signedIn.sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signedIn.user).toEqual({ municipality: '豊中市', expiresOn: '2029-11-04', certificateLinked: false });
    const principal = await world.users.resolveSession(signedIn.sessionToken);
    expect(principal.userNumber).toBe(userNumber);
    // The token itself is not stored, only its hash.
    expect(await world.store.db.selectFrom('facility_sessions').select('token_hash').where('token_hash', '=', signedIn.sessionToken).execute()).toEqual([]);

    world.clock.set(new Date(Date.parse(signedIn.expiresAt)));
    await expect(world.users.resolveSession(signedIn.sessionToken)).rejects.toMatchObject({ code: 'session_expired' });
    const again = await world.users.signIn(userNumber, PIN);
    await world.users.signOut(again.sessionToken);
    await expect(world.users.resolveSession(again.sessionToken)).rejects.toMatchObject({ code: 'session_expired' });
  });

  it('locks the account on the 5th wrong PIN for the configured 30 minutes, then lets the right PIN in', async () => {
    const { userNumber } = await world.users.register({ municipality: '豊中市', pin: PIN });
    const left: (number | undefined)[] = [];
    for (let i = 0; i < 4; i++) {
      const error = await refusal(world.users.signIn(userNumber, '0000'));
      expect(error?.code).toBe('invalid_credentials');
      left.push(error?.attemptsLeft);
    }
    expect(left).toEqual([4, 3, 2, 1]);
    const fifth = await refusal(world.users.signIn(userNumber, '0000'));
    expect(fifth).toMatchObject({ code: 'account_locked', lockedUntil: jst('2026-11-05 10:30') });
    // Locked: even the right PIN is refused, and the lock does not grow.
    world.clock.set(jst('2026-11-05 10:29'));
    expect(await refusal(world.users.signIn(userNumber, PIN))).toMatchObject({ code: 'account_locked', lockedUntil: jst('2026-11-05 10:30') });
    world.clock.set(jst('2026-11-05 10:30'));
    await expect(world.users.signIn(userNumber, PIN)).resolves.toMatchObject({ user: { municipality: '豊中市' } });
    expect(await world.store.db.selectFrom('facility_users').select('failed_pin_attempts').where('user_number', '=', userNumber).executeTakeFirst()).toEqual({ failed_pin_attempts: 0 });
  });

  it('checks at most 5 PINs when guesses arrive all at once', async () => {
    const { userNumber } = await world.users.register({ municipality: '豊中市', pin: PIN });
    // Eight wrong guesses at once: whatever order the store serializes them in (PostgreSQL runs them
    // truly concurrently), five are checked and the other three are refused unchecked.
    const guesses = ['0001', '0002', '0003', '0004', '0005', '0006', '0007', '0008'];
    const outcomes = await Promise.all(guesses.map((pin) => refusal(world.users.signIn(userNumber, pin))));
    expect(outcomes.filter((e) => e?.code === 'account_locked').length).toBeGreaterThanOrEqual(3);
    expect(outcomes.filter((e) => e?.code !== 'account_locked').length).toBeLessThanOrEqual(5);
    expect(await refusal(world.users.signIn(userNumber, PIN))).toMatchObject({ code: 'account_locked' });
  });

  it('refuses unknown and misread numbers alike, without saying which numbers exist', async () => {
    const unknown = await refusal(world.users.signIn('12345674', PIN));
    expect(unknown?.ack).toEqual({ ok: false, error: { code: 'invalid_credentials', message: 'user number or PIN is wrong' } });
    const misread = await refusal(world.users.signIn('12345675', PIN));
    expect(misread?.ack.ok === false && misread.ack.error).toEqual({
      code: 'invalid_credentials',
      message: 'this is not a valid user number; scan the card again',
    });
  });

  it('tells of an expired registration only to someone with the right PIN', async () => {
    const { userNumber, expiresOn } = await world.users.register({ municipality: '豊中市', pin: PIN });
    world.clock.set(jst(`${expiresOn} 23:59`));
    await expect(world.users.signIn(userNumber, PIN)).resolves.toBeDefined();
    world.clock.set(new Date(Date.parse(jst(`${expiresOn} 23:59`)) + 60_000));
    expect(await refusal(world.users.signIn(userNumber, '0000'))).toMatchObject({ code: 'invalid_credentials' });
    expect(await refusal(world.users.signIn(userNumber, PIN))).toMatchObject({ code: 'registration_expired' });
    await world.users.renew(userNumber);
    await expect(world.users.signIn(userNumber, PIN)).resolves.toBeDefined();
  });

  it('makes cards linked through one My Number certificate one identity', async () => {
    const fingerprint = 'ab'.repeat(32);
    const first = await world.users.register({ municipality: '豊中市', pin: PIN });
    const second = await world.users.register({ municipality: '豊中市', pin: '2468' });
    expect(second.identityId).not.toBe(first.identityId);
    expect(await world.users.linkCertificate(first.userNumber, fingerprint)).toEqual({ identityId: first.identityId, merged: false });
    expect(await world.users.linkCertificate(second.userNumber, fingerprint)).toEqual({ identityId: first.identityId, merged: true });
    expect((await world.users.verifyCredentials(second.userNumber, '2468')).identityId).toBe(first.identityId);
    expect(await world.store.db.selectFrom('facility_identities').select('identity_id').where('identity_id', '=', second.identityId).execute()).toEqual([]);
    // A third card registered with the same certificate joins at once.
    const third = await world.users.register({ municipality: '吹田市', pin: '1357', certificateFingerprint: fingerprint });
    expect(third.identityId).toBe(first.identityId);
    // Signing in with the card finds the user card of the terminal's municipality.
    const viaCard = await world.users.signInWithVerifiedCertificate(fingerprint, '吹田市');
    expect((await world.users.resolveSession(viaCard.sessionToken)).userNumber).toBe(third.userNumber);
    expect(viaCard.user.certificateLinked).toBe(true);
    await expect(world.users.signInWithVerifiedCertificate('cd'.repeat(32), '豊中市')).rejects.toBeInstanceOf(ProtocolException);
  });

  it('seeds the device panel’s demo users once, who can then sign in', async () => {
    expect(await world.users.ensureDemoUsers(DEMO_FACILITY_USERS)).toBe(3);
    expect(await world.users.ensureDemoUsers(DEMO_FACILITY_USERS)).toBe(0);
    await expect(world.users.signIn('10000008', '1234')).resolves.toMatchObject({ user: { municipality: '豊中市' } });
  });

  it('never logs a PIN or a user number', async () => {
    const { userNumber } = await world.users.register({ municipality: '豊中市', pin: PIN });
    await world.users.signIn(userNumber, PIN);
    for (let i = 0; i < 5; i++) await refusal(world.users.signIn(userNumber, '8642'));
    await world.handlers.handle('kiosk-test-1', 'lottery.signIn', { userNumber, pin: PIN });
    await world.handlers.handle('kiosk-test-1', 'lottery.signIn', { userNumber, pin: '12345' });
    const text = world.logs.text();
    expect(world.logs.find('facility account locked')).toBeDefined();
    // As a token of its own: the same digits inside a timestamp or a hex hash are chance, not a leak.
    const asToken = (digits: string) => new RegExp(`(?<![0-9A-Za-z])${digits}(?![0-9A-Za-z])`);
    expect(text).not.toMatch(asToken(PIN));
    expect(text).not.toMatch(asToken('8642'));
    expect(text).not.toMatch(asToken(userNumber));
  });
});
