import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type SqliteDatabase } from '../store/database';
import { owedYen, recoveryPlan } from './recovery-plan';
import { IllegalLedgerTransitionError } from './ledger-rules';
import { CertificateTransactions, type CertificateTransaction } from './transaction-store';

const TX = '0192f3a0-7b1e-7cc4-9a3b-1f2e3d4c5b6b';
let dir: string;
let db: SqliteDatabase;
let ledger: CertificateTransactions;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cert-ledger-'));
  db = openDatabase(path.join(dir, 'agent.sqlite'));
  ledger = new CertificateTransactions(db, { now: () => new Date('2026-12-05T01:00:00Z') });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('certificate transaction ledger (SQLite file)', () => {
  it('keeps money state only, durably, across a reopen', () => {
    ledger.open({ transactionId: TX, certificateType: 'juminhyo', copies: 2, feeYen: 400 });
    expect(ledger.credit(TX, 500, true)).toMatchObject({ feeReached: true, transaction: { state: 'paid', creditedYen: 500 } });
    ledger.paidOut(TX, 100);
    ledger.apply(TX, { type: 'issue', serial: '豊中-2026-000001' });
    db.close();
    db = openDatabase(path.join(dir, 'agent.sqlite'));
    ledger = new CertificateTransactions(db, { now: () => new Date() });
    expect(ledger.get(TX)).toMatchObject({ state: 'issued', feeYen: 400, creditedYen: 500, paidOutYen: 100, issuedSerial: '豊中-2026-000001', printedAt: null });
    const columns = (db.prepare("SELECT name FROM pragma_table_info('certificate_transactions')").pluck().all() as string[]).sort();
    expect(columns.filter((name) => /name|address|pin|certificate_der|member|resident|pdf/.test(name))).toEqual([]);
  });

  it('opens a transaction once; refuses impossible amounts', () => {
    ledger.open({ transactionId: TX, certificateType: 'inkan', copies: 1, feeYen: 200 });
    expect(ledger.credit(TX, 100, true)).toMatchObject({ feeReached: false, transaction: { state: 'paying', creditedYen: 100 } });
    expect(ledger.credit('unknown', 100, true)).toBeNull();
    expect(ledger.open({ transactionId: TX, certificateType: 'inkan', copies: 1, feeYen: 200 }).creditedYen).toBe(100);
    expect(() => ledger.open({ transactionId: 'other', certificateType: 'inkan', copies: 11, feeYen: 200 })).toThrow();
    expect(ledger.get('other')).toBeNull();
  });

  it('lists what a restart must settle: unfinished, and refunds the hub has not acknowledged', () => {
    ledger.open({ transactionId: TX, certificateType: 'inkan', copies: 1, feeYen: 200 });
    expect(ledger.unfinished().map((t) => t.transactionId)).toEqual([TX]);
    ledger.credit(TX, 200, true);
    ledger.apply(TX, { type: 'refund', reason: 'print-failed' });
    ledger.apply(TX, { type: 'refund-settled' });
    expect(ledger.unfinished().map((t) => t.state)).toEqual(['refunded']);
    ledger.refundReported(TX);
    expect(ledger.unfinished()).toEqual([]);
  });

  it('moves its state only as ledger-rules.ts allows, and writes nothing when refused', () => {
    ledger.open({ transactionId: TX, certificateType: 'inkan', copies: 1, feeYen: 200 });
    // A coin outside the payment step is counted, but does not make the transaction paid.
    expect(ledger.credit(TX, 500, false)).toMatchObject({ feeReached: false, transaction: { state: 'paying', creditedYen: 500 } });
    expect(() => ledger.apply(TX, { type: 'issue', serial: 'S-1' })).toThrow(IllegalLedgerTransitionError);
    expect(ledger.get(TX)).toMatchObject({ state: 'paying', issuedSerial: null });
    ledger.apply(TX, { type: 'cancel' });
    expect(() => ledger.apply(TX, { type: 'refund', reason: 'print-failed' })).toThrow(/refund is not allowed when cancelled/);
    expect(ledger.get(TX)).toMatchObject({ state: 'cancelled', refundReason: null });
  });
});

describe('recovery after a restart', () => {
  const base: CertificateTransaction = {
    transactionId: TX,
    state: 'paid',
    certificateType: 'juminhyo',
    copies: 2,
    feeYen: 400,
    creditedYen: 500,
    paidOutYen: 0,
    voucherYen: 0,
    issuedSerial: null,
    printedAt: null,
    refundReason: null,
    refundReported: false,
    createdAt: '',
    updatedAt: '',
  };

  it.each([
    ['payment not complete: the coins go back', { state: 'paying', creditedYen: 300 }, { kind: 'return-coins', payYen: 300 }],
    ['paid, change not yet paid: all of it back, hub told', {}, { kind: 'refund', payYen: 500, reportRefund: true }],
    ['paid and change paid: the fee back', { paidOutYen: 100 }, { kind: 'refund', payYen: 400, reportRefund: true }],
    ['issued, not printed: refund (the hub voids it)', { state: 'issued', paidOutYen: 100, issuedSerial: 's' }, { kind: 'refund', payYen: 400, reportRefund: true }],
    ['printed: only the unpaid change', { state: 'printed', printedAt: 'x' }, { kind: 'complete', payYen: 100 }],
    ['printed and change paid: nothing owed', { state: 'printed', printedAt: 'x', paidOutYen: 100 }, { kind: 'complete', payYen: 0 }],
    ['refund half paid before the crash: only the rest', { state: 'refunding', paidOutYen: 300, refundReason: 'print-failed' }, { kind: 'refund', payYen: 200, reportRefund: true }],
    ['refunded, hub not told', { state: 'refunded', paidOutYen: 500, refundReason: 'print-failed' }, { kind: 'report-refund' }],
    ['done', { state: 'completed', printedAt: 'x', paidOutYen: 100 }, { kind: 'nothing' }],
    ['a voucher counts as paid back', { state: 'refunding', paidOutYen: 400, voucherYen: 100 }, { kind: 'refund', payYen: 0, reportRefund: true }],
  ] as const)('%s', (_what, change, plan) => {
    expect(recoveryPlan({ ...base, ...change } as CertificateTransaction)).toEqual(plan);
  });

  it('never owes a negative amount', () => {
    expect(owedYen({ ...base, paidOutYen: 900 })).toBe(0);
  });
});
