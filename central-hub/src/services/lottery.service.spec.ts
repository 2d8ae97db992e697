import { silentLogger } from '../../test/support/silent-logger';
import { strictMock } from '../../test/support/strict-mock';
import { ManualClock } from '../../test/support/manual-clock';
import { DEFAULT_SCHEDULE, lotteryTimetable } from '../domain/lottery/schedule';
import type { ProtocolException } from '../errors';
import type { FacilityCatalogueRepository } from '../repositories/facility-catalogue.repository';
import type { EntryRecord, LotteryRepository } from '../repositories/lottery.repository';
import type { RoundRecord, SlotInfo } from '../repositories/lottery.rows';
import type { Random } from '../repositories/random.repository';
import type { Tx } from '../storage/hub-store';
import { LotteryService } from './lottery.service';

const round: RoundRecord = {
  roundId: 'toyonaka-tennis-2027-01',
  municipality: '豊中市',
  facilityType: 'tennis',
  useMonth: '2027-01',
  kind: 'lottery',
  timetable: lotteryTimetable(DEFAULT_SCHEDULE, '2027-01'),
  offlineGraceMs: 86_400_000,
  caps: { maxEntries: 4, maxHours: 16, maxWins: 2 },
  seedHex: 'ab'.repeat(32),
  commitmentHex: 'cd'.repeat(32),
  createdAt: '2026-10-20T00:00:00.000Z',
  drawnAt: null,
  resultDigest: null,
  witness: null,
};
const slot = (id: string, over: Partial<SlotInfo> = {}): SlotInfo => ({
  slotId: id,
  unitId: id.split('@')[0] ?? id,
  date: '2027-01-09',
  start: '09:00',
  end: '11:00',
  startsAt: '2027-01-09T00:00:00.000Z',
  endsAt: '2027-01-09T02:00:00.000Z',
  feeYen: 1200,
  facilityId: 'toyonaka-nobata-tennis',
  facilityType: 'tennis',
  municipality: '豊中市',
  roundId: round.roundId,
  cancelDeadlineDays: 3,
  ...over,
});
const FIRST = 'toyonaka-nobata-tennis-c1@2027-01-09T0900';
const SECOND = 'toyonaka-nobata-tennis-c2@2027-01-09T0900';
const principal = { userNumber: '12345674', identityId: 'identity-1', municipality: '豊中市' as const };
const entryId = '01900000-0000-7000-8000-000000000001';
const clientEntryId = '01900000-0000-7000-8000-0000000000c1';
const stored: EntryRecord = {
  entryId,
  entryNumber: '1234567890',
  clientEntryId,
  roundId: round.roundId,
  userNumber: principal.userNumber,
  identityId: principal.identityId,
  firstSlotId: FIRST,
  secondSlotId: null,
  channel: 'online',
  kioskId: null,
  occurredAt: '2026-11-02T00:00:00.000Z',
  acceptedAt: '2026-11-02T00:00:00.000Z',
  status: 'active',
  result: null,
  wonSlotId: null,
  bookingStatus: null,
  confirmBy: null,
};

describe('LotteryService', () => {
  const clock = new ManualClock('2026-11-02T00:00:00.000Z'); // Nov 2, 09:00 JST: the window is open
  let lottery: ReturnType<typeof strictMock<LotteryRepository>>;
  let catalogue: ReturnType<typeof strictMock<FacilityCatalogueRepository>>;
  let random: ReturnType<typeof strictMock<Random>>;
  let service: LotteryService;
  const codeOf = (promise: Promise<unknown>) => promise.then(() => 'accepted', (e: unknown) => (e as ProtocolException).code);

  beforeEach(() => {
    lottery = strictMock<LotteryRepository>('LotteryRepository');
    catalogue = strictMock<FacilityCatalogueRepository>('FacilityCatalogueRepository');
    random = strictMock<Random>('Random');
    service = new LotteryService(lottery, catalogue, clock, random, silentLogger());
    random.uuidv7.mockReturnValue(entryId);
    random.bytes.mockReturnValue(Buffer.from([0, 0, 0, 0, 1]));
    lottery.findRound.mockResolvedValue(round);
    // The unit of work runs the service's work at once, on a transaction the mocks never look into.
    lottery.transaction.mockImplementation((work) => work({} as Tx));
    lottery.activeChoices.mockResolvedValue([]);
  });

  it('answers a retried entry with the stored one, touching nothing else', async () => {
    lottery.findEntryByClientId.mockResolvedValue(stored);
    expect((await service.submitEntry(principal, { clientEntryId, firstSlotId: FIRST })).entryId).toBe(entryId);
    expect(lottery.insertEntry).not.toHaveBeenCalled();
  });

  it('refuses a reused client entry id with other content', async () => {
    lottery.findEntryByClientId.mockResolvedValue(stored);
    expect(await codeOf(service.submitEntry(principal, { clientEntryId, firstSlotId: SECOND }))).toBe('idempotency_conflict');
    expect(await codeOf(service.submitEntry({ ...principal, userNumber: '76543217' }, { clientEntryId, firstSlotId: FIRST }))).toBe('idempotency_conflict');
  });

  it('treats losing the insert race to the same entry as a retry', async () => {
    lottery.findEntryByClientId.mockResolvedValueOnce(undefined).mockResolvedValueOnce(stored);
    catalogue.findSlots.mockResolvedValue(new Map([[FIRST, slot(FIRST)]]));
    lottery.insertEntry.mockResolvedValue({ ok: false, conflict: 'client-entry-id' });
    expect((await service.submitEntry(principal, { clientEntryId, firstSlotId: FIRST })).entryId).toBe(entryId);
  });

  it('draws another entry number when one is taken', async () => {
    lottery.findEntryByClientId.mockResolvedValue(undefined);
    catalogue.findSlots.mockResolvedValue(new Map([[FIRST, slot(FIRST)]]));
    lottery.insertEntry.mockResolvedValueOnce({ ok: false, conflict: 'entry-number' }).mockResolvedValueOnce({ ok: true });
    lottery.findEntry.mockResolvedValue(stored);
    await service.submitEntry(principal, { clientEntryId, firstSlotId: FIRST });
    expect(lottery.insertEntry).toHaveBeenCalledTimes(2);
    expect(lottery.insertEntry.mock.calls[0]?.[0]).toMatchObject({ entryNumber: '1000000001', channel: 'online', occurredAt: '2026-11-02T00:00:00.000Z' });
  });

  it('checks the caps against the person\'s entries inside the transaction that writes the entry', async () => {
    const tx = { unitOfWork: 'entry' } as unknown as Tx;
    lottery.transaction.mockImplementation((work) => work(tx));
    lottery.findEntryByClientId.mockResolvedValue(undefined);
    catalogue.findSlots.mockResolvedValue(new Map([[FIRST, slot(FIRST)]]));
    const held = slot(FIRST);
    lottery.activeChoices.mockResolvedValue([{ first: { slotId: FIRST, unitId: held.unitId, date: held.date, start: held.start, end: held.end }, second: null }]);
    expect(await codeOf(service.submitEntry(principal, { clientEntryId, firstSlotId: FIRST }))).toBe('duplicate_entry');
    expect(lottery.activeChoices).toHaveBeenCalledWith(round.roundId, principal.userNumber, tx);
    expect(lottery.insertEntry).not.toHaveBeenCalled();

    lottery.activeChoices.mockResolvedValue([]);
    lottery.insertEntry.mockResolvedValue({ ok: true });
    lottery.findEntry.mockResolvedValue(stored);
    await service.submitEntry(principal, { clientEntryId, firstSlotId: FIRST });
    expect(lottery.insertEntry).toHaveBeenCalledWith(expect.objectContaining({ clientEntryId, roundId: round.roundId }), tx);
  });

  it.each([
    ['another municipality', { municipality: '吹田市' as const }, undefined, 'slot_unavailable'],
    ['a 2nd choice in another round', {}, slot(SECOND, { roundId: 'toyonaka-tennis-2027-02' }), 'invalid_message'],
  ])('refuses %s before writing anything', async (_what, firstOver, second, code) => {
    lottery.findEntryByClientId.mockResolvedValue(undefined);
    const slots = new Map([[FIRST, slot(FIRST, firstOver)]]);
    if (second) slots.set(SECOND, second);
    catalogue.findSlots.mockResolvedValue(slots);
    expect(await codeOf(service.submitEntry(principal, { clientEntryId, firstSlotId: FIRST, secondSlotId: second ? SECOND : undefined }))).toBe(code);
    expect(lottery.insertEntry).not.toHaveBeenCalled();
  });

  it('refuses an unknown slot and a month without a lottery', async () => {
    lottery.findEntryByClientId.mockResolvedValue(undefined);
    catalogue.findSlots.mockResolvedValue(new Map());
    expect(await codeOf(service.submitEntry(principal, { clientEntryId, firstSlotId: FIRST }))).toBe('not_found');
    catalogue.findSlots.mockResolvedValue(new Map([[FIRST, slot(FIRST)]]));
    lottery.findRound.mockResolvedValue({ ...round, kind: 'first-come-only', seedHex: null, commitmentHex: null });
    expect(await codeOf(service.submitEntry(principal, { clientEntryId, firstSlotId: FIRST }))).toBe('outside_window');
    expect(lottery.insertEntry).not.toHaveBeenCalled();
  });

  it('hides someone else’s entry as not found', async () => {
    lottery.findEntry.mockResolvedValue({ ...stored, identityId: 'identity-2' });
    expect(await codeOf(service.cancelEntry(principal, entryId))).toBe('not_found');
    expect(await codeOf(service.confirm(principal, entryId))).toBe('not_found');
  });
});
