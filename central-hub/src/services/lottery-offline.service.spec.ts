import pino from 'pino';
import { sealPin } from '../domain/lottery/offline-seal';
import { SeededRandom, SettableClock, clientId, testOfflineKey } from '../../test/lottery/support';
import { SEED_ROUND_ID, seedRound, seedSlot } from '../../test/lottery/support/store-seed';
import { openTestStore } from '../../test/support/test-store';
import { KyselyFacilityCatalogueRepository } from '../repositories/facility-catalogue.repository';
import { KyselyFacilityUsersRepository } from '../repositories/facility-users.repository';
import { HubLotteryClock } from '../repositories/lottery-clock.repository';
import { fixedOfflineEntryKeys } from '../repositories/lottery-offline-key.repository';
import { KyselyLotteryOfflineRepository } from '../repositories/lottery-offline.repository';
import { KyselyLotteryRepository } from '../repositories/lottery.repository';
import type { HubStore } from '../storage/hub-store';
import { FacilityUsersService } from './facility-users.service';
import { LotteryOfflineService } from './lottery-offline.service';

/**
 * Offline entries judged by two hubs at once (two services, their own repositories, one database):
 * on PostgreSQL truly concurrent on the pool. Each entry is judged exactly once, and the PIN attempts
 * they count add up as if judged one after another.
 */
describe('LotteryOfflineService judging on two hubs at once', () => {
  const NOW = '2026-10-05T03:00:00.000Z';
  const SLOTS = [1, 2, 3, 4, 5, 6].map((n) => `toyonaka-nobata-tennis-c1@2026-12-0${n}T0900`);
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let hubs: LotteryOfflineService[];
  let userNumber: string;

  const hub = (store: HubStore, seed: string) =>
    new LotteryOfflineService(
      new KyselyLotteryOfflineRepository(store),
      new KyselyLotteryRepository(store),
      new KyselyFacilityCatalogueRepository(store),
      new KyselyFacilityUsersRepository(store),
      fixedOfflineEntryKeys(testOfflineKey()),
      new HubLotteryClock(new SettableClock(NOW)),
      new SeededRandom(seed),
      pino({ level: 'silent' }),
    );

  /** A pending provisional entry for `slotId`, its PIN sealed to the hubs' key as a terminal seals it. */
  const receive = async (i: number, slotId: string, pin: string) => {
    const clientEntryId = clientId();
    const sealed = sealPin(testOfflineKey().published, { v: 1, pin, userNumber, clientEntryId });
    await opened.store.db
      .insertInto('lottery_provisional_entries')
      .values({
        kiosk_id: 'kiosk-1', event_id: `event-${i}`, client_entry_id: clientEntryId, user_number: userNumber, round_id: SEED_ROUND_ID,
        first_slot_id: slotId, second_slot_id: null, occurred_at: '2026-10-05T02:00:00.000Z', received_at: `2026-10-05T02:30:0${i}.000Z`,
        key_id: sealed.keyId, sealed_pin: sealed.ciphertext, offline_session_id: null, status: 'pending',
      })
      .execute();
    return clientEntryId;
  };
  const judgeOnBothHubs = async () => (await Promise.all(hubs.map((h) => h.judgePending()))).reduce((a, b) => a + b, 0);
  const outcomes = () =>
    opened.store.db.selectFrom('lottery_provisional_entries').select(['client_entry_id', 'status', 'reason', 'entry_id']).orderBy('received_at').execute();

  beforeEach(async () => {
    opened = await openTestStore();
    const { db, engine } = opened.store;
    await seedRound(db, { confirmClosesAt: '2026-10-20T15:00:00.000Z', firstComeOpensAt: '2026-10-21T03:00:00.000Z' });
    for (const [n, slotId] of SLOTS.entries()) await seedSlot(db, slotId, `2026-12-0${n + 1}`);
    const users = new FacilityUsersService(
      new KyselyFacilityUsersRepository(opened.store),
      new KyselyFacilityCatalogueRepository(opened.store),
      new SettableClock(NOW),
      new SeededRandom(`offline-service-${engine}`),
      pino({ level: 'silent' }),
    );
    ({ userNumber } = await users.register({ municipality: '豊中市', pin: '2468' }));
    hubs = [hub(opened.store, 'hub-a'), hub(opened.store, 'hub-b')];
  });

  afterEach(async () => {
    await opened.close();
  });

  it('judges each pending entry once: one entry per client id, whichever hub judged it', async () => {
    const clientEntryIds = [await receive(1, SLOTS[0] ?? '', '2468'), await receive(2, SLOTS[1] ?? '', '2468')];
    expect(await judgeOnBothHubs()).toBe(2);
    expect((await outcomes()).map((row) => row.status)).toEqual(['accepted', 'accepted']);
    const entries = await opened.store.db.selectFrom('lottery_entries').select(['client_entry_id', 'channel']).where('client_entry_id', 'in', clientEntryIds).execute();
    expect(entries.map((row) => row.client_entry_id).sort()).toEqual([...clientEntryIds].sort());
    expect(entries.every((row) => row.channel === 'offline')).toBe(true);
    expect(await judgeOnBothHubs()).toBe(0);
  });

  it('counts the wrong PINs of six entries judged at once like a sign-in does: five wrong, then locked', async () => {
    for (const [i, slotId] of SLOTS.entries()) await receive(i + 1, slotId, '1357');
    expect(await judgeOnBothHubs()).toBe(6);
    const reasons = (await outcomes()).map((row) => row.reason).sort();
    expect(reasons).toEqual(['account-locked', 'wrong-pin', 'wrong-pin', 'wrong-pin', 'wrong-pin', 'wrong-pin']);
    const user = await opened.store.db.selectFrom('facility_users').select(['failed_pin_attempts', 'locked_until']).where('user_number', '=', userNumber).executeTakeFirstOrThrow();
    expect(user).toEqual({ failed_pin_attempts: 5, locked_until: '2026-10-05T03:30:00.000Z' });
    expect(await opened.store.db.selectFrom('lottery_entries').select('entry_id').execute()).toEqual([]);
  });
});
