import type { ProvisionalVerdict } from '../domain/lottery/provisional-rules';
import { SEED_ROUND_ID, seedEntry, seedRound, seedSlot, seedUser } from '../../test/lottery/support/store-seed';
import { openTestStore } from '../../test/support/test-store';
import type { NewEntry } from './lottery.repository';
import { SqliteLotteryOfflineRepository, type ProvisionalState } from './lottery-offline.repository';

/** Judging provisional entries against a real store on this run's engine: each is judged exactly once. */
describe('LotteryOfflineRepository', () => {
  const SLOT = 'toyonaka-nobata-tennis-c1@2026-12-05T0900';
  const USER = '12345678';
  const KEY = { kioskId: 'kiosk-1', eventId: 'event-1' };
  const AT = '2026-10-05T02:00:00.000Z';
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let offline: SqliteLotteryOfflineRepository;

  const entry = (i: number): NewEntry => ({
    entryId: `entry-${i}`,
    entryNumber: `20000000${String(i).padStart(2, '0')}`,
    clientEntryId: 'client-entry-1',
    roundId: SEED_ROUND_ID,
    userNumber: USER,
    firstSlotId: SLOT,
    secondSlotId: null,
    channel: 'offline',
    kioskId: KEY.kioskId,
    occurredAt: '2026-10-05T01:00:00.000Z',
    acceptedAt: AT,
  });
  const accept = (): ProvisionalVerdict => ({ pinNext: { failedAttempts: 0, lockedUntil: null }, pinChecked: 'right', outcome: 'accept' });

  const provisional = async () =>
    opened.store.db.selectFrom('lottery_provisional_entries').selectAll().where('event_id', '=', KEY.eventId).executeTakeFirstOrThrow();
  const entriesOfClient = async () =>
    (await opened.store.db.selectFrom('lottery_entries').select('entry_id').where('client_entry_id', '=', 'client-entry-1').execute()).map((row) => row.entry_id);

  beforeEach(async () => {
    opened = await openTestStore();
    const { db } = opened.store;
    await seedRound(db, { confirmClosesAt: '2026-10-20T15:00:00.000Z', firstComeOpensAt: '2026-10-21T03:00:00.000Z' });
    await seedSlot(db, SLOT);
    await seedUser(db, USER, { failedAttempts: 2, lockedUntil: null });
    await db
      .insertInto('lottery_provisional_entries')
      .values({
        kiosk_id: KEY.kioskId, event_id: KEY.eventId, client_entry_id: 'client-entry-1', user_number: USER, round_id: SEED_ROUND_ID,
        first_slot_id: SLOT, second_slot_id: null, occurred_at: '2026-10-05T01:00:00.000Z', received_at: '2026-10-05T01:30:00.000Z',
        key_id: 'key-1', sealed_pin: 'sealed', offline_session_id: 'session-1', status: 'pending',
      })
      .execute();
    offline = new SqliteLotteryOfflineRepository(opened.store);
  });

  afterEach(async () => {
    await opened.close();
  });

  it('judges a pending entry exactly once however many judges race for it (a pool of connections on PostgreSQL)', async () => {
    const seen: ProvisionalState[] = [];
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        offline.decide(KEY, entry(i), (state) => {
          seen.push(state);
          return accept();
        }, AT),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === 'decided')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'already-decided')).toHaveLength(5);
    expect(seen[0]).toMatchObject({ user: { pin: { failedAttempts: 2, lockedUntil: null } }, clientEntry: { kind: 'new' }, existingChoices: [], sessionPin: null });
    expect(await entriesOfClient()).toHaveLength(1);
    expect(await provisional()).toMatchObject({ status: 'accepted', entry_id: (await entriesOfClient())[0], sealed_pin: null, pin_ok: 1, decided_at: AT });
    const user = await opened.store.db.selectFrom('facility_users').select('failed_pin_attempts').where('user_number', '=', USER).executeTakeFirstOrThrow();
    expect(user.failed_pin_attempts).toBe(0);
    expect(await offline.pending(10)).toEqual([]);
  });

  it('writes nothing when the entry number is taken, so the judge can try again with another', async () => {
    await seedEntry(opened.store.db, { entryId: 'someone-else', entryNumber: entry(0).entryNumber, userNumber: USER, slotId: SLOT });
    expect(await offline.decide(KEY, entry(0), accept, AT)).toBe('entry-number-taken');
    expect(await provisional()).toMatchObject({ status: 'pending', sealed_pin: 'sealed', pin_ok: null });
    const user = await opened.store.db.selectFrom('facility_users').select('failed_pin_attempts').where('user_number', '=', USER).executeTakeFirstOrThrow();
    expect(user.failed_pin_attempts).toBe(2);
    expect(await offline.decide(KEY, entry(1), (state) => {
      // The person's other entry of the round is what the entry rules see.
      expect(state.existingChoices).toHaveLength(1);
      return accept();
    }, AT)).toBe('decided');
  });

  it('records a rejection with its reason, erases the sealed PIN, and lists it for the person', async () => {
    const reject: ProvisionalVerdict = { pinNext: { failedAttempts: 3, lockedUntil: null }, pinChecked: 'wrong', outcome: 'reject', reason: 'wrong-pin', message: 'the PIN was wrong' };
    expect((await offline.pending(10)).map((record) => record.eventId)).toEqual([KEY.eventId]);
    expect(await offline.decide(KEY, entry(0), () => reject, AT)).toBe('decided');
    expect(await offline.decide(KEY, entry(1), accept, AT)).toBe('already-decided');
    expect(await offline.listForIdentity(USER)).toEqual([
      expect.objectContaining({ eventId: KEY.eventId, status: 'rejected', reason: 'wrong-pin', message: 'the PIN was wrong', sealed: null, entryId: null, entryNumber: null }),
    ]);
    expect(await entriesOfClient()).toEqual([]);
  });
});
