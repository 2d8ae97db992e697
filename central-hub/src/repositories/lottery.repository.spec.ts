import { openTestStore } from '../../test/support/test-store';
import { checkEntryRules, type EntryChoices } from '../domain/lottery/entry-rules';
import { DEFAULT_SCHEDULE, lotteryTimetable } from '../domain/lottery/schedule';
import { defaultLotterySettings } from '../domain/lottery/settings';
import { generateSlots, type FacilitySpec, type SlotRecord } from '../domain/lottery/slots';
import type { HubStore } from '../storage/hub-store';
import { KyselyFacilityCatalogueRepository } from './facility-catalogue.repository';
import { DemoLotteryClock } from './lottery-clock.repository';
import { KyselyLotteryRepository, type DrawRecord, type EntryAdmission, type NewEntry } from './lottery.repository';
import type { RoundRecord } from './lottery.rows';

/** The lottery's storage on the run's engine (HUB_TEST_ENGINE): the same expectations on SQLite and PostgreSQL. */

const TENNIS: FacilitySpec = {
  facilityId: 'toyonaka-test-tennis',
  municipality: '豊中市',
  name: 'テスト庭球場',
  nameEn: 'Test tennis courts',
  facilityType: 'tennis',
  closedWeekdays: [],
  cancelDeadlineDays: 3,
  units: [
    { unitId: 'toyonaka-test-tennis-c1', name: '1番コート', nameEn: 'Court 1', sports: ['tennis'], slots: [{ start: '09:00', end: '11:00', feeYen: 1200 }] },
    { unitId: 'toyonaka-test-tennis-c2', name: '2番コート', nameEn: 'Court 2', sports: ['tennis'], slots: [{ start: '09:00', end: '11:00', feeYen: 1500 }] },
  ],
};
const USE_MONTH = '2027-01';
const SLOTS = generateSlots(TENNIS, USE_MONTH);
const slotOn = (unit: 'c1' | 'c2', day: string): SlotRecord => {
  const found = SLOTS.find((s) => s.unitId === `toyonaka-test-tennis-${unit}` && s.date === `${USE_MONTH}-${day}`);
  if (!found) throw new Error(`no slot ${unit} ${day}`);
  return found;
};
const ROUND: RoundRecord = {
  roundId: 'toyonaka-tennis-2027-01',
  municipality: '豊中市',
  facilityType: 'tennis',
  useMonth: USE_MONTH,
  kind: 'lottery',
  timetable: lotteryTimetable(DEFAULT_SCHEDULE, USE_MONTH),
  offlineGraceMs: 86_400_000,
  caps: { maxEntries: 2, maxHours: 16, maxWins: 2 },
  seedHex: 'ab'.repeat(32),
  commitmentHex: 'cd'.repeat(32),
  createdAt: '2026-10-20T00:00:00.000Z',
  drawnAt: null,
  resultDigest: null,
  witness: null,
};
const DRAWN_AT = ROUND.timetable.drawAt.toISOString();

let sequence = 0;
const uuid = (): string => `01900000-0000-7000-8000-${(++sequence).toString(16).padStart(12, '0')}`;

describe('lottery storage', () => {
  let store: HubStore;
  let close: () => Promise<void>;
  let lottery: KyselyLotteryRepository;
  let catalogue: KyselyFacilityCatalogueRepository;

  /** A person with one card per user number (several: cards linked to one identity). */
  async function person(identityId: string, ...userNumbers: string[]): Promise<void> {
    await store.db.insertInto('facility_identities').values({ identity_id: identityId, created_at: ROUND.createdAt }).execute();
    for (const userNumber of userNumbers) {
      await store.db
        .insertInto('facility_users')
        .values({ user_number: userNumber, municipality: '豊中市', identity_id: identityId, pin_hash: 'x', registered_at: ROUND.createdAt, expires_on: '2029-10-20' })
        .execute();
    }
  }

  const entry = (userNumber: string, first: SlotRecord, second: SlotRecord | null = null, over: Partial<NewEntry> = {}): NewEntry => ({
    entryId: uuid(),
    entryNumber: String(1_000_000_000 + sequence),
    clientEntryId: uuid(),
    roundId: ROUND.roundId,
    userNumber,
    firstSlotId: first.slotId,
    secondSlotId: second?.slotId ?? null,
    channel: 'online',
    kioskId: null,
    occurredAt: '2026-11-02T00:00:00.000Z',
    acceptedAt: '2026-11-02T00:00:00.000Z',
    ...over,
  });

  const choicesOf = (e: NewEntry): EntryChoices => {
    const span = (slotId: string) => {
      const s = SLOTS.find((x) => x.slotId === slotId) as SlotRecord;
      return { slotId, unitId: s.unitId, date: s.date, start: s.start, end: s.end };
    };
    return { first: span(e.firstSlotId), second: e.secondSlotId ? span(e.secondSlotId) : null };
  };

  /** What LotteryService does: the caps checked and the entry written in one transaction. */
  const admit = (e: NewEntry): Promise<EntryAdmission> =>
    lottery.transaction(async (tx) => {
      const refusal = checkEntryRules(await lottery.activeChoices(e.roundId, e.userNumber, tx), choicesOf(e), ROUND.caps);
      return refusal ? { ok: false, refusal } : lottery.insertEntry(e, tx);
    });

  beforeEach(async () => {
    ({ store, close } = await openTestStore());
    lottery = new KyselyLotteryRepository(store);
    catalogue = new KyselyFacilityCatalogueRepository(store);
    await catalogue.upsertFacilities([TENNIS]);
    expect(await lottery.createRound(ROUND, SLOTS)).toBe(true);
  });

  afterEach(() => close());

  it('keeps a round as created, once, with its slots', async () => {
    expect(await lottery.createRound({ ...ROUND, createdAt: '2026-10-21T00:00:00.000Z' }, SLOTS)).toBe(false);
    expect(await lottery.findRound(ROUND.roundId)).toEqual(ROUND);
    expect(await lottery.findRoundFor('豊中市', 'tennis', USE_MONTH)).toEqual(ROUND);
    expect(await lottery.listRounds('豊中市')).toEqual([ROUND]);
    expect(await lottery.listRounds('吹田市')).toEqual([]);
    expect(await lottery.roundsDueForDraw(new Date(ROUND.timetable.drawAt.getTime() - 1).toISOString())).toEqual([]);
    // Without its witness a round is not due: its draw waits for the officer.
    expect(await lottery.roundsDueForDraw(DRAWN_AT)).toEqual([]);
    const found = await catalogue.findSlots([slotOn('c1', '09').slotId, slotOn('c2', '09').slotId, 'no-such-slot']);
    expect([...found.keys()].sort()).toEqual([slotOn('c1', '09').slotId, slotOn('c2', '09').slotId]);
    expect(found.get(slotOn('c2', '09').slotId)).toMatchObject({ ...slotOn('c2', '09'), facilityId: TENNIS.facilityId, roundId: ROUND.roundId, firstComeFrom: null });
  });

  it('keeps a round\'s witness once: due for its draw from then on, never changed', async () => {
    const witness = { value: 'ロト6 第1950回 03 11 19 24 37 42', source: 'みずほ銀行 ロト6 当せん番号', enteredAt: DRAWN_AT };
    expect(await lottery.enterWitness(ROUND.roundId, witness, 'officer')).toBe('entered');
    expect(await lottery.enterWitness(ROUND.roundId, { ...witness, value: 'another value' }, 'officer')).toBe('refused');
    expect(await lottery.enterWitness('no-such-round', witness, 'officer')).toBe('refused');
    expect(await lottery.findRound(ROUND.roundId)).toEqual({ ...ROUND, witness });
    expect(await lottery.roundsDueForDraw(new Date(ROUND.timetable.drawAt.getTime() - 1).toISOString())).toEqual([]);
    expect(await lottery.roundsDueForDraw(DRAWN_AT)).toEqual([{ ...ROUND, witness }]);
    const row = await store.db.selectFrom('lottery_rounds').select('witness_entered_by').where('round_id', '=', ROUND.roundId).executeTakeFirst();
    expect(row?.witness_entered_by).toBe('officer');
  });

  it('keeps the catalogue and settings, updated in place', async () => {
    await catalogue.upsertFacilities([{ ...TENNIS, name: '新テスト庭球場', units: [...TENNIS.units].reverse() }]);
    const facility = await catalogue.findFacility(TENNIS.facilityId);
    expect(facility).toMatchObject({ name: '新テスト庭球場', closedWeekdays: [], cancelDeadlineDays: 3 });
    expect(facility?.units.map((u) => u.unitId)).toEqual(['toyonaka-test-tennis-c2', 'toyonaka-test-tennis-c1']);
    expect(await catalogue.listFacilities('豊中市')).toEqual([facility]);
    expect(await catalogue.findFacility('nowhere')).toBeUndefined();

    expect(await catalogue.getSettings('豊中市')).toBeUndefined();
    const settings = defaultLotterySettings('豊中市');
    await catalogue.saveSettings(settings, ROUND.createdAt);
    await catalogue.saveSettings({ ...settings, sessionMinutes: 20 }, ROUND.createdAt);
    expect(await catalogue.getSettings('豊中市')).toEqual({ ...settings, sessionMinutes: 20 });
    expect(await catalogue.listSettings()).toEqual([{ ...settings, sessionMinutes: 20 }]);
  });

  it('tells which key an entry found taken, writing nothing', async () => {
    await person('ann', '10000001');
    const first = entry('10000001', slotOn('c1', '09'));
    expect(await lottery.insertEntry(first)).toEqual({ ok: true });
    expect(await lottery.insertEntry({ ...entry('10000001', slotOn('c1', '10')), clientEntryId: first.clientEntryId })).toEqual({ ok: false, conflict: 'client-entry-id' });
    expect(await lottery.insertEntry({ ...entry('10000001', slotOn('c1', '11')), entryNumber: first.entryNumber })).toEqual({ ok: false, conflict: 'entry-number' });
    expect(await lottery.listEntriesForIdentity('10000001')).toHaveLength(1);
    expect(await lottery.findEntryByClientId(first.clientEntryId)).toMatchObject({ entryId: first.entryId, identityId: 'ann', status: 'active', bookingStatus: null });
  });

  it('counts the entries of every card of a person against the caps', async () => {
    await person('ben', '20000001', '20000002');
    expect(await admit(entry('20000001', slotOn('c1', '09')))).toEqual({ ok: true });
    expect(await admit(entry('20000002', slotOn('c1', '09')))).toEqual({ ok: false, refusal: { reason: 'duplicate-slot', slotId: slotOn('c1', '09').slotId } });
    expect(await admit(entry('20000002', slotOn('c1', '10')))).toEqual({ ok: true });
    expect(await admit(entry('20000002', slotOn('c1', '11')))).toEqual({ ok: false, refusal: { reason: 'entry-cap', limit: 2 } });
    expect(await lottery.activeChoices(ROUND.roundId, '20000001')).toHaveLength(2);
    const listed = await lottery.listEntriesForIdentity('20000001');
    expect(listed.map((e) => e.userNumber).sort()).toEqual(['20000001', '20000002']);
    // Cancelled entries no longer count.
    expect(await lottery.cancelEntry(listed[0]?.entryId ?? '', '2026-11-03T00:00:00.000Z')).toBe(true);
    expect(await lottery.cancelEntry(listed[0]?.entryId ?? '', '2026-11-03T00:00:00.000Z')).toBe(false);
    expect(await admit(entry('20000001', slotOn('c1', '11')))).toEqual({ ok: true });
  });

  it('admits only what the caps allow when a person enters from several terminals at once', async () => {
    await person('cat', '30000001', '30000002', '30000003');
    const outcomes = await Promise.all([
      admit(entry('30000001', slotOn('c1', '12'))),
      admit(entry('30000002', slotOn('c1', '13'))),
      admit(entry('30000003', slotOn('c1', '14'))),
    ]);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(ROUND.caps.maxEntries);
    expect(outcomes.filter((o) => !o.ok)).toEqual([{ ok: false, refusal: { reason: 'entry-cap', limit: 2 } }]);
    expect(await lottery.activeChoices(ROUND.roundId, '30000001')).toHaveLength(2);
  });

  describe('the draw', () => {
    let dan: NewEntry;
    let eve: NewEntry;
    const s1 = slotOn('c1', '20');
    const s2 = slotOn('c2', '20');

    /** Dan wins s1; Eve (1st choice s1, 2nd choice s2) is s1's alternate and loses. */
    const drawRecord = (bookingId: string, over: Partial<DrawRecord> = {}): DrawRecord => ({
      roundId: ROUND.roundId,
      drawnAt: DRAWN_AT,
      resultDigest: 'ef'.repeat(32),
      publishedJson: '{"format":"test"}',
      entryIds: [dan.entryId, eve.entryId],
      voidedEntryIds: [],
      results: [
        { entryId: dan.entryId, result: 'won-first', wonSlotId: s1.slotId },
        { entryId: eve.entryId, result: 'lost', wonSlotId: null },
      ],
      ranks: [
        { slotId: s1.slotId, position: 0, entryId: dan.entryId, choice: 1, won: true },
        { slotId: s1.slotId, position: 1, entryId: eve.entryId, choice: 1, won: false },
      ],
      holds: [{ bookingId, bookingNumber: dan.entryNumber, slotId: s1.slotId, userNumber: dan.userNumber, entryId: dan.entryId, feeYen: s1.feeYen }],
      ...over,
    });

    beforeEach(async () => {
      await person('dan', '40000001');
      await person('eve', '50000001');
      dan = entry('40000001', s1);
      eve = entry('50000001', s1, s2, { acceptedAt: '2026-11-02T00:00:01.000Z' });
      expect(await lottery.insertEntry(dan)).toEqual({ ok: true });
      expect(await lottery.insertEntry(eve)).toEqual({ ok: true });
    });

    it('snapshots the active entries oldest first, and writes nothing over changed entries', async () => {
      expect(await lottery.drawSnapshot(ROUND.roundId)).toEqual([
        { entryId: dan.entryId, entryNumber: dan.entryNumber, userNumber: dan.userNumber, identityId: 'dan', first: s1.slotId, second: null },
        { entryId: eve.entryId, entryNumber: eve.entryNumber, userNumber: eve.userNumber, identityId: 'eve', first: s1.slotId, second: s2.slotId },
      ]);
      expect(await lottery.recordDraw(drawRecord(uuid(), { entryIds: [dan.entryId] }))).toBe('entries-changed');
      expect((await lottery.findRound(ROUND.roundId))?.drawnAt).toBeNull();
      expect(await lottery.publishedDraw(ROUND.roundId)).toBeUndefined();
      expect((await lottery.findEntry(dan.entryId))?.result).toBeNull();
    });

    it('records a draw exactly once when two draws race', async () => {
      const outcomes = await Promise.all([lottery.recordDraw(drawRecord(uuid())), lottery.recordDraw(drawRecord(uuid()))]);
      expect(outcomes.sort()).toEqual(['already-drawn', 'recorded']);
      expect(await lottery.recordDraw(drawRecord(uuid()))).toBe('already-drawn');
      expect(await lottery.findRound(ROUND.roundId)).toMatchObject({ drawnAt: DRAWN_AT, resultDigest: 'ef'.repeat(32) });
      expect(await lottery.publishedDraw(ROUND.roundId)).toBe('{"format":"test"}');
      expect(await lottery.roundsDueForDraw(DRAWN_AT)).toEqual([]);
      const bookings = await store.db.selectFrom('facility_bookings').select(['entry_id', 'status']).execute();
      expect(bookings).toEqual([{ entry_id: dan.entryId, status: 'held' }]);
      const ranks = await store.db.selectFrom('lottery_ranks').select(['position', 'entry_id', 'won']).orderBy('position').execute();
      expect(ranks).toEqual([
        { position: 0, entry_id: dan.entryId, won: 1 },
        { position: 1, entry_id: eve.entryId, won: 0 },
      ]);
      expect(await lottery.findEntry(dan.entryId)).toMatchObject({ result: 'won-first', wonSlotId: s1.slotId, bookingStatus: 'held', confirmBy: null });
      expect(await lottery.findEntry(eve.entryId)).toMatchObject({ result: 'lost', bookingStatus: null });
    });

    it('voids merged duplicates with the draw', async () => {
      const record = drawRecord(uuid(), {
        voidedEntryIds: [eve.entryId],
        results: [{ entryId: dan.entryId, result: 'won-first', wonSlotId: s1.slotId }],
        ranks: [{ slotId: s1.slotId, position: 0, entryId: dan.entryId, choice: 1, won: true }],
      });
      expect(await lottery.recordDraw(record)).toBe('recorded');
      expect(await lottery.findEntry(eve.entryId)).toMatchObject({ status: 'void', result: null });
    });

    it('passes a declined win to the next alternate, and releases holds past their deadline', async () => {
      expect(await lottery.recordDraw(drawRecord(uuid()))).toBe('recorded');
      const at = ROUND.timetable.resultsAt.toISOString();
      expect(await lottery.decideWin(dan.entryId, 'declined', at, uuid)).toBe(true);
      expect(await lottery.decideWin(dan.entryId, 'confirmed', at, uuid)).toBe(false);
      expect(await lottery.findEntry(dan.entryId)).toMatchObject({ bookingStatus: 'declined' });
      const promoted = await lottery.findEntry(eve.entryId);
      expect(promoted).toMatchObject({ result: 'won-first', wonSlotId: s1.slotId, bookingStatus: 'held' });
      expect(promoted?.confirmBy).toEqual(expect.any(String));

      // Before its own deadline nothing is due; after it, the hold is released and no alternate is left.
      expect(await lottery.releaseExpiredHolds(at, uuid)).toEqual({ released: 0, promoted: 0 });
      const late = new Date(Date.parse(promoted?.confirmBy ?? '') + 1).toISOString();
      expect(await lottery.releaseExpiredHolds(late, uuid)).toEqual({ released: 1, promoted: 0 });
      expect(await lottery.findEntry(eve.entryId)).toMatchObject({ bookingStatus: 'released' });
      const [slot] = (await catalogue.findSlots([s1.slotId])).values();
      expect(slot?.firstComeFrom).toEqual(expect.any(String));
    });

    it('shows each slot\'s live booking in the availability', async () => {
      expect(await lottery.recordDraw(drawRecord(uuid()))).toBe('recorded');
      const day = await catalogue.availability(TENNIS.facilityId, s1.date, s1.date);
      expect(day.map((a) => [a.slot.slotId, a.live, a.liveConfirmBy])).toEqual([
        [s1.slotId, 'held', null],
        [s2.slotId, null, null],
      ]);
      await lottery.decideWin(dan.entryId, 'confirmed', ROUND.timetable.resultsAt.toISOString(), uuid);
      expect((await catalogue.availability(TENNIS.facilityId, s1.date, s1.date))[0]?.live).toBe('confirmed');
    });
  });

  it('keeps the demo clock\'s offset across a restart, and only moves it forwards', async () => {
    const base = { now: () => new Date('2026-11-01T00:00:00.000Z') };
    const clock = await DemoLotteryClock.open(base, store);
    expect(clock.offset).toBe(0);
    expect(await clock.advanceTo(new Date('2026-12-01T00:00:00.000Z'))).toEqual({ from: base.now(), to: new Date('2026-12-01T00:00:00.000Z') });
    expect(await clock.advanceTo(new Date('2026-11-15T00:00:00.000Z'))).toEqual({ from: new Date('2026-12-01T00:00:00.000Z'), to: new Date('2026-12-01T00:00:00.000Z') });
    const reopened = await DemoLotteryClock.open(base, store);
    expect(reopened.now()).toEqual(new Date('2026-12-01T00:00:00.000Z'));
  });
});
