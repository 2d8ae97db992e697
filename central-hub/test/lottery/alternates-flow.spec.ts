import { sql } from 'kysely';
/**
 * Ranked alternates on the real repositories: a declined or expired win passes its slot to the next
 * alternate in the published ranking, with a deadline of its own; when none is left the slot is
 * released and held until 12:00 the next day before first-come booking. Real SQLite file.
 */
import type { EntryView } from '@kiosk/protocols';
import type { ProtocolException } from '../../src/errors';
import type { FacilityPrincipal } from '../../src/services/facility-users.service';
import { clientId, jst, seededWorld, type LotteryWorld } from './support';

const NOBATA = 'toyonaka-nobata-tennis';
const court = (n: number, date: string, hhmm: string) => `${NOBATA}-c${n}@${date}T${hhmm}`;
const CONTESTED = court(1, '2027-01-16', '0900');
const SOLO = court(2, '2027-01-16', '0900');
const LATE = court(3, '2027-01-16', '0900');

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error as ProtocolException).code ?? String(error),
  );

describe('ranked alternates', () => {
  let world: LotteryWorld;
  const people: FacilityPrincipal[] = [];
  /** The contested slot's ranking as drawn: the entry of each position. */
  let ranking: { entryId: string; person: FacilityPrincipal }[] = [];

  beforeAll(async () => {
    world = await seededWorld(jst('2026-11-02 10:00'));
    for (let i = 0; i < 6; i++) {
      const pin = String(1000 + i);
      const { userNumber } = await world.users.register({ municipality: '豊中市', pin });
      people.push(await world.users.verifyCredentials(userNumber, pin));
    }
    // Four people want the contested slot; one the solo slot; two the late slot.
    for (const p of people.slice(0, 4)) await world.lottery.submitEntry(p, { clientEntryId: clientId(), firstSlotId: CONTESTED });
    await world.lottery.submitEntry(people[4] as FacilityPrincipal, { clientEntryId: clientId(), firstSlotId: SOLO });
    for (const p of people.slice(4, 6)) await world.lottery.submitEntry(p, { clientEntryId: clientId(), firstSlotId: LATE });
    world.clock.set(jst('2026-11-12 09:00'));
    await world.witness('toyonaka-tennis-2027-01');
    await world.rounds.tick();
    world.clock.set(jst('2026-11-13 09:00'));
    const { rows: ranks } = await sql<{ entry_id: string; user_number: string }>`
      SELECT k.entry_id, e.user_number FROM lottery_ranks k JOIN lottery_entries e ON e.entry_id = k.entry_id
      WHERE k.slot_id = ${CONTESTED} ORDER BY k.position`.execute(world.store.db);
    ranking = ranks.map((r) => ({ entryId: r.entry_id, person: people.find((p) => p.userNumber === r.user_number) as FacilityPrincipal }));
  });
  afterAll(() => world.close());

  const entryOf = async (position: number): Promise<EntryView> => {
    const at = ranking[position];
    if (!at) throw new Error(`no position ${position}`);
    const entry = (await world.lottery.listEntries(at.person)).find((e) => e.entryId === at.entryId);
    if (!entry) throw new Error('entry not listed');
    return entry;
  };
  const stateOf = async (slotId: string) => (await world.booking.availability(NOBATA, '2027-01-16', '2027-01-16')).slots.find((s) => s.slotId === slotId)?.state;

  it('drew one winner and ranked three alternates', async () => {
    expect(ranking).toHaveLength(4);
    expect(await entryOf(0)).toMatchObject({ result: 'won-first', confirmation: 'pending', confirmBy: jst('2026-11-21 00:00') });
    for (const position of [1, 2, 3]) expect(await entryOf(position)).toMatchObject({ result: 'lost', confirmation: 'none' });
  });

  it('a decline promotes the next alternate at once, with its own deadline (end of the 3rd day after)', async () => {
    world.clock.set(jst('2026-11-13 10:00'));
    const winner = ranking[0] as { entryId: string; person: FacilityPrincipal };
    expect((await world.lottery.decline(winner.person, winner.entryId)).confirmation).toBe('declined');
    expect(await entryOf(1)).toMatchObject({ result: 'won-first', wonSlotId: CONTESTED, confirmation: 'pending', confirmBy: jst('2026-11-17 00:00') });
    expect(await entryOf(2)).toMatchObject({ result: 'lost', confirmation: 'none' });
    expect(await stateOf(CONTESTED)).toBe('held');
    // The promoted win is numbered like its entry, as drawn wins are.
    const bookings = await world.booking.listBookings(ranking[1]?.person as FacilityPrincipal);
    expect(bookings).toEqual([expect.objectContaining({ slotId: CONTESTED, source: 'lottery', status: 'held', bookingNumber: (await entryOf(1)).entryNumber })]);
  });

  it('an unconfirmed promotion expires at its own deadline and passes to the next; that one can confirm after the round closed', async () => {
    world.clock.set(jst('2026-11-16 23:59'));
    await world.rounds.tick();
    expect(await entryOf(1)).toMatchObject({ confirmation: 'pending' });
    world.clock.set(jst('2026-11-17 00:00'));
    await world.rounds.tick();
    expect(await entryOf(1)).toMatchObject({ result: 'won-first', confirmation: 'released', confirmBy: null });
    expect(await entryOf(2)).toMatchObject({ confirmation: 'pending', confirmBy: jst('2026-11-21 00:00') });
    // The declined winner is never offered it again, nor the expired alternate.
    world.clock.set(jst('2026-11-20 23:00'));
    const third = ranking[2] as { entryId: string; person: FacilityPrincipal };
    expect((await world.lottery.confirm(third.person, third.entryId)).confirmation).toBe('confirmed');
    expect(await entryOf(3)).toMatchObject({ result: 'lost', confirmation: 'none' });
    expect(await code(world.lottery.confirm(ranking[1]?.person as FacilityPrincipal, ranking[1]?.entryId ?? ''))).toBe('outside_window');
  });

  it('a win with no alternate left is released at the round close and opens first-come at 12:00 the next day', async () => {
    world.clock.set(jst('2026-11-21 00:00'));
    await world.rounds.tick();
    expect(await stateOf(SOLO)).toBe('lottery-closed');
    world.clock.set(jst('2026-11-21 12:00'));
    expect(await stateOf(SOLO)).toBe('available');
    expect(await stateOf(CONTESTED)).toBe('booked');
  });

  it('a slot released after the round opened first-come stays held until 12:00 the next day', async () => {
    // LATE's drawn winner did not confirm: at the round close (the 21st, 00:00) it went to the alternate, until the end of the 24th.
    const { rows: late } = await sql<{ status: string; confirm_by: string | null; entry_id: string }>`
      SELECT status, confirm_by, entry_id FROM facility_bookings WHERE slot_id = ${LATE} ORDER BY created_at`.execute(world.store.db);
    expect(late.map((b) => b.status)).toEqual(['released', 'held']);
    expect(late[1]?.confirm_by).toBe(jst('2026-11-25 00:00'));
    expect(await stateOf(LATE)).toBe('held');

    world.clock.set(jst('2026-11-25 00:00'));
    await world.rounds.tick();
    world.clock.set(jst('2026-11-25 11:59'));
    expect(await stateOf(LATE)).toBe('lottery-closed');
    expect(await code(world.booking.book(people[0] as FacilityPrincipal, { clientBookingId: clientId(), slotId: LATE }))).toBe('outside_window');
    world.clock.set(jst('2026-11-25 12:00'));
    expect(await stateOf(LATE)).toBe('available');
    expect(await world.booking.book(people[0] as FacilityPrincipal, { clientBookingId: clientId(), slotId: LATE })).toMatchObject({ source: 'first-come', status: 'confirmed' });
  });
});
