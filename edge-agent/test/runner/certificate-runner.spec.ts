/**
 * The certificate runner's paths in milliseconds (runner-kiosk.ts: the real runner, store, cash desk and
 * device services; fake drivers behind the real contracts, a scripted hub, a manual clock). The same paths
 * end to end on the real stack: certificates.spec.ts, certificates-hub-lost.spec.ts, certificates-crash.spec.ts.
 */
import { cashEvents, begin, endSession, insert, ledger, moneyOf, reach, screen, toChoose, toConfirm, toPay, toPin, turns, typePin, until, wipes } from './person';
import { openRunnerKiosk, PIN, RESIDENCE_X1, RESIDENCE_X2, type RunnerKiosk } from './runner-kiosk';

let kiosk: RunnerKiosk;

beforeEach(async () => {
  kiosk = await openRunnerKiosk();
});
afterEach(async () => {
  kiosk.hub.releaseAll();
  await kiosk.close();
});

/** Leaves an end screen the way the person does, and waits for the wipe. */
async function leave(reason: 'done' | 'cancelled' | 'idle-timeout' = 'done'): Promise<void> {
  const before = wipes(kiosk).length;
  if (screen(kiosk) !== 'done' && screen(kiosk) !== 'idle') expect(kiosk.flow.finish()).toEqual({ ok: true });
  endSession(kiosk, reason);
  await until('the wipe record', () => wipes(kiosk).length > before);
  await reach(kiosk, 'idle');
}

describe('the certificate runner: paying and issuing', () => {
  it('happy path: residence ×2 (400 yen), 500 in, 100 change, certificate and receipt printed, completed, wiped', async () => {
    const transactionId = await toPay(kiosk, RESIDENCE_X2);
    expect(kiosk.flow.view()).toMatchObject({ screen: 'pay', quote: { feeYen: 400 }, insertedYen: 0, acceptedCoins: [10, 50, 100, 500] });
    await insert(kiosk, 500);
    await reach(kiosk, 'take-certificate');
    expect(kiosk.flow.view()).toMatchObject({ screen: 'take-certificate', copies: 2, changeYen: 100, unpaidChangeYen: 0, receiptPrinted: true });
    expect(kiosk.printer.printed).toHaveLength(1);
    expect(kiosk.receipts.receipts).toHaveLength(1);
    expect(kiosk.hoppers.tray).toEqual([100]);
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'completed', creditedYen: 500, paidOutYen: 100, voucherYen: 0, issuedSerial: 'TYN-2026-000001' });
    expect(cashEvents(kiosk, transactionId)).toEqual([
      { type: 'cash.credit', yen: 500 },
      { type: 'cash.payout', yen: 100 },
    ]);
    expect(kiosk.hub.count('certificates.issue')).toBe(1);
    expect(kiosk.acceptor.takes()).toEqual([]);
    expect(kiosk.screens).toEqual(['checking', 'insert-card', 'reading-card', 'pin', 'verifying', 'choose', 'confirm', 'remove-card', 'checking', 'pay', 'paying-change', 'issuing', 'printing', 'take-certificate']);

    await leave('done');
    expect(wipes(kiosk)).toEqual([{ sessionId: transactionId, reason: 'done' }]);
  });

  it('exact amount in several coins: no change, no payout', async () => {
    const transactionId = await toPay(kiosk, RESIDENCE_X1);
    await insert(kiosk, 100, 50, 50);
    await reach(kiosk, 'take-certificate');
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'completed', creditedYen: 200, paidOutYen: 0 });
    expect(kiosk.hoppers.tray).toEqual([]);
    expect(moneyOf(kiosk, transactionId)).toEqual({ creditedYen: 200, paidOutYen: 0, voucherYen: 0, feeKeptYen: 200 });
  });

  it('the issue answer lost after the hub committed: asked again with the same transaction id, one issuance, printed once', async () => {
    const transactionId = await toPay(kiosk, RESIDENCE_X1);
    kiosk.hub.loseIssueAnswers = 1;
    await insert(kiosk, 100, 100);
    await reach(kiosk, 'take-certificate');
    expect(kiosk.hub.count('certificates.issue')).toBe(2);
    expect(kiosk.hub.issued.size).toBe(1);
    expect(kiosk.printer.printed).toHaveLength(1);
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'completed', issuedSerial: 'TYN-2026-000001' });
  });
});

describe('the certificate runner: the card', () => {
  it('a wrong PIN shows the tries left; the right one then opens the menu', async () => {
    await toPin(kiosk);
    await typePin(kiosk, '0000');
    await until('the wrong PIN answered', () => kiosk.flow.view().screen === 'pin' && kiosk.screens.includes('verifying'));
    expect(kiosk.flow.view()).toMatchObject({ screen: 'pin', triesLeft: 2, digitsEntered: 0 });
    expect(kiosk.hub.count('certificates.verify')).toBe(0); // a PIN the card refused never reaches the hub
    await typePin(kiosk, PIN);
    await reach(kiosk, 'choose');
    expect(kiosk.hub.count('certificates.verify')).toBe(1);
  });

  it('three wrong PINs lock the card: guidance, no hub verification, the card asked back; inserted again it is locked at once', async () => {
    await toPin(kiosk);
    for (const triesLeft of [2, 1]) {
      await typePin(kiosk, '0000');
      await until(`${triesLeft} tries left`, () => kiosk.flow.view().screen === 'pin' && (kiosk.flow.view() as { triesLeft: number | null }).triesLeft === triesLeft);
    }
    await typePin(kiosk, '0000');
    await reach(kiosk, 'card-locked');
    expect(kiosk.hub.count('certificates.verify')).toBe(0);
    expect(kiosk.flow.finish()).toEqual({ ok: true });
    expect(screen(kiosk)).toBe('remove-card'); // never home with the card in the reader
    kiosk.reader.remove();
    await reach(kiosk, 'done');
    endSession(kiosk, 'done');
    await reach(kiosk, 'idle');

    begin(kiosk);
    await reach(kiosk, 'insert-card');
    kiosk.reader.insert(kiosk.card);
    await reach(kiosk, 'card-locked');
    expect(kiosk.transactions.unfinished()).toEqual([]);
  });

  it('a revoked card is refused by the hub: said so, no menu, no money', async () => {
    const revoked = kiosk.newCard('revoked');
    begin(kiosk);
    await reach(kiosk, 'insert-card');
    kiosk.reader.insert(revoked);
    await reach(kiosk, 'pin');
    await typePin(kiosk, PIN);
    await reach(kiosk, 'card-refused');
    expect(kiosk.flow.view()).toEqual({ screen: 'card-refused', reason: 'revoked' });
    expect(kiosk.hub.count('certificates.quote')).toBe(0);
    expect(kiosk.acceptor.takes()).toEqual([]);
  });
});

describe('the certificate runner: money after payment', () => {
  it('paper out after payment: the fee goes back by hopper, the hub records the refund and voids the issuance', async () => {
    const transactionId = await toPay(kiosk, RESIDENCE_X2);
    kiosk.printer.paperOut();
    await insert(kiosk, 500);
    await reach(kiosk, 'refunded');
    expect(kiosk.flow.view()).toMatchObject({ screen: 'refunded', amountYen: 400, hopperYen: 400, voucherYen: 0, reason: 'print-failed' });
    expect(kiosk.hoppers.trayYen()).toBe(500); // 100 change, then the 400 fee
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'refunded', refundReason: 'print-failed', refundReported: true, printedAt: null });
    expect(kiosk.hub.refunds.get(transactionId)).toEqual({ transactionId, amountYen: 400, reason: 'print-failed', method: 'hopper' });
    expect(kiosk.hub.issued.get(transactionId)?.voided).toBe(true);
    expect(moneyOf(kiosk, transactionId)).toEqual({ creditedYen: 500, paidOutYen: 500, voucherYen: 0, feeKeptYen: 0 });
  });

  it('paper out after payment with the hoppers empty: everything comes back on a printed refund voucher', async () => {
    kiosk.hoppers.empty();
    const transactionId = await toPay(kiosk, RESIDENCE_X1);
    kiosk.printer.paperOut();
    await insert(kiosk, 100, 100);
    await reach(kiosk, 'refunded');
    expect(kiosk.flow.view()).toMatchObject({ screen: 'refunded', amountYen: 200, hopperYen: 0, voucherYen: 200, method: 'voucher' });
    expect(kiosk.receipts.receipts).toHaveLength(1); // the voucher
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'refunded', voucherYen: 200 });
    expect(kiosk.hub.refunds.get(transactionId)).toMatchObject({ amountYen: 200, method: 'voucher' });
    expect(moneyOf(kiosk, transactionId)).toEqual({ creditedYen: 200, paidOutYen: 0, voucherYen: 200, feeKeptYen: 0 });
  });

  it('hoppers empty (釣銭切れ): the pay screen asks for the exact amount, a 500-yen coin drops back, the exact amount issues', async () => {
    kiosk.hoppers.empty();
    const transactionId = await toPay(kiosk, RESIDENCE_X1);
    expect(kiosk.flow.view()).toMatchObject({ screen: 'pay', exactAmountOnly: true });
    expect(kiosk.acceptor.insert(500)).toBe(false);
    await turns();
    expect(ledger(kiosk, transactionId)).toMatchObject({ creditedYen: 0, state: 'paying' });
    await insert(kiosk, 100, 100);
    await reach(kiosk, 'take-certificate');
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'completed', creditedYen: 200, paidOutYen: 0 });
  });

  it('the hoppers run out while paying change: what came out is to be taken, the rest is owed on the receipt', async () => {
    kiosk.hoppers.refill({ 10: 0, 50: 1, 100: 0, 500: 0 });
    const transactionId = await toPay(kiosk, RESIDENCE_X1);
    kiosk.acceptor.creditInFlight(500); // taken although the pay screen offered the exact amount only
    await reach(kiosk, 'take-certificate');
    expect(kiosk.flow.view()).toMatchObject({ screen: 'take-certificate', changeYen: 50, unpaidChangeYen: 250, voucherPrinted: true });
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'completed', creditedYen: 500, paidOutYen: 50, voucherYen: 250 });
    expect(moneyOf(kiosk, transactionId)).toEqual({ creditedYen: 500, paidOutYen: 50, voucherYen: 250, feeKeptYen: 200 });
  });

  it('hub lost mid-issue: retried for the retry window on the clock, then refunded by hopper; the refund reaches the hub once it is back', async () => {
    const transactionId = await toPay(kiosk, RESIDENCE_X1);
    await insert(kiosk, 100);
    const started = kiosk.clock.now().getTime();
    kiosk.hub.up = false;
    kiosk.state.setHubConnected(false, kiosk.clock.now());
    await insert(kiosk, 100);
    await reach(kiosk, 'refunded');
    expect(kiosk.clock.now().getTime() - started).toBeGreaterThanOrEqual(60_000); // the retry window, on the injected clock
    expect(kiosk.hub.issued.size).toBe(0);
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'refunded', refundReason: 'issue-failed', refundReported: false, paidOutYen: 200 });

    kiosk.hub.up = true;
    kiosk.state.setHubConnected(true, kiosk.clock.now());
    await until('the refund reported', () => ledger(kiosk, transactionId).refundReported);
    expect(kiosk.hub.refunds.get(transactionId)).toEqual({ transactionId, amountYen: 200, reason: 'issue-failed', method: 'hopper' });
    expect(kiosk.hub.count('certificates.refund')).toBe(1);
  });
});

describe('the certificate runner: leaving', () => {
  it('the idle timeout during payment returns the coins, ends the flow and records the wipe', async () => {
    const transactionId = await toPay(kiosk, RESIDENCE_X2);
    await insert(kiosk, 100, 50);
    endSession(kiosk, 'idle-timeout');
    await until('the wipe record', () => wipes(kiosk).length === 1);
    await reach(kiosk, 'idle');
    expect(kiosk.hoppers.trayYen()).toBe(150);
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'cancelled', creditedYen: 150, paidOutYen: 150 });
    expect(wipes(kiosk)).toEqual([{ sessionId: transactionId, reason: 'idle-timeout' }]);
    expect(kiosk.screens).toEqual(expect.arrayContaining(['returning-coins', 'cancelled']));
    expect(kiosk.acceptor.takes()).toEqual([]);
  });

  /** Each step before money, how to get there, and whether the card is in the reader there. */
  const beforeMoney: Array<[string, (kiosk: RunnerKiosk) => Promise<unknown>, boolean]> = [
    ['checking', (k) => (k.hub.hold('certificates.availability'), Promise.resolve(begin(k))), false],
    ['insert-card', (k) => (begin(k), reach(k, 'insert-card')), false],
    ['pin', (k) => toPin(k), true],
    ['verifying', async (k) => (k.hub.hold('certificates.verify'), await toPin(k), typePin(k, PIN), reach(k, 'verifying')), true],
    ['choose', (k) => toChoose(k), true],
    ['confirm', (k) => toConfirm(k), true],
    ['remove-card', async (k) => (await toConfirm(k), k.flow.confirm(), reach(k, 'remove-card')), true],
    ['pay', (k) => toPay(k), false],
  ];

  it.each(beforeMoney)('cancel on %s: nothing taken, nothing recorded but the wipe; the card asked back first when it is in', async (step, walk, cardIn) => {
    await walk(kiosk);
    await reach(kiosk, step as 'checking');
    expect(kiosk.flow.cancel()).toEqual({ ok: true });
    if (cardIn) {
      expect(screen(kiosk)).toBe('remove-card');
      kiosk.reader.remove();
    }
    await reach(kiosk, 'done');
    endSession(kiosk, 'cancelled');
    await until('the wipe record', () => wipes(kiosk).length === 1);
    expect(wipes(kiosk)[0]?.reason).toBe('cancelled');
    expect(kiosk.transactions.unfinished()).toEqual([]);
    expect(kiosk.store.outbox.peek(1000).filter((event) => event.type.startsWith('cash.'))).toEqual([]);
    expect(kiosk.hub.count('certificates.issue')).toBe(0);
  });

  it('cancel on pay with coins in: exactly those coins back, the transaction cancelled', async () => {
    const transactionId = await toPay(kiosk, RESIDENCE_X2);
    await insert(kiosk, 100, 100, 10);
    expect(kiosk.flow.cancel()).toEqual({ ok: true });
    await reach(kiosk, 'cancelled');
    expect(kiosk.flow.view()).toEqual({ screen: 'cancelled', returnedYen: 210, unreturnedYen: 0 });
    expect(kiosk.hoppers.trayYen()).toBe(210);
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'cancelled', creditedYen: 210, paidOutYen: 210 });
    await leave('cancelled');
  });

  /** A paid flow held on a step (the hub slow to issue, the printer slow to print), and what lets it go on. */
  const afterPayment: Array<[string, (kiosk: RunnerKiosk) => () => void]> = [
    ['issuing', (k) => k.hub.hold('certificates.issue')],
    ['printing', (k) => k.printer.holdJobs()],
  ];

  it.each(afterPayment)('on %s, once paid, cancel and the end of the session are refused: the flow runs to its end and then wipes', async (step, hold) => {
    const transactionId = await toPay(kiosk, RESIDENCE_X1);
    const release = hold(kiosk);
    await insert(kiosk, 500);
    await reach(kiosk, step as 'issuing' | 'printing');
    expect(kiosk.flow.cancel()).toMatchObject({ ok: false, error: { code: 'conflict' } });
    endSession(kiosk, 'idle-timeout');
    await turns(20);
    expect(screen(kiosk)).toBe(step);
    expect(wipes(kiosk)).toEqual([]);
    release();
    // The person left: the flow finishes by itself once the certificate is out, and wipes.
    await until('the wipe record', () => wipes(kiosk).length === 1);
    expect(wipes(kiosk)).toEqual([{ sessionId: transactionId, reason: 'idle-timeout' }]);
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'completed', creditedYen: 500, paidOutYen: 300 });
    expect(kiosk.printer.printed).toHaveLength(1);
    await reach(kiosk, 'idle');
  });
});

describe('the certificate runner: the screen lost (its socket dropped)', () => {
  it('during payment with coins in: the coins back, the transaction cancelled, the wipe says screen-lost', async () => {
    const transactionId = await toPay(kiosk, RESIDENCE_X2);
    await insert(kiosk, 100, 50);
    kiosk.sessions.screenLost(transactionId);
    await until('the wipe record', () => wipes(kiosk).length === 1);
    await reach(kiosk, 'idle');
    expect(kiosk.hoppers.trayYen()).toBe(150);
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'cancelled', creditedYen: 150, paidOutYen: 150 });
    expect(wipes(kiosk)).toEqual([{ sessionId: transactionId, reason: 'screen-lost' }]);
  });

  it('once paid, while issuing: the flow still completes (certificate printed, change paid), then wipes', async () => {
    const transactionId = await toPay(kiosk, RESIDENCE_X1);
    const release = kiosk.hub.hold('certificates.issue');
    await insert(kiosk, 500);
    await reach(kiosk, 'issuing');
    kiosk.sessions.screenLost(transactionId);
    expect(kiosk.sessions.current()).toBeNull();
    await turns(20);
    expect(screen(kiosk)).toBe('issuing');
    release();
    await until('the wipe record', () => wipes(kiosk).length === 1);
    expect(wipes(kiosk)).toEqual([{ sessionId: transactionId, reason: 'screen-lost' }]);
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'completed', creditedYen: 500, paidOutYen: 300 });
    expect(kiosk.printer.printed).toHaveLength(1);
    await reach(kiosk, 'idle');
  });
});

describe('the certificate runner: a coin after the transaction closed', () => {
  it('after the certificate came out: the coin goes straight back by hopper, recorded; the kiosk keeps only the fee', async () => {
    const transactionId = await toPay(kiosk, RESIDENCE_X2);
    await insert(kiosk, 500);
    await reach(kiosk, 'take-certificate');
    kiosk.acceptor.creditInFlight(100); // on its way through when the acceptor was inhibited
    await until('the late coin paid back', () => kiosk.hoppers.trayYen() === 200);
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'completed', creditedYen: 600, paidOutYen: 200, voucherYen: 0 });
    expect(moneyOf(kiosk, transactionId)).toEqual({ creditedYen: 600, paidOutYen: 200, voucherYen: 0, feeKeptYen: 400 });
  });

  it('after a cancel returned the coins: the late coin goes back too', async () => {
    const transactionId = await toPay(kiosk, RESIDENCE_X2);
    await insert(kiosk, 100);
    expect(kiosk.flow.cancel()).toEqual({ ok: true });
    await reach(kiosk, 'cancelled');
    kiosk.acceptor.creditInFlight(50);
    await until('the late coin paid back', () => kiosk.hoppers.trayYen() === 150);
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'cancelled', creditedYen: 150, paidOutYen: 150 });
  });

  it('while the coins are being returned: the coin that came in meanwhile is returned as well', async () => {
    const transactionId = await toPay(kiosk, RESIDENCE_X2);
    await insert(kiosk, 100);
    expect(kiosk.flow.cancel()).toEqual({ ok: true });
    kiosk.acceptor.creditInFlight(10); // before the return of the 100 has started
    await reach(kiosk, 'cancelled');
    await until('every coin back', () => kiosk.hoppers.trayYen() === 110);
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'cancelled', creditedYen: 110, paidOutYen: 110 });
    expect(moneyOf(kiosk, transactionId).feeKeptYen).toBe(0);
  });

  it('after a refund, with the hoppers empty: the late coin is owed on a printed voucher, recorded for the hub', async () => {
    const transactionId = await toPay(kiosk, RESIDENCE_X1);
    kiosk.printer.paperOut();
    await insert(kiosk, 100, 100);
    await reach(kiosk, 'refunded');
    kiosk.hoppers.empty();
    kiosk.acceptor.creditInFlight(100);
    await until('the late coin on a voucher', () => ledger(kiosk, transactionId).voucherYen === 100);
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'refunded', creditedYen: 300, paidOutYen: 200, voucherYen: 100 });
    expect(cashEvents(kiosk, transactionId).at(-1)).toEqual({ type: 'cash.voucher', yen: 100 });
    expect(kiosk.receipts.receipts).toHaveLength(1);
    expect(moneyOf(kiosk, transactionId).feeKeptYen).toBe(0);
  });
});

describe('the certificate runner: closing time (23:00 JST)', () => {
  const at = (time: string): Date => new Date(`2026-12-07T${time}+09:00`);

  it('a session opened at 22:59:41 that reaches the payment at 23:00:02: told the service closed, nothing opened or taken', async () => {
    kiosk.clock.set(at('22:59:41'));
    const transactionId = await toConfirm(kiosk, RESIDENCE_X1);
    expect(kiosk.flow.confirm()).toEqual({ ok: true });
    await reach(kiosk, 'remove-card');
    kiosk.clock.set(at('23:00:02'));
    kiosk.reader.remove();
    await reach(kiosk, 'unavailable');
    expect(kiosk.flow.view()).toEqual({ screen: 'unavailable', problems: [{ kind: 'service-closed', reason: 'after-hours', reopensAt: null }] });
    expect(kiosk.transactions.get(transactionId)).toBeNull();
    expect(kiosk.acceptor.takes()).toEqual([]);
    expect(kiosk.acceptor.insert(100)).toBe(false);
    expect(kiosk.hub.count('certificates.issue')).toBe(0);
    await leave('done');
  });

  it('a payment step that began at 22:59:55 is completed after closing: the hub is told when it began', async () => {
    kiosk.clock.set(at('22:59:30'));
    const transactionId = await toConfirm(kiosk, RESIDENCE_X1);
    kiosk.clock.set(at('22:59:55'));
    expect(kiosk.flow.confirm()).toEqual({ ok: true });
    kiosk.reader.remove();
    await reach(kiosk, 'pay');
    kiosk.clock.set(at('23:00:03'));
    await insert(kiosk, 100, 100);
    await reach(kiosk, 'take-certificate');
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'completed', createdAt: at('22:59:55').toISOString() });
    expect(kiosk.hub.requests.find((request) => request.event === 'certificates.issue')?.body).toMatchObject({ paymentOpenedAt: at('22:59:55').toISOString() });
  });

  it('paid, and the hub refuses the issuance for its hours: the fee goes back, never stranded', async () => {
    const transactionId = await toPay(kiosk, RESIDENCE_X1);
    kiosk.hub.refuseIssue = 'after-hours';
    await insert(kiosk, 100, 100);
    await reach(kiosk, 'refunded');
    expect(ledger(kiosk, transactionId)).toMatchObject({ state: 'refunded', refundReason: 'issue-failed', refundReported: true, paidOutYen: 200 });
    expect(kiosk.hub.issued.size).toBe(0);
  });

  it('a quote at or after closing time is refused by the hub: no payment can follow', async () => {
    kiosk.clock.set(at('22:59:50'));
    await toChoose(kiosk);
    kiosk.clock.set(at('23:00:00'));
    await expect(kiosk.flow.quote(RESIDENCE_X1)).resolves.toMatchObject({ ok: false, error: { code: 'after-hours' } });
    await reach(kiosk, 'error');
    expect(kiosk.transactions.unfinished()).toEqual([]);
  });
});
