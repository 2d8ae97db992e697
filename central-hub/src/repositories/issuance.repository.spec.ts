import { v7 as uuidv7 } from 'uuid';
import { insertKiosk } from '../../test/certificates/support/db';
import { openTestStore } from '../../test/support/test-store';
import type { HubStore } from '../storage/hub-store';
import { storageErrorKind } from '../storage/storage-errors';
import { KyselyIssuanceRepository, type IssuanceOutcome, type NewIssuance } from './issuance.repository';
import { seedSyntheticResidents } from './resident-seed';

/**
 * Issuances against a real store (the run's engine). On PostgreSQL the pool runs the concurrent calls
 * truly at once: the serial counter, the idempotency key and the refund race are proven there; on
 * SQLite (one writer) the same calls must come out the same.
 */
describe('KyselyIssuanceRepository', () => {
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let store: HubStore;
  let issuances: KyselyIssuanceRepository;
  let drafts = 0;

  const draft = (overrides: Partial<NewIssuance> = {}): NewIssuance => {
    drafts += 1;
    return {
      issuanceId: uuidv7(),
      transactionId: uuidv7(),
      requestHash: 'hash',
      kioskId: 'kiosk-one',
      municipality: '豊中市',
      residentId: 'toyonaka-001',
      certificateType: 'inkan',
      options: { type: 'inkan' },
      copies: 1,
      unitFeeYen: 200,
      feeYen: 200,
      verificationCode: `CODE-${String(drafts).padStart(4, '0')}-TEST`,
      issuedAt: '2026-11-26T03:00:00.000Z',
      serialPrefix: '27203',
      serialYear: 2026,
      ...overrides,
    };
  };
  const seqOf = (outcome: IssuanceOutcome): number => {
    if (outcome.kind === 'refunded') throw new Error('refunded');
    return Number(outcome.record.serial.slice(-6));
  };

  beforeEach(async () => {
    drafts = 0;
    opened = await openTestStore();
    store = opened.store;
    issuances = new KyselyIssuanceRepository(store);
    await insertKiosk(store, 'kiosk-one');
    await insertKiosk(store, 'kiosk-ikeda', { municipality: '池田市' });
    await seedSyntheticResidents(store, { certificateIssuer: 'CN=test' });
  });

  afterEach(async () => {
    await opened.close();
  });

  it('gives 50 concurrent issuances of one municipality 50 distinct consecutive serials', async () => {
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => issuances.recordIssuance(draft())));
    expect(outcomes.every((outcome) => outcome.kind === 'created')).toBe(true);
    expect(outcomes.map(seqOf).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const counter = await store.db.selectFrom('certificate_serial_counters').selectAll().execute();
    expect(counter).toEqual([{ municipality: '豊中市', serial_year: 2026, last_seq: 50 }]);
  }, 60_000);

  it('counts each municipality and year on its own, and gives a rolled-back issuance its number back', async () => {
    expect(seqOf(await issuances.recordIssuance(draft()))).toBe(1);
    expect(seqOf(await issuances.recordIssuance(draft({ kioskId: 'kiosk-ikeda', municipality: '池田市', serialPrefix: '27207' })))).toBe(1);
    expect(seqOf(await issuances.recordIssuance(draft({ serialYear: 2027 })))).toBe(1);
    // A unique verification code taken twice fails the insert after the number was drawn.
    const refused = await issuances.recordIssuance(draft({ verificationCode: 'CODE-0001-TEST' })).then(() => 'issued', storageErrorKind);
    expect(refused).toBe('unique-violation');
    expect(seqOf(await issuances.recordIssuance(draft()))).toBe(2);
  });

  it('answers concurrent calls with one transaction id with one issuance: created once, existing otherwise', async () => {
    const one = draft();
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => issuances.recordIssuance(one)));
    expect(outcomes.filter((outcome) => outcome.kind === 'created')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === 'existing')).toHaveLength(9);
    expect(new Set(outcomes.map((outcome) => (outcome.kind === 'refunded' ? null : outcome.record.serial))).size).toBe(1);
    const ledger = await store.db.selectFrom('certificate_ledger').select('kind').where('transaction_id', '=', one.transactionId).orderBy('kind').execute();
    expect(ledger.map((row) => row.kind)).toEqual(['issuance', 'payment']);
    // The next issuance follows on: the duplicates drew no number.
    expect(seqOf(await issuances.recordIssuance(draft()))).toBe(2);
  });

  it('never leaves an issuance standing beside a refund of its transaction, whichever commits first', async () => {
    const races = Array.from({ length: 10 }, () => draft());
    const refundOf = (d: NewIssuance) => ({ transactionId: d.transactionId, kioskId: d.kioskId, amountYen: 200, detail: 'print-failed/hopper', at: '2026-11-26T03:01:00.000Z' });
    await Promise.all(races.flatMap((d) => [issuances.recordIssuance(d), issuances.recordRefund(refundOf(d))]));
    for (const d of races) {
      const issued = await issuances.findByTransaction(d.transactionId);
      const refund = await store.db.selectFrom('certificate_ledger').selectAll().where('transaction_id', '=', d.transactionId).where('kind', '=', 'refund').executeTakeFirstOrThrow();
      if (issued) {
        expect(issued.voidedAt).toBe('2026-11-26T03:01:00.000Z');
        expect(refund.issuance_id).toBe(issued.issuanceId);
      } else {
        expect(refund.issuance_id).toBeNull();
        expect(await issuances.recordIssuance(d)).toEqual({ kind: 'refunded' });
      }
    }
  });

  it('records a refund once and voids the issuance', async () => {
    const created = await issuances.recordIssuance(draft());
    if (created.kind !== 'created') throw new Error(created.kind);
    const refund = { transactionId: created.record.transactionId, kioskId: 'kiosk-one', amountYen: 200, detail: 'print-failed/hopper', at: '2026-11-26T03:01:00.000Z' };
    expect(await issuances.recordRefund({ ...refund, amountYen: 201 })).toEqual({ kind: 'refused', reason: 'refund-exceeds-payment' });
    expect(await issuances.recordRefund({ ...refund, kioskId: 'kiosk-ikeda' })).toEqual({ kind: 'refused', reason: 'idempotency-conflict' });
    expect(await issuances.recordRefund(refund)).toEqual({ kind: 'recorded', voided: { ...created.record, voidedAt: refund.at } });
    expect(await issuances.recordRefund(refund)).toEqual({ kind: 'duplicate', voided: { ...created.record, voidedAt: refund.at } });
    expect(await issuances.findByVerificationCode(created.record.verificationCode)).toEqual({ ...created.record, voidedAt: refund.at });
  });
});
