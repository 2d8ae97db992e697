import pino from 'pino';
import { SeededRandom, SettableClock } from '../../test/lottery/support';
import { openTestStore } from '../../test/support/test-store';
import { KyselyFacilityCatalogueRepository } from '../repositories/facility-catalogue.repository';
import { KyselyFacilityUsersRepository } from '../repositories/facility-users.repository';
import { FacilityUsersService } from './facility-users.service';
import type { SignInRefusedException } from './lottery.errors';

/** The PIN lock-out under concurrent guesses, through the service on a real store on this run's engine. */
describe('FacilityUsersService PIN attempts', () => {
  const NOW = '2026-11-05T01:00:00.000Z';
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let users: FacilityUsersService;

  beforeEach(async () => {
    opened = await openTestStore();
    users = new FacilityUsersService(
      new KyselyFacilityUsersRepository(opened.store),
      new KyselyFacilityCatalogueRepository(opened.store),
      new SettableClock(NOW),
      new SeededRandom('facility-users-service'),
      pino({ level: 'silent' }),
    );
  });

  afterEach(async () => {
    await opened.close();
  });

  it('checks at most 5 of 40 concurrent wrong PINs and locks the account; then even the right PIN is refused', async () => {
    const { userNumber } = await users.register({ municipality: '豊中市', pin: '7391' });
    const refusals = await Promise.all(
      Array.from({ length: 40 }, () => users.verifyCredentials(userNumber, '0000').then(() => null, (error: unknown) => error as SignInRefusedException)),
    );
    const codes = refusals.map((refusal) => refusal?.code);
    // Each guess checked is one of the five attempts the default policy allows; every other one is refused as locked.
    expect(codes.filter((code) => code === 'invalid_credentials').length).toBeLessThanOrEqual(5);
    expect(codes.filter((code) => code === 'account_locked').length).toBeGreaterThanOrEqual(35);
    expect(codes.every((code) => code === 'invalid_credentials' || code === 'account_locked')).toBe(true);
    await expect(users.verifyCredentials(userNumber, '7391')).rejects.toMatchObject({ code: 'account_locked', lockedUntil: '2026-11-05T01:30:00.000Z' });
  });
});
