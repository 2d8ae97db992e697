/**
 * Fake devices for the certificate runner's fast tests, each behind the real driver contract
 * (`CardReaderDriver`, `CoinAcceptor`, `CoinDispenser`, `DocumentPrinter`, `ReceiptPrinter`): the agent
 * code under test cannot tell them from the real drivers. The card is the real JPKI emulator answering
 * the real `JpkiCard` APDUs (no PC/SC in between); the coin machine keeps the acceptor's inhibit and the
 * hoppers' stock honestly (a coin the acceptor is not open for drops back; a payout pays only what is
 * there). The real drivers on the real stacks are tested in devices/ and edge-agent/test/devices.spec.ts.
 */
import { EventEmitter } from 'node:events';
import type { KeyObject } from 'node:crypto';
import {
  ApduChannel,
  NoCardError,
  PaperOutError,
  PayoutIncompleteError,
  PrintJobFailedError,
  type CardReaderDriver,
  type CardReaderEvents,
  type CardSession,
  type CoinAcceptor,
  type CoinCredit,
  type CoinDispenser,
  type CoinRejection,
  type CommandApdu,
  type DocumentPrinter,
  type LostCreditError,
  type PayoutReason,
  type PayoutResult,
  type PrintJobResult,
  type ReaderInfo,
  type Receipt,
  type ReceiptPrinter,
  type ResponseApdu,
} from '@kiosk/devices';
import { VirtualJpkiCard } from '@kiosk/devices/virtual';
import type { CoinYen, DeviceHealth, DeviceKind, DeviceReason, DeviceStatus } from '@kiosk/protocols';
import type { Clock } from '../../src/clock';
import { ScriptedDevice } from '../support/scripted-device';

const READER = 'Fake Reader 00 00';

/** What every fake peripheral shares: id, kind, health, no-op start/stop, no malformed frames. */
abstract class FakePeripheral {
  /** The health part: a device whose health the test sets (shared with the agent's other suites). */
  protected readonly state: ScriptedDevice;

  constructor(id: string, kind: DeviceKind, clock: Clock) {
    this.state = new ScriptedDevice(id, kind, clock);
  }

  get id(): string {
    return this.state.id;
  }

  get kind(): DeviceKind {
    return this.state.kind;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  health(): DeviceHealth {
    return this.state.health();
  }

  setHealth(status: DeviceStatus, reasons: DeviceReason[] = []): void {
    this.state.setHealth(status, reasons);
  }

  onHealthChange(listener: (health: DeviceHealth) => void): () => void {
    return this.state.onHealthChange(listener);
  }

  onMalformed(): () => void {
    return () => undefined;
  }
}

/** One exclusive card operation: the real APDU channel straight on the emulator. */
class FakeCardSession implements CardSession {
  readonly reader = READER;
  private readonly channel: ApduChannel;

  constructor(readonly card: VirtualJpkiCard) {
    this.channel = new ApduChannel((apdu) => Promise.resolve(card.process(apdu)), { extendedLength: true });
  }

  get atr(): Buffer {
    return this.card.atr;
  }
  get apduCount(): number {
    return this.channel.apduCount;
  }
  get extendedLength(): boolean {
    return this.channel.extendedLength;
  }
  get maxResponseLength(): number {
    return this.channel.maxResponseLength;
  }
  transmit(command: CommandApdu): Promise<ResponseApdu> {
    return this.channel.transmit(command);
  }
}

/** A card reader with one slot; the test inserts and removes emulated cards. */
export class FakeCardReader extends EventEmitter<CardReaderEvents> implements CardReaderDriver {
  private card: VirtualJpkiCard | null = null;
  private readonly state: ScriptedDevice;

  constructor(clock: Clock) {
    super();
    this.state = new ScriptedDevice('card-reader', 'card-reader', clock);
  }

  get id(): string {
    return this.state.id;
  }
  readonly kind = 'card-reader' as const;

  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  health(): DeviceHealth {
    return this.state.health();
  }
  onHealthChange(listener: (health: DeviceHealth) => void): () => void {
    return this.state.onHealthChange(listener);
  }

  readers(): ReaderInfo[] {
    return [{ name: READER, selected: true, cardPresent: this.card !== null, cardMute: false }];
  }

  selectedReader(): ReaderInfo | null {
    return this.readers()[0] ?? null;
  }

  insert(card: VirtualJpkiCard): void {
    this.card = card;
    this.emit('card-inserted', { reader: READER, selected: true, atr: card.atr });
  }

  remove(): void {
    if (!this.card) return;
    this.card.reset();
    this.card = null;
    this.emit('card-removed', { reader: READER, selected: true });
  }

  async withExclusiveCard<T>(operation: (card: CardSession) => Promise<T>): Promise<T> {
    const card = this.card;
    if (!card) throw new NoCardError(READER);
    try {
      return await operation(new FakeCardSession(card));
    } finally {
      card.reset(); // the real driver disconnects with a reset: a verified PIN is forgotten
    }
  }
}

/** A My Number card of the emulator with this certificate, key and PIN. */
export function myNumberCard(certificate: Buffer, privateKey: KeyObject, pin: string): VirtualJpkiCard {
  return new VirtualJpkiCard({ certificate, privateKey, pin });
}

/** The coin acceptor: takes a coin only while open for its value, as the real one's inhibits do. */
export class FakeCoinAcceptor extends FakePeripheral implements CoinAcceptor {
  private accepting: readonly CoinYen[] = [];
  private counter = 0;
  private readonly credits = new Set<(credit: CoinCredit) => void>();
  private readonly rejections = new Set<(rejection: CoinRejection) => void>();

  constructor(private readonly clock: Clock) {
    super('coin-acceptor', 'coin-acceptor', clock);
  }

  /** The coins it takes now (empty: inhibited). */
  takes(): readonly CoinYen[] {
    return this.accepting;
  }

  enable(coins: readonly CoinYen[] = [10, 50, 100, 500]): Promise<void> {
    this.accepting = [...coins];
    return Promise.resolve();
  }

  disable(): Promise<void> {
    this.accepting = [];
    return Promise.resolve();
  }

  /** A person drops a coin in: credited when the acceptor is open for it, else it drops to the return tray. */
  insert(coinYen: CoinYen): boolean {
    if (!this.accepting.includes(coinYen)) {
      for (const listener of [...this.rejections]) listener({ errorCode: 2, at: this.clock.now().toISOString() });
      return false;
    }
    this.credit(coinYen);
    return true;
  }

  /**
   * A coin that was already on its way through when the acceptor was inhibited (a real acceptor reports it
   * on its next poll): credited whatever the inhibit says now.
   */
  creditInFlight(coinYen: CoinYen): void {
    this.credit(coinYen);
  }

  onCredit(listener: (credit: CoinCredit) => void): () => void {
    this.credits.add(listener);
    return () => this.credits.delete(listener);
  }
  onRejected(listener: (rejection: CoinRejection) => void): () => void {
    this.rejections.add(listener);
    return () => this.rejections.delete(listener);
  }
  onLostCredit(_listener: (error: LostCreditError) => void): () => void {
    return () => undefined;
  }
  acknowledgeLostCredit(): void {}

  private credit(coinYen: CoinYen): void {
    this.counter = (this.counter % 255) + 1;
    const credit: CoinCredit = { coinYen, eventCounter: this.counter, at: this.clock.now().toISOString() };
    for (const listener of [...this.credits]) listener(credit);
  }
}

/** The hoppers: a stock per coin value, paid largest first; what is not there is not paid. */
export class FakeHoppers extends FakePeripheral implements CoinDispenser {
  private readonly stock = new Map<CoinYen, number>();
  private readonly payouts = new Set<(result: PayoutResult) => void>();
  private readonly payable = new Set<(coins: readonly CoinYen[]) => void>();
  /** Every coin that went to the tray. */
  readonly tray: CoinYen[] = [];

  constructor(clock: Clock, stock: Partial<Record<CoinYen, number>> = { 10: 50, 50: 50, 100: 50, 500: 20 }) {
    super('coin-hopper', 'coin-hopper', clock);
    this.refill(stock);
  }

  /** Sets the stock of each named coin; a hopper left without coins is empty. */
  refill(stock: Partial<Record<CoinYen, number>>): void {
    for (const [coin, count] of Object.entries(stock)) this.stock.set(Number(coin) as CoinYen, count);
    this.changed();
  }

  empty(): void {
    for (const coin of this.stock.keys()) this.stock.set(coin, 0);
    this.changed();
  }

  payableCoins(): readonly CoinYen[] {
    return [...this.stock.entries()].filter(([, count]) => count > 0).map(([coin]) => coin).sort((a, b) => b - a);
  }

  onPayableChange(listener: (coins: readonly CoinYen[]) => void): () => void {
    this.payable.add(listener);
    return () => this.payable.delete(listener);
  }

  onPayout(listener: (result: PayoutResult) => void): () => void {
    this.payouts.add(listener);
    return () => this.payouts.delete(listener);
  }

  payout(amountYen: number, reason: PayoutReason): Promise<PayoutResult> {
    let left = amountYen;
    const coins: Array<{ coinYen: CoinYen; count: number }> = [];
    for (const coin of this.payableCoins()) {
      const count = Math.min(Math.floor(left / coin), this.stock.get(coin) ?? 0);
      if (count === 0) continue;
      this.stock.set(coin, (this.stock.get(coin) ?? 0) - count);
      for (let i = 0; i < count; i++) this.tray.push(coin);
      coins.push({ coinYen: coin, count });
      left -= coin * count;
    }
    const result: PayoutResult = { reason, requestedYen: amountYen, paidYen: amountYen - left, unpaidYen: left, coins };
    // The contract: the payout event with what was paid comes first, whatever the outcome.
    for (const listener of [...this.payouts]) listener(result);
    if (coins.length > 0) this.changed();
    return left === 0 ? Promise.resolve(result) : Promise.reject(new PayoutIncompleteError(amountYen, result.paidYen, left));
  }

  trayYen(): number {
    return this.tray.reduce((sum, coin) => sum + coin, 0);
  }

  private changed(): void {
    const coins = this.payableCoins();
    this.setHealth(coins.length > 0 ? 'ok' : 'warning', coins.length > 0 ? [] : ['hopper-empty']);
    for (const listener of [...this.payable]) listener(coins);
  }
}

/** The A4 printer: prints (keeps the PDF's size, never its content) unless the test ran it out of paper. */
export class FakeDocumentPrinter extends FakePeripheral implements DocumentPrinter {
  private nextJob = 1;
  /** Sizes of the PDFs printed, in order. */
  readonly printed: number[] = [];
  /** Set: the next job fails with paper out although the printer said it was ready. */
  paperRunsOutMidJob = false;
  private held: Promise<void> | null = null;

  constructor(clock: Clock) {
    super('document-printer', 'document-printer', clock);
  }

  paperOut(): void {
    this.setHealth('error', ['media-empty']);
  }

  /** Jobs take until the returned function is called (a slow printer). */
  holdJobs(): () => void {
    let release = (): void => undefined;
    this.held = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.held = null;
      release();
    };
  }

  async printPdf(pdf: Uint8Array): Promise<PrintJobResult> {
    const jobId = this.nextJob++;
    await this.held;
    if (this.paperRunsOutMidJob || this.health().status === 'error') throw new PrintJobFailedError('aborted', jobId, ['media-empty']);
    this.printed.push(pdf.length);
    return { jobId, state: 'completed' };
  }

  testPrint(): Promise<void> {
    return Promise.resolve();
  }
}

/** The receipt printer: keeps each receipt's text lines (receipts and vouchers carry no personal data). */
export class FakeReceiptPrinter extends FakePeripheral implements ReceiptPrinter {
  readonly receipts: Receipt[] = [];

  constructor(clock: Clock) {
    super('receipt-printer', 'receipt-printer', clock);
  }

  paperOut(): void {
    this.setHealth('error', ['paper-end']);
  }

  print(receipt: Receipt): Promise<void> {
    if (this.health().status === 'error') return Promise.reject(new PaperOutError(this.id));
    this.receipts.push(receipt);
    return Promise.resolve();
  }

  testPrint(): Promise<void> {
    return Promise.resolve();
  }

  reset(): Promise<void> {
    return Promise.resolve();
  }
}
