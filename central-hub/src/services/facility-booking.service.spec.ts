import pino from 'pino';
import { SeededRandom, SettableClock } from '../../test/lottery/support';
import { liveBookings, seedEntry, seedRound, seedSlot, seedUser } from '../../test/lottery/support/store-seed';
import { openTestStore } from '../../test/support/test-store';
import { KyselyFacilityBookingRepository } from '../repositories/facility-booking.repository';
import { KyselyFacilityCatalogueRepository } from '../repositories/facility-catalogue.repository';
import { KyselyLotteryRepository } from '../repositories/lottery.repository';
import { FacilityBookingService } from './facility-booking.service';
import type { FacilityPrincipal } from './facility-users.service';

/** First-come booking through the service on a real store on this run's engine (truly concurrent on PostgreSQL's pool). */
describe('FacilityBookingService first-come booking', () => {
  const SLOT = 'toyonaka-nobata-tennis-c1@2026-12-05T0900';
  const NOW = '2026-11-20T03:00:00.000Z';
  const people: FacilityPrincipal[] = Array.from({ length: 8 }, (_, i) => ({ userNumber: `1000000${i}`, identityId: `identity-1000000${i}`, municipality: '豊中市' }));
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let clock: SettableClock;
  let service: FacilityBookingService;

  const book = (who: FacilityPrincipal, clientBookingId: string) =>
    service.book(who, { clientBookingId, slotId: SLOT }).then(
      () => 'booked',
      (error: unknown) => (error as { code?: string }).code ?? String(error),
    );

  beforeEach(async () => {
    opened = await openTestStore();
    const { db } = opened.store;
    await seedRound(db, { confirmClosesAt: '2026-10-20T15:00:00.000Z', firstComeOpensAt: '2026-10-21T03:00:00.000Z' });
    await seedSlot(db, SLOT);
    for (const who of people) await seedUser(db, who.userNumber);
    clock = new SettableClock(NOW);
    service = new FacilityBookingService(
      new KyselyFacilityBookingRepository(opened.store),
      new KyselyFacilityCatalogueRepository(opened.store),
      new KyselyLotteryRepository(opened.store),
      clock,
      new SeededRandom('facility-booking-service'),
      pino({ level: 'silent' }),
    );
  });

  afterEach(async () => {
    await opened.close();
  });

  it('two people booking one slot at once: one is booked, the other hears slot_unavailable', async () => {
    const [first, second] = people;
    if (!first || !second) throw new Error('two people expected');
    expect((await Promise.all([book(first, 'client-a'), book(second, 'client-b')])).sort()).toEqual(['booked', 'slot_unavailable']);
    expect(await liveBookings(opened.store.db, SLOT)).toBe(1);
  });

  it('8 people booking one slot at once: exactly one is booked', async () => {
    const outcomes = await Promise.all(people.map((who, i) => book(who, `client-${i}`)));
    expect(outcomes.filter((outcome) => outcome === 'booked')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'slot_unavailable')).toHaveLength(7);
    expect(await liveBookings(opened.store.db, SLOT)).toBe(1);
  });

  it('ends a win whose deadline passed before the release job did: the slot waits until noon the next day, then can be booked', async () => {
    const { db } = opened.store;
    const winner = people[7];
    const [first] = people;
    if (!winner || !first) throw new Error('people expected');
    await seedEntry(db, { entryId: 'entry-w', entryNumber: '1000000001', userNumber: winner.userNumber, slotId: SLOT });
    await db
      .insertInto('facility_bookings')
      .values({
        booking_id: 'win', booking_number: '1000000001', client_booking_id: null, slot_id: SLOT, user_number: winner.userNumber, source: 'lottery',
        entry_id: 'entry-w', status: 'held', fee_yen: 1200, confirm_by: null, created_at: '2026-10-11T15:00:00.000Z', updated_at: '2026-10-11T15:00:00.000Z',
      })
      .execute();
    await expect(service.book(first, { clientBookingId: 'client-early', slotId: SLOT })).rejects.toMatchObject({
      code: 'outside_window',
      failure: { error: { message: expect.stringContaining('2026-11-21T03:00:00.000Z') } },
    });
    expect(await liveBookings(db, SLOT)).toBe(0);
    clock.set('2026-11-21T03:00:00.000Z');
    expect(await book(first, 'client-later')).toBe('booked');
  });

  it('answers a retried request with the same booking, and refuses its client id for another slot', async () => {
    const [first] = people;
    if (!first) throw new Error('a person expected');
    const booked = await service.book(first, { clientBookingId: 'client-once', slotId: SLOT });
    expect(await service.book(first, { clientBookingId: 'client-once', slotId: SLOT })).toEqual(booked);
    await expect(service.book(first, { clientBookingId: 'client-once', slotId: 'toyonaka-nobata-tennis-c1@2026-12-05T1100' })).rejects.toMatchObject({
      code: 'idempotency_conflict',
    });
  });
});
