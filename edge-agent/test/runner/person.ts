/**
 * A person at the runner kiosk: the steps of a certificate purchase as the screen's commands (what the
 * `/ui` namespace calls on the flow) and the hands on the devices, each step waiting (in event-loop turns,
 * never in time) until the flow reached the screen it leads to.
 */
import type { CertificateOrder, CertificateScreen, CoinYen } from '@kiosk/protocols';
import type { CertificateTransaction } from '../../src/certificates/transaction-store';
import { PIN, RESIDENCE_X2, type RunnerKiosk } from './runner-kiosk';

/** Lets the flow's effects run: a few event-loop turns (effects chain promises and setImmediate). */
export async function turns(count = 5): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Turns the event loop until `check` holds (a bounded number of turns, no timer): fails naming what it waited for. */
export async function until(what: string, check: () => boolean, maxTurns = 2_000): Promise<void> {
  for (let i = 0; i < maxTurns; i++) {
    if (check()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}

export function screen(kiosk: RunnerKiosk): CertificateScreen {
  return kiosk.flow.view().screen;
}

export async function reach(kiosk: RunnerKiosk, wanted: CertificateScreen): Promise<void> {
  await until(`screen ${wanted} (on ${screen(kiosk)}; went ${kiosk.screens.join(' → ')})`, () => screen(kiosk) === wanted);
}

/** Taps "certificates": a session begins and the flow starts (the preflight runs). Returns the transaction id. */
export function begin(kiosk: RunnerKiosk): string {
  const begun = kiosk.sessions.begin({ service: 'certificates', language: 'ja' });
  if (!begun.ok) throw new Error(`session.begin refused: ${begun.error.message}`);
  const started = kiosk.flow.startFlow();
  if (!started.ok) throw new Error(`certificates.start refused: ${started.error.message}`);
  return begun.sessionId;
}

/** The screen's idle timeout, or its cancel/done: `session.end` with its reason (what the `/ui` handler does). */
export function endSession(kiosk: RunnerKiosk, reason: 'done' | 'cancelled' | 'idle-timeout'): void {
  kiosk.sessions.end({ reason });
}

export async function typePin(kiosk: RunnerKiosk, pin: string): Promise<void> {
  for (const digit of pin) expectOk(kiosk.flow.pinKey({ type: 'digit', digit: Number(digit) }), `PIN digit`);
  expectOk(kiosk.flow.pinKey({ type: 'enter' }), 'PIN enter');
  await turns();
}

/** Begins, inserts the card and reaches the PIN screen. */
export async function toPin(kiosk: RunnerKiosk, card = kiosk.card): Promise<string> {
  const transactionId = begin(kiosk);
  await reach(kiosk, 'insert-card');
  kiosk.reader.insert(card);
  await reach(kiosk, 'pin');
  return transactionId;
}

export async function toChoose(kiosk: RunnerKiosk): Promise<string> {
  const transactionId = await toPin(kiosk);
  await typePin(kiosk, PIN);
  await reach(kiosk, 'choose');
  return transactionId;
}

export async function toConfirm(kiosk: RunnerKiosk, order: CertificateOrder = RESIDENCE_X2): Promise<string> {
  const transactionId = await toChoose(kiosk);
  const quoted = await kiosk.flow.quote(order);
  if (!quoted.ok) throw new Error(`quote refused: ${quoted.error.message}`);
  await reach(kiosk, 'confirm');
  return transactionId;
}

/** Confirms, takes the card out when asked, and reaches the pay screen (the acceptor open). */
export async function toPay(kiosk: RunnerKiosk, order: CertificateOrder = RESIDENCE_X2): Promise<string> {
  const transactionId = await toConfirm(kiosk, order);
  expectOk(kiosk.flow.confirm(), 'confirm');
  await reach(kiosk, 'remove-card');
  kiosk.reader.remove();
  await reach(kiosk, 'pay');
  return transactionId;
}

/** Drops coins in one by one, each given its turns (the acceptor reports coins one poll at a time). */
export async function insert(kiosk: RunnerKiosk, ...coins: CoinYen[]): Promise<void> {
  for (const coin of coins) {
    kiosk.acceptor.insert(coin);
    await turns();
  }
}

export function ledger(kiosk: RunnerKiosk, transactionId: string): CertificateTransaction {
  const row = kiosk.transactions.get(transactionId);
  if (!row) throw new Error(`no ledger row for ${transactionId}`);
  return row;
}

/** The `cash.*` events recorded for the transaction, as the hub will receive them. */
export function cashEvents(kiosk: RunnerKiosk, transactionId: string): Array<{ type: string; yen: number }> {
  return kiosk.store.outbox
    .peek(10_000)
    .filter((event) => event.type.startsWith('cash.'))
    .map((event) => ({ type: event.type, payload: event.payload as { transactionId: string; coinYen?: number; amountYen?: number } }))
    .filter((event) => event.payload.transactionId === transactionId)
    .map((event) => ({ type: event.type, yen: event.payload.coinYen ?? event.payload.amountYen ?? 0 }));
}

/**
 * The transaction's money as the hub's cash ledger will see it: credited = fee kept + paid out + vouchers,
 * for a transaction that is settled. `feeKeptYen`: what the kiosk kept.
 */
export function moneyOf(kiosk: RunnerKiosk, transactionId: string): { creditedYen: number; paidOutYen: number; voucherYen: number; feeKeptYen: number } {
  const sum = (type: string): number => cashEvents(kiosk, transactionId).filter((event) => event.type === type).reduce((total, event) => total + event.yen, 0);
  const creditedYen = sum('cash.credit');
  const paidOutYen = sum('cash.payout');
  const voucherYen = sum('cash.voucher');
  return { creditedYen, paidOutYen, voucherYen, feeKeptYen: creditedYen - paidOutYen - voucherYen };
}

/** The `session.wiped` records, oldest first. */
export function wipes(kiosk: RunnerKiosk): Array<{ sessionId: string; reason: string }> {
  return kiosk.store.outbox
    .peek(10_000)
    .filter((event) => event.type === 'session.wiped')
    .map((event) => event.payload as { sessionId: string; reason: string })
    .map(({ sessionId, reason }) => ({ sessionId, reason }));
}

function expectOk(ack: { ok: boolean; error?: { message: string } }, what: string): void {
  if (!ack.ok) throw new Error(`${what} refused: ${ack.error?.message ?? ''}`);
}
