import { Listeners } from '../events';
import type { PeripheralLogger } from '../logger';
import type { SerialLinkFactory } from '../serial/serial-link';
import type { FullStatus } from '../escpos/status';
import { VirtualPrinterEngine, type CapturedReceipt, type VirtualPrinterSnapshot } from './escpos-engine';
import { VirtualSerialDevice } from './virtual-serial-device';

export interface VirtualReceiptPrinterOptions {
  dir: string;
  /** Link name; the driver's identity is `{ path: <dir>/<name> }`. Default `receipt-printer`. */
  name?: string;
  factory?: SerialLinkFactory;
  logger?: PeripheralLogger;
}

/**
 * An ESC/POS receipt printer on the far end of a socat pty pair. The real driver talks to it through a real
 * tty; the device panel and tests drive its faults and read what it printed.
 */
export class VirtualReceiptPrinter extends VirtualSerialDevice<VirtualPrinterSnapshot> {
  private readonly engine = new VirtualPrinterEngine();
  private readonly printed: Listeners<CapturedReceipt>;
  private seenReceipts = 0;
  private lateReplyDelayMs = 0;
  private readonly lateReplyTimers = new Set<NodeJS.Timeout>();

  private constructor(options: VirtualReceiptPrinterOptions) {
    super(options, { defaultName: 'receipt-printer', baudRate: 38400, changeLabel: 'virtual printer change' });
    this.printed = new Listeners('virtual printer receipt', options.logger);
  }

  static async start(options: VirtualReceiptPrinterOptions): Promise<VirtualReceiptPrinter> {
    const printer = new VirtualReceiptPrinter(options);
    await printer.host.plug();
    return printer;
  }

  // ---- controls (device panel, tests) ----

  /** A new roll: `lines` of paper (default: plenty). */
  loadPaper(lines = Number.POSITIVE_INFINITY): void {
    this.mutate(() => {
      this.engine.state.paperLines = lines;
    });
  }

  /** Paper near its end: still prints, sensor says near-end. */
  setPaperNearEnd(): void {
    this.loadPaper(this.engine.state.nearEndLines);
  }

  setPaperOut(): void {
    this.loadPaper(0);
  }

  setCoverOpen(open: boolean): void {
    this.mutate(() => {
      this.engine.state.coverOpen = open;
    });
  }

  setJam(jammed: boolean): void {
    this.mutate(() => {
      this.engine.state.jam = jammed;
    });
  }

  /** Leaves the next `count` status requests (DLE EOT) unanswered; the printer answers again after them. */
  skipStatusReplies(count: number): void {
    this.mutate(() => {
      this.engine.state.unansweredStatusRequests = count;
    });
  }

  /**
   * Answers the next `count` status requests (DLE EOT) `delayMs` late, each with the state when it was asked;
   * a status request in between gets the held answers first, then its own, as a printer answers in order.
   */
  delayStatusReplies(count: number, delayMs: number): void {
    this.lateReplyDelayMs = delayMs;
    this.mutate(() => {
      this.engine.state.lateStatusRequests = count;
    });
  }

  // ---- what it printed and its state ----

  receipts(): CapturedReceipt[] {
    return this.engine.receipts();
  }

  /** Text printed since the last cut. */
  pendingText(): string {
    return this.engine.pendingText();
  }

  clearReceipts(): void {
    this.engine.clearReceipts();
    this.seenReceipts = 0;
    this.emitChange();
  }

  /** The state its status answers report now. */
  fullStatus(): FullStatus {
    return this.engine.fullStatus();
  }

  snapshot(): VirtualPrinterSnapshot & { plugged: boolean } {
    return { ...this.engine.snapshot(), plugged: this.host.plugged };
  }

  onReceipt(listener: (receipt: CapturedReceipt) => void): () => void {
    return this.printed.add(listener);
  }

  override async stop(): Promise<void> {
    this.lateReplyTimers.forEach((timer) => clearTimeout(timer));
    this.lateReplyTimers.clear();
    await super.stop();
  }

  protected receive(bytes: Buffer): Buffer {
    return this.after(() => {
      const { reply, heldStatusReplies } = this.engine.receive(bytes);
      for (let i = 0; i < heldStatusReplies; i += 1) this.sendLateStatusReply();
      return reply;
    });
  }

  private sendLateStatusReply(): void {
    const timer = setTimeout(() => {
      this.lateReplyTimers.delete(timer);
      const reply = this.engine.takeLateStatusReply();
      if (reply.length) this.host.send(reply);
    }, this.lateReplyDelayMs);
    this.lateReplyTimers.add(timer);
  }

  private mutate(change: () => void): void {
    change();
    const reply = this.after(() => this.engine.resume());
    if (reply.length) this.host.send(reply);
  }

  /** Runs an engine step, then announces new receipts and the new state. */
  private after(step: () => Buffer): Buffer {
    const reply = step();
    const receipts = this.engine.receipts();
    for (const receipt of receipts.slice(this.seenReceipts)) this.printed.emit(receipt);
    this.seenReceipts = receipts.length;
    this.emitChange();
    return reply;
  }
}
