import { liveBookings, seedEntry, seedRound, seedSlot, seedUser } from '../../test/lottery/support/store-seed';
import { openTestStore } from '../../test/support/test-store';
import { KyselyFacilityBookingRepository, type NewFirstComeBooking } from './facility-booking.repository';

/** The booking repository's reads and writes against a real store on this run's engine. */
describe('FacilityBookingRepository', () => {
  const SLOT = 'toyonaka-nobata-tennis-c1@2026-12-05T0900';
  const OTHER_SLOT = 'toyonaka-nobata-tennis-c1@2026-12-05T1100';
  const NOW = '2026-11-20T03:00:00.000Z';
  const users = ['10000000', '10000001', '10000002'];
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let bookings: KyselyFacilityBookingRepository;

  const booking = (i: number, overrides: Partial<NewFirstComeBooking> = {}): NewFirstComeBooking => ({
    bookingId: `booking-${i}`,
    bookingNumber: `90000000${i}0`,
    clientBookingId: `client-${i}`,
    slotId: SLOT,
    userNumber: users[i % users.length] ?? '10000000',
    feeYen: 1200,
    createdAt: NOW,
    ...overrides,
  });
  const insert = (b: NewFirstComeBooking) => bookings.transaction((tx) => bookings.insertFirstCome(b, tx));

  beforeEach(async () => {
    opened = await openTestStore();
    const { db } = opened.store;
    await seedRound(db, { confirmClosesAt: '2026-10-20T15:00:00.000Z', firstComeOpensAt: '2026-10-21T03:00:00.000Z' });
    await seedSlot(db, SLOT);
    await seedSlot(db, OTHER_SLOT, '2026-12-05', '11:00', '13:00');
    for (const user of users) await seedUser(db, user);
    bookings = new KyselyFacilityBookingRepository(opened.store);
  });

  afterEach(async () => {
    await opened.close();
  });

  it('inserts a first-come booking, or tells which key keeps it out (client booking id first, then number, then slot)', async () => {
    expect(await insert(booking(0))).toEqual({ ok: true });
    expect(await insert(booking(1, { clientBookingId: 'client-0' }))).toEqual({ ok: false, conflict: 'client-booking-id' });
    expect(await insert(booking(1, { slotId: OTHER_SLOT, bookingNumber: booking(0).bookingNumber }))).toEqual({ ok: false, conflict: 'booking-number' });
    expect(await insert(booking(1))).toEqual({ ok: false, conflict: 'slot-taken' });
    expect(await insert(booking(1, { slotId: OTHER_SLOT }))).toEqual({ ok: true });
    expect((await bookings.findBookingByClientId('client-1'))?.slotId).toBe(OTHER_SLOT);
    expect(await liveBookings(opened.store.db, SLOT)).toBe(1);
  });

  it('finds a slot\'s held lottery win and ends it: released, and the slot held until noon the next day when no alternate may take it', async () => {
    const { db } = opened.store;
    await seedEntry(db, { entryId: 'entry-w', entryNumber: '1000000001', userNumber: users[2] ?? '', slotId: SLOT });
    await db
      .insertInto('facility_bookings')
      .values({
        booking_id: 'win', booking_number: '1000000001', client_booking_id: null, slot_id: SLOT, user_number: users[2] ?? '', source: 'lottery',
        entry_id: 'entry-w', status: 'held', fee_yen: 1200, confirm_by: null, created_at: '2026-10-11T15:00:00.000Z', updated_at: '2026-10-11T15:00:00.000Z',
      })
      .execute();
    const ended = await bookings.transaction(async (tx) => {
      await bookings.holdSlot(SLOT, tx);
      const held = await bookings.heldWinOf(SLOT, tx);
      expect(held).toEqual({ bookingId: 'win', confirmBy: null, roundConfirmClosesAt: '2026-10-20T15:00:00.000Z' });
      expect(await bookings.heldWinOf(OTHER_SLOT, tx)).toBeUndefined();
      return bookings.endHeldWin({ bookingId: 'win', slotId: SLOT }, new Date(NOW), 'promotion-1', tx);
    });
    expect(ended).toEqual({ action: 'release', reason: 'no-alternate', firstComeFrom: new Date('2026-11-21T03:00:00.000Z') });
    expect((await bookings.findBooking('win'))?.status).toBe('released');
    const slot = await db.selectFrom('facility_slots').select('first_come_from').where('slot_id', '=', SLOT).executeTakeFirstOrThrow();
    expect(slot.first_come_from).toBe('2026-11-21T03:00:00.000Z');
    expect(await liveBookings(db, SLOT)).toBe(0);
  });

  it('lists the bookings of every card of the identity and cancels a confirmed one once', async () => {
    expect(await insert(booking(0))).toEqual({ ok: true });
    expect((await bookings.listBookingsForIdentity(users[0] ?? '')).map((b) => b.bookingId)).toEqual(['booking-0']);
    expect(await bookings.listBookingsForIdentity(users[1] ?? '')).toEqual([]);
    expect(await bookings.cancel('booking-0', 0, NOW)).toBe(true);
    expect(await bookings.cancel('booking-0', 0, NOW)).toBe(false);
    expect(await bookings.findBooking('booking-0')).toMatchObject({ status: 'cancelled', chargeYen: 0, identityId: `identity-${users[0]}` });
    expect(await liveBookings(opened.store.db, SLOT)).toBe(0);
  });
});
