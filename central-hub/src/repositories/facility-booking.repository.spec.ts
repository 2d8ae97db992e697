import { liveBookings, seedEntry, seedRound, seedSlot, seedUser } from '../../test/lottery/support/store-seed';
import { openTestStore } from '../../test/support/test-store';
import { SqliteFacilityBookingRepository, type NewFirstComeBooking } from './facility-booking.repository';

/** First-come booking against a real store on this run's engine: the slot goes to exactly one booking. */
describe('FacilityBookingRepository', () => {
  const SLOT = 'toyonaka-nobata-tennis-c1@2026-12-05T0900';
  const NOW = '2026-11-20T03:00:00.000Z';
  const users = Array.from({ length: 8 }, (_, i) => `1000000${i}`);
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let bookings: SqliteFacilityBookingRepository;

  const booking = (i: number, overrides: Partial<NewFirstComeBooking> = {}): NewFirstComeBooking => ({
    bookingId: `booking-${i}`,
    bookingNumber: `90000000${i}0`,
    clientBookingId: `client-${i}`,
    slotId: SLOT,
    userNumber: users[i % users.length] ?? '10000000',
    feeYen: 1200,
    createdAt: NOW,
    promotionBookingId: `promotion-${i}`,
    ...overrides,
  });

  beforeEach(async () => {
    opened = await openTestStore();
    const { db } = opened.store;
    await seedRound(db, { confirmClosesAt: '2026-10-20T15:00:00.000Z', firstComeOpensAt: '2026-10-21T03:00:00.000Z' });
    await seedSlot(db, SLOT);
    for (const user of users) await seedUser(db, user);
    bookings = new SqliteFacilityBookingRepository(opened.store);
  });

  afterEach(async () => {
    await opened.close();
  });

  it('of 8 concurrent first-come bookings of one slot, exactly one wins and the others hear slot-taken', async () => {
    const outcomes = await Promise.all(users.map((_, i) => bookings.createFirstCome(booking(i))));
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    expect(outcomes.filter((outcome) => !outcome.ok)).toEqual(Array.from({ length: 7 }, () => ({ ok: false, conflict: 'slot-taken' })));
    expect(await liveBookings(opened.store.db, SLOT)).toBe(1);
  });

  it('tells a client booking id or a booking number already used apart from a taken slot', async () => {
    await seedSlot(opened.store.db, 'toyonaka-nobata-tennis-c1@2026-12-05T1100', '2026-12-05', '11:00', '13:00');
    expect(await bookings.createFirstCome(booking(0))).toEqual({ ok: true });
    const elsewhere = { slotId: 'toyonaka-nobata-tennis-c1@2026-12-05T1100' };
    expect(await bookings.createFirstCome(booking(1, { ...elsewhere, clientBookingId: 'client-0' }))).toEqual({ ok: false, conflict: 'client-booking-id' });
    expect(await bookings.createFirstCome(booking(1, { ...elsewhere, bookingNumber: booking(0).bookingNumber }))).toEqual({ ok: false, conflict: 'booking-number' });
    expect(await bookings.createFirstCome(booking(1, elsewhere))).toEqual({ ok: true });
    expect((await bookings.findBookingByClientId('client-1'))?.slotId).toBe(elsewhere.slotId);
  });

  it('ends a lottery win whose deadline passed: the slot is released but held until noon the next day', async () => {
    const { db } = opened.store;
    await seedEntry(db, { entryId: 'entry-w', entryNumber: '1000000001', userNumber: users[7] ?? '', slotId: SLOT });
    await db
      .insertInto('facility_bookings')
      .values({
        booking_id: 'win', booking_number: '1000000001', client_booking_id: null, slot_id: SLOT, user_number: users[7] ?? '', source: 'lottery',
        entry_id: 'entry-w', status: 'held', fee_yen: 1200, confirm_by: null, created_at: '2026-10-11T15:00:00.000Z', updated_at: '2026-10-11T15:00:00.000Z',
      })
      .execute();
    // Nov 20 12:00 JST: the round's confirmation closed on Oct 21; the release job has not run.
    expect(await bookings.createFirstCome(booking(0))).toEqual({ ok: false, conflict: 'held-until', until: '2026-11-21T03:00:00.000Z' });
    expect((await bookings.findBooking('win'))?.status).toBe('released');
    expect(await liveBookings(db, SLOT)).toBe(0);
    expect(await bookings.createFirstCome(booking(0, { createdAt: '2026-11-21T03:00:00.000Z' }))).toEqual({ ok: true });
  });

  it('lists the bookings of every card of the identity and cancels a confirmed one once', async () => {
    expect(await bookings.createFirstCome(booking(0))).toEqual({ ok: true });
    expect((await bookings.listBookingsForIdentity(users[0] ?? '')).map((b) => b.bookingId)).toEqual(['booking-0']);
    expect(await bookings.listBookingsForIdentity(users[1] ?? '')).toEqual([]);
    expect(await bookings.cancel('booking-0', 0, NOW)).toBe(true);
    expect(await bookings.cancel('booking-0', 0, NOW)).toBe(false);
    expect(await bookings.findBooking('booking-0')).toMatchObject({ status: 'cancelled', chargeYen: 0, identityId: `identity-${users[0]}` });
    expect(await liveBookings(opened.store.db, SLOT)).toBe(0);
  });
});
