import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import type { CoinCredit, PayoutReason, PayoutResult } from '@kiosk/devices';
import type { CoinYen } from '@kiosk/protocols';
import { CertificateTransactions, type CertificateCredit } from '../certificates/transaction-store';
import { AgentStore } from '../store/agent-store';
import { CashDesk, type CashDeskAcceptor, type CashDeskDispenser, type CashLedger, type CreditCommitted } from './cash-desk';

const TX = '0192f3a0-7b1e-7cc4-9a3b-1f2e3d4c5b6b';
const KIOSK = '0192f3a0-0000-7000-8000-000000000001';
const clock = { now: () => new Date('2026-12-05T01:00:00Z') };
const logger = pino({ level: 'silent' });

/** A coin acceptor and hoppers that do what the test says, behind the drivers' interfaces. */
class FakeCash implements CashDeskAcceptor, CashDeskDispenser {
  private readonly credits = new Set<(credit: CoinCredit) => void>();
  private readonly payouts = new Set<(result: PayoutResult) => void>();
  /** How much of a payout the hoppers manage (all by default). */
  canPay = Number.POSITIVE_INFINITY;

  insert(coinYen: CoinYen): void {
    for (const listener of this.credits) listener({ coinYen, eventCounter: 1, at: clock.now().toISOString() });
  }

  /** A coin value no driver should report: the test casts on purpose to reach the outbox's own check. */
  insertUnchecked(coinYen: number): void {
    this.insert(coinYen as CoinYen);
  }

  onCredit(listener: (credit: CoinCredit) => void): () => void {
    this.credits.add(listener);
    return () => this.credits.delete(listener);
  }
  onLostCredit(): () => void {
    return () => undefined;
  }
  onRejected(): () => void {
    return () => undefined;
  }
  onPayout(listener: (result: PayoutResult) => void): () => void {
    this.payouts.add(listener);
    return () => this.payouts.delete(listener);
  }
  payout(amountYen: number, reason: PayoutReason): Promise<PayoutResult> {
    const paidYen = Math.min(amountYen, this.canPay);
    const result: PayoutResult = { reason, requestedYen: amountYen, paidYen, unpaidYen: amountYen - paidYen, coins: [] };
    for (const listener of this.payouts) listener(result);
    return paidYen === amountYen ? Promise.resolve(result) : Promise.reject(new Error('hopper empty'));
  }
}

let dir: string;
let store: AgentStore;
let ledger: CertificateTransactions;
let cash: FakeCash;
let owner: { transaction: string | null; paymentStep: boolean };

function desk(over: { ledger?: CashLedger<CertificateCredit>; coinCommitted?: (n: number) => void } = {}): CashDesk<CertificateCredit> {
  const made = new CashDesk<CertificateCredit>({
    store,
    ledger: over.ledger ?? ledger,
    owner: { transaction: () => owner.transaction, paymentStep: () => owner.paymentStep },
    activeSession: () => null,
    chaos: { coinCommitted: over.coinCommitted ?? (() => undefined) },
    logger,
    newId: () => '0192f3a0-7b1e-7cc4-9a3b-00000000ffff',
  });
  made.attach(cash, cash);
  return made;
}

function cashEvents(): Array<{ type: string; payload: unknown }> {
  return store.outbox
    .peek(100)
    .filter((event) => event.type.startsWith('cash.'))
    .map((event) => ({ type: event.type, payload: event.payload }));
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cash-desk-'));
  store = AgentStore.open(path.join(dir, 'agent.sqlite'), KIOSK, clock);
  ledger = store.repository((db) => new CertificateTransactions(db, clock));
  ledger.open({ transactionId: TX, certificateType: 'juminhyo', copies: 2, feeYen: 400 });
  cash = new FakeCash();
  owner = { transaction: TX, paymentStep: true };
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the cash desk: one commit per coin and per payout', () => {
  it('commits the coin and its ledger credit (and `paid`) together, then tells the flow', () => {
    const told: Array<CreditCommitted<CertificateCredit>> = [];
    desk().onCredit((credit) => told.push(credit));
    cash.insert(100);
    cash.insert(500);
    expect(cashEvents()).toEqual([
      { type: 'cash.credit', payload: { transactionId: TX, coinYen: 100 } },
      { type: 'cash.credit', payload: { transactionId: TX, coinYen: 500 } },
    ]);
    expect(ledger.get(TX)).toMatchObject({ state: 'paid', creditedYen: 600 });
    expect(told.map((credit) => [credit.coinYen, credit.ledger?.feeReached, credit.ledger?.transaction.creditedYen])).toEqual([
      [100, false, 100],
      [500, true, 600],
    ]);
  });

  it('at the instant after a coin commits (the chaos SIGKILL point) another connection sees both the event and the credit', () => {
    const seen: Array<{ events: number; creditedYen: number; state: string }> = [];
    const reader = new Database(path.join(dir, 'agent.sqlite'), { readonly: true });
    try {
      desk({
        coinCommitted: () =>
          seen.push({
            events: reader.prepare("SELECT COUNT(*) FROM outbox WHERE type = 'cash.credit'").pluck().get() as number,
            ...(reader.prepare('SELECT credited_yen AS creditedYen, state FROM certificate_transactions WHERE transaction_id = ?').get(TX) as { creditedYen: number; state: string }),
          }),
      });
      cash.insert(100);
      cash.insert(500);
    } finally {
      reader.close();
    }
    expect(seen).toEqual([
      { events: 1, creditedYen: 100, state: 'paying' },
      { events: 2, creditedYen: 600, state: 'paid' },
    ]);
  });

  it('a throw between the event and the ledger write leaves neither: the ledger write is rolled back, the event is then kept alone', () => {
    const failing: CashLedger<CertificateCredit> = {
      credit: (transactionId, coinYen, paymentOpen) => {
        ledger.credit(transactionId, coinYen, paymentOpen); // written inside the desk's transaction…
        throw new Error('injected failure after the ledger write'); // …and rolled back with the event
      },
      paidOut: (transactionId, amountYen) => ledger.paidOut(transactionId, amountYen),
      paidOutYen: (transactionId) => ledger.paidOutYen(transactionId),
      voucher: (transactionId, amountYen) => ledger.voucher(transactionId, amountYen),
    };
    const told: unknown[] = [];
    desk({ ledger: failing }).onCredit((credit) => told.push(credit));
    cash.insert(100);
    // The combined commit rolled back whole (no credit in the ledger, no second event); the coin is in
    // the box, so its event alone is then recorded for the hub, and the flow hears of no credit.
    expect(ledger.get(TX)).toMatchObject({ creditedYen: 0, state: 'paying' });
    expect(cashEvents()).toEqual([{ type: 'cash.credit', payload: { transactionId: TX, coinYen: 100 } }]);
    expect(told).toEqual([{ transactionId: TX, coinYen: 100, ledger: null }]);
  });

  it('an event the outbox refuses leaves no ledger change either', () => {
    const told: unknown[] = [];
    desk().onCredit((credit) => told.push(credit));
    // No such coin (a driver bug): the outbox's schema refuses the event inside the commit.
    cash.insertUnchecked(30);
    expect(cashEvents()).toEqual([]);
    expect(ledger.get(TX)).toMatchObject({ creditedYen: 0 });
    expect(told).toEqual([]);
  });

  it('pays change for the transaction it is asked for, counting what the hoppers report', async () => {
    const cashDesk = desk();
    cash.insert(500);
    owner = { transaction: null, paymentStep: false }; // e.g. recovery: no session, no flow names it
    cash.canPay = 60;
    await expect(cashDesk.payOut(TX, 100, 'change')).resolves.toEqual({ paidYen: 60, unpaidYen: 40 });
    cashDesk.voucher(TX, 40, 'change');
    expect(ledger.get(TX)).toMatchObject({ creditedYen: 500, paidOutYen: 60, voucherYen: 40 });
    expect(cashEvents()).toEqual([
      { type: 'cash.credit', payload: { transactionId: TX, coinYen: 500 } },
      { type: 'cash.payout', payload: { transactionId: TX, amountYen: 60, reason: 'change' } },
      { type: 'cash.voucher', payload: { transactionId: TX, amountYen: 40, reason: 'change' } },
    ]);
  });

  it('a voucher whose ledger write throws records neither its event nor its ledger change', () => {
    const failing: CashLedger<CertificateCredit> = {
      credit: (transactionId, coinYen, paymentOpen) => ledger.credit(transactionId, coinYen, paymentOpen),
      paidOut: (transactionId, amountYen) => ledger.paidOut(transactionId, amountYen),
      paidOutYen: (transactionId) => ledger.paidOutYen(transactionId),
      voucher: () => {
        throw new Error('injected failure in the voucher ledger write');
      },
    };
    const cashDesk = desk({ ledger: failing });
    expect(() => cashDesk.voucher(TX, 40, 'refund')).toThrow('injected failure');
    expect(cashEvents()).toEqual([]);
    expect(ledger.get(TX)).toMatchObject({ voucherYen: 0 });
  });

  it('a coin outside any transaction gets a fresh id and no ledger row', () => {
    owner = { transaction: null, paymentStep: false };
    const told: Array<CreditCommitted<CertificateCredit>> = [];
    desk().onCredit((credit) => told.push(credit));
    cash.insert(100);
    expect(told).toEqual([{ transactionId: '0192f3a0-7b1e-7cc4-9a3b-00000000ffff', coinYen: 100, ledger: null }]);
    expect(ledger.get(TX)).toMatchObject({ creditedYen: 0 });
  });
});
