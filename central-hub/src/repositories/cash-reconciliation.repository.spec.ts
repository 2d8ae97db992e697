import { openTestStore } from '../../test/support/test-store';
import { KyselyCashReconciliationRepository } from './cash-reconciliation.repository';

const txA = '019abcde-f012-7345-8678-9abcdef0a001';
const txB = '019abcde-f012-7345-8678-9abcdef0b002';
const txC = '019abcde-f012-7345-8678-9abcdef0c003';
const collectCommand = '019abcde-f012-7345-8678-9abcdef0d004';

/** One kiosk's events: a credit, a collection, a sale with change paid and a voucher, a collection, a credit. */
const EVENTS: Array<{ seq: number; type: string; at: string; payload: object }> = [
  { seq: 1, type: 'cash.credit', at: '2026-12-01T01:00:00.000Z', payload: { transactionId: txA, coinYen: 100 } },
  { seq: 2, type: 'cash.collected', at: '2026-12-01T02:00:00.000Z', payload: { commandId: collectCommand, recordedCoins: 1, recordedYen: 100 } },
  { seq: 3, type: 'cash.credit', at: '2026-12-01T03:00:00.000Z', payload: { transactionId: txA, coinYen: 100 } },
  { seq: 4, type: 'cash.credit', at: '2026-12-01T04:00:00.000Z', payload: { transactionId: txB, coinYen: 500 } },
  { seq: 5, type: 'cash.payout', at: '2026-12-01T04:00:01.000Z', payload: { transactionId: txB, amountYen: 200, reason: 'change' } },
  { seq: 6, type: 'cash.voucher', at: '2026-12-01T04:00:02.000Z', payload: { transactionId: txB, amountYen: 100, reason: 'change' } },
  { seq: 7, type: 'cash.collected', at: '2026-12-02T02:00:00.000Z', payload: { commandId: collectCommand, countedYen: 500, recordedCoins: 2, recordedYen: 600 } },
  { seq: 8, type: 'cash.credit', at: '2026-12-02T03:00:00.000Z', payload: { transactionId: txC, coinYen: 10 } },
];

/** The cash report's reads on a real store of this run's engine. */
describe('KyselyCashReconciliationRepository', () => {
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let cash: KyselyCashReconciliationRepository;

  beforeEach(async () => {
    opened = await openTestStore();
    cash = new KyselyCashReconciliationRepository(opened.store);
    const db = opened.store.db;
    const kiosk = (kioskId: string, municipality: string, publicKey: string | null) => ({
      kiosk_id: kioskId, name: kioskId, municipality, site: `${municipality}役所`, kind: 'certificate-kiosk', public_key: publicKey, created_at: '2026-11-30T00:00:00.000Z',
    });
    await db.insertInto('kiosks').values([kiosk('kiosk-a', '豊中市', 'key-a'), kiosk('kiosk-b', '吹田市', 'key-b'), kiosk('kiosk-new', '豊中市', null)]).execute();
    // Held through seq 6: the collection at seq 7 is not complete yet.
    await db.updateTable('kiosks').set({ acked_through_seq: 6 }).where('kiosk_id', '=', 'kiosk-a').execute();
    await db
      .insertInto('events')
      .values(EVENTS.map((e) => ({ kiosk_id: 'kiosk-a', event_id: `e-${e.seq}`, seq: e.seq, type: e.type, occurred_at: e.at, payload_json: JSON.stringify(e.payload), received_at: e.at })))
      .execute();
    // The ledger knows A and B (not C: its first credit is then taken to be in the period).
    await db
      .insertInto('cash_ledger')
      .values([1, 3, 4].map((seq) => ({ kiosk_id: 'kiosk-a', event_id: `e-${seq}`, transaction_id: seq === 4 ? txB : txA, direction: 'credit', amount_yen: seq === 4 ? 500 : 100, occurred_at: '2026-12-01T00:00:00.000Z' })))
      .execute();
    const fee = (transactionId: string, kind: string, amountYen: number) => ({ kind, transaction_id: transactionId, kiosk_id: 'kiosk-a', amount_yen: amountYen, occurred_at: '2026-12-01T00:00:00.000Z' });
    await db.insertInto('certificate_ledger').values([fee(txA, 'payment', 200), fee(txB, 'payment', 300), fee(txB, 'refund', 50)]).execute();
  });

  afterEach(async () => {
    await opened.close();
  });

  it('lists the collections in a range, each with the collection before it, within a municipality', async () => {
    const all = await cash.collections(null, '2026-12-01T00:00:00.000Z', '2026-12-03T00:00:00.000Z');
    expect(all.map((c) => [c.kioskId, c.seq, c.previousSeq, c.previousCollectedAt, c.recordedYen, c.countedYen])).toEqual([
      ['kiosk-a', 2, 0, null, 100, null],
      ['kiosk-a', 7, 2, '2026-12-01T02:00:00.000Z', 600, 500],
    ]);
    expect(all[1]).toMatchObject({ municipality: '豊中市', site: '豊中市役所', eventId: 'e-7', collectedAt: '2026-12-02T02:00:00.000Z' });
    expect((await cash.collections('豊中市', '2026-12-02T00:00:00.000Z', '2026-12-02T02:00:00.001Z')).map((c) => c.seq)).toEqual([7]);
    expect(await cash.collections('吹田市', '2026-12-01T00:00:00.000Z', '2026-12-03T00:00:00.000Z')).toEqual([]);
  });

  it('opens a period after each enrolled kiosk’s last collection', async () => {
    expect(await cash.openPeriods(null)).toEqual([
      { kioskId: 'kiosk-a', municipality: '豊中市', site: '豊中市役所', afterSeq: 7, startedAt: '2026-12-02T02:00:00.000Z', startHoppers: null },
      { kioskId: 'kiosk-b', municipality: '吹田市', site: '吹田市役所', afterSeq: 0, startedAt: null, startHoppers: null },
    ]);
    expect((await cash.openPeriods('吹田市')).map((p) => p.kioskId)).toEqual(['kiosk-b']);
  });

  it('gives a period its movements and the fees of the transactions it opened', async () => {
    expect(await cash.periodInput('kiosk-a', 0, 2)).toEqual({
      movements: [{ type: 'credit', transactionId: txA, yen: 100 }],
      fees: [{ transactionId: txA, paidYen: 200, refundedYen: 0 }],
    });
    // A began in the period before: its fee stays there.
    expect(await cash.periodInput('kiosk-a', 2, 7)).toEqual({
      movements: [
        { type: 'credit', transactionId: txA, yen: 100 },
        { type: 'credit', transactionId: txB, yen: 500 },
        { type: 'payout', transactionId: txB, yen: 200, reason: 'change' },
        { type: 'voucher', transactionId: txB, yen: 100, reason: 'change', redeemed: false },
      ],
      fees: [{ transactionId: txB, paidYen: 300, refundedYen: 50 }],
    });
    expect(await cash.periodInput('kiosk-a', 7, null)).toEqual({
      movements: [{ type: 'credit', transactionId: txC, yen: 10 }],
      fees: [{ transactionId: txC, paidYen: 0, refundedYen: 0 }],
    });
  });

  it('settles each complete collection once', async () => {
    const [pending, ...more] = await cash.unsettled('kiosk-a');
    expect(more).toEqual([]);
    expect(pending).toMatchObject({ seq: 2, eventId: 'e-2' });
    const settled = { kioskId: 'kiosk-a', seq: 2, eventId: 'e-2', collectedAt: '2026-12-01T02:00:00.000Z', expectedYen: 100, recordedYen: 100, countedYen: null, discrepancyYen: 0, settledAt: '2026-12-01T05:00:00.000Z' };
    expect(await cash.recordSettled(settled)).toBe(true);
    expect(await cash.recordSettled({ ...settled, discrepancyYen: -10 })).toBe(false);
    expect(await cash.unsettled('kiosk-a')).toEqual([]);
    expect(await opened.store.db.selectFrom('cash_collections').select(['seq', 'discrepancy_yen']).execute()).toEqual([{ seq: 2, discrepancy_yen: 0 }]);
  });
});
