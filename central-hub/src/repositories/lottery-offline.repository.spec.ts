import { SEED_ROUND_ID, seedRound, seedSlot, seedUser } from '../../test/lottery/support/store-seed';
import { openTestStore } from '../../test/support/test-store';
import { KyselyFacilityUsersRepository } from './facility-users.repository';
import { KyselyLotteryRepository, type NewEntry } from './lottery.repository';
import { KyselyLotteryOfflineRepository, type ProvisionalKey } from './lottery-offline.repository';

/** Provisional entries against a real store on this run's engine: each is claimed for judging exactly once. */
describe('LotteryOfflineRepository', () => {
  const SLOT = 'toyonaka-nobata-tennis-c1@2026-12-05T0900';
  const USER = '12345678';
  const KEY: ProvisionalKey = { kioskId: 'kiosk-1', eventId: 'event-1' };
  const AT = '2026-10-05T02:00:00.000Z';
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let offline: KyselyLotteryOfflineRepository;
  let users: KyselyFacilityUsersRepository;
  let lottery: KyselyLotteryRepository;

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

  const provisional = async (key: ProvisionalKey = KEY) =>
    opened.store.db.selectFrom('lottery_provisional_entries').selectAll().where('kiosk_id', '=', key.kioskId).where('event_id', '=', key.eventId).executeTakeFirstOrThrow();
  const addPending = async (key: ProvisionalKey, offlineSessionId: string | null) =>
    opened.store.db
      .insertInto('lottery_provisional_entries')
      .values({
        kiosk_id: key.kioskId, event_id: key.eventId, client_entry_id: `client-${key.eventId}`, user_number: USER, round_id: SEED_ROUND_ID,
        first_slot_id: SLOT, second_slot_id: null, occurred_at: '2026-10-05T01:00:00.000Z', received_at: `2026-10-05T01:30:0${key.eventId.slice(-1)}.000Z`,
        key_id: 'key-1', sealed_pin: 'sealed', offline_session_id: offlineSessionId, status: 'pending',
      })
      .execute();

  beforeEach(async () => {
    opened = await openTestStore();
    const { db } = opened.store;
    await seedRound(db, { confirmClosesAt: '2026-10-20T15:00:00.000Z', firstComeOpensAt: '2026-10-21T03:00:00.000Z' });
    await seedSlot(db, SLOT);
    await seedUser(db, USER, { failedAttempts: 2, lockedUntil: null });
    await addPending(KEY, 'session-1');
    offline = new KyselyLotteryOfflineRepository(opened.store);
    users = new KyselyFacilityUsersRepository(opened.store);
    lottery = new KyselyLotteryRepository(opened.store);
  });

  afterEach(async () => {
    await opened.close();
  });

  /** One judge's unit of work, as the service runs it: claim, read, write the entry and the outcome. */
  const judgeAccepting = (i: number) =>
    offline.transaction(async (tx) => {
      if (!(await offline.claimPending(KEY, tx))) return false;
      const held = await users.holdPinState(USER, tx);
      if (held) await users.writePinState(USER, { failedAttempts: 0, lockedUntil: null }, tx);
      await offline.recordSessionPin(KEY, 'right', tx);
      const inserted = await lottery.insertEntry(entry(i), tx);
      if (!inserted.ok) throw new Error(`entry ${i} not inserted: ${inserted.conflict}`);
      await offline.markAccepted(KEY, entry(i).entryId, AT, tx);
      return true;
    });

  it('lets exactly one of 6 concurrent judges claim a pending entry (a pool of connections on PostgreSQL)', async () => {
    const judged = await Promise.all(Array.from({ length: 6 }, (_, i) => judgeAccepting(i)));
    expect(judged.filter(Boolean)).toHaveLength(1);
    const accepted = await provisional();
    expect(accepted).toMatchObject({ status: 'accepted', sealed_pin: null, pin_ok: 1, decided_at: AT });
    const entries = await opened.store.db.selectFrom('lottery_entries').select('entry_id').where('client_entry_id', '=', 'client-entry-1').execute();
    expect(entries).toEqual([{ entry_id: accepted.entry_id }]);
    expect(await offline.pending(10)).toEqual([]);
    expect(await offline.transaction((tx) => offline.claimPending(KEY, tx))).toBe(false);
  });

  it('rolls a judgement back whole when it throws: the entry stays pending and the PIN state unchanged', async () => {
    const judging = offline.transaction(async (tx) => {
      expect(await offline.claimPending(KEY, tx)).toBe(true);
      await users.writePinState(USER, { failedAttempts: 3, lockedUntil: null }, tx);
      await offline.recordSessionPin(KEY, 'wrong', tx);
      throw new Error('entry number taken');
    });
    await expect(judging).rejects.toThrow('entry number taken');
    expect(await provisional()).toMatchObject({ status: 'pending', sealed_pin: 'sealed', pin_ok: null });
    expect((await users.findByNumber(USER))?.pin.failedAttempts).toBe(2);
  });

  it('reads what judging needs: the entry a client id names, and the PIN verdict of the same offline sign-in', async () => {
    const second: ProvisionalKey = { kioskId: KEY.kioskId, eventId: 'event-2' };
    await addPending(second, 'session-1');
    await offline.transaction(async (tx) => {
      expect(await offline.entryWithClientId('client-entry-1', tx)).toBeUndefined();
      expect(await offline.sessionPin(USER, 'session-1', tx)).toBeNull();
    });
    expect(await judgeAccepting(0)).toBe(true);
    await offline.transaction(async (tx) => {
      expect(await offline.entryWithClientId('client-entry-1', tx)).toEqual({ entryId: 'entry-0', userNumber: USER, firstSlotId: SLOT, secondSlotId: null });
      expect(await offline.sessionPin(USER, 'session-1', tx)).toBe('right');
      expect(await offline.sessionPin(USER, 'session-2', tx)).toBeNull();
      // A wrong verdict of the same sign-in wins over a right one.
      await offline.recordSessionPin(second, 'wrong', tx);
      expect(await offline.sessionPin(USER, 'session-1', tx)).toBe('wrong');
    });
  });

  it('records a rejection with its reason, erases the sealed PIN, and lists it for the person with their accepted ones', async () => {
    const second: ProvisionalKey = { kioskId: KEY.kioskId, eventId: 'event-2' };
    await addPending(second, null);
    expect((await offline.pending(10)).map((record) => record.eventId)).toEqual(['event-1', 'event-2']);
    expect(await judgeAccepting(0)).toBe(true);
    await offline.transaction(async (tx) => {
      expect(await offline.claimPending(second, tx)).toBe(true);
      await offline.markRejected(second, { reason: 'wrong-pin', message: 'the PIN was wrong' }, AT, tx);
    });
    expect(await offline.listForIdentity(USER)).toEqual([
      expect.objectContaining({ eventId: 'event-2', status: 'rejected', reason: 'wrong-pin', message: 'the PIN was wrong', sealed: null, entryId: null, entryNumber: null }),
      expect.objectContaining({ eventId: 'event-1', status: 'accepted', entryId: 'entry-0', entryNumber: entry(0).entryNumber, sealed: null, reason: null }),
    ]);
    expect(await offline.listForIdentity('87654321')).toEqual([]);
  });
});
