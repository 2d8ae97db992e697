import type { FrameParseError } from '../errors';
import { encodeProcessIdResponse } from '../escpos/responses';
import { encodeRealtimeStatus, type FullStatus } from '../escpos/status';
import { EscPosParser, type EscPosToken } from '../escpos/stream-parser';
import { ReceiptRenderer } from '../escpos/render';

export interface CapturedReceipt {
  text: string;
  /** false for a receipt abandoned mid-way (buffers cleared after a fault): on paper, but never cut. */
  cut: boolean;
  at: string;
}

export interface VirtualPrinterState {
  /** Lines of paper left on the roll (Infinity for a fresh roll in the demo). */
  paperLines: number;
  nearEndLines: number;
  coverOpen: boolean;
  jam: boolean;
  /** DLE EOT requests still to be left unanswered, as a busy printer or a reply lost on the line would. */
  unansweredStatusRequests: number;
  /**
   * DLE EOT requests still to be answered late, as a printer busy past the host's timeout would: the answer
   * (the state when asked) is held until the device sends it, or until the next status request, which a
   * printer answers only after the ones before it.
   */
  lateStatusRequests: number;
}

export interface VirtualPrinterSnapshot extends VirtualPrinterState {
  paper: 'ok' | 'near-end' | 'out';
  online: boolean;
  queuedCommands: number;
  receipts: number;
  malformed: number;
}

/**
 * The receipt printer's behaviour without any I/O: bytes in, answer bytes out. Real-time commands (DLE EOT,
 * DLE DC4 clear) are handled on arrival; everything else queues for the print engine, which runs only while
 * the printer is online (paper, cover closed, no jam) and uses one line of paper per printed line. A
 * process-id request is answered when the engine reaches it, i.e. after everything before it printed.
 */
export class VirtualPrinterEngine {
  private readonly parser = new EscPosParser();
  private renderer = new ReceiptRenderer();
  private queue: EscPosToken[] = [];
  private readonly captured: CapturedReceipt[] = [];
  private malformedCount = 0;
  /** Status answers held back by `lateStatusRequests`, oldest first. */
  private heldStatusReplies: number[] = [];
  readonly state: VirtualPrinterState = {
    paperLines: Number.POSITIVE_INFINITY,
    nearEndLines: 30,
    coverOpen: false,
    jam: false,
    unansweredStatusRequests: 0,
    lateStatusRequests: 0,
  };

  constructor(private readonly now: () => Date = () => new Date()) {}

  /**
   * Feeds received bytes; returns the bytes the printer sends back now, and how many status answers it held
   * back to send late (each to be fetched with `takeLateStatusReply()`).
   */
  receive(bytes: Uint8Array): { reply: Buffer; heldStatusReplies: number; errors: FrameParseError[] } {
    const { tokens, errors } = this.parser.push(bytes);
    this.malformedCount += errors.length;
    const replies: Buffer[] = [];
    let held = 0;
    for (const token of tokens) {
      if (token.type === 'status-request') {
        const answer = this.statusReply(token.n);
        if (answer === 'held') held += 1;
        else replies.push(answer);
      } else if (token.type === 'clear-buffers') this.clearBuffers();
      else this.queue.push(token);
    }
    replies.push(this.run());
    return { reply: Buffer.concat(replies), heldStatusReplies: held, errors };
  }

  /** The oldest status answer held back, now due; empty when it already went out ahead of a later answer. */
  takeLateStatusReply(): Buffer {
    const byte = this.heldStatusReplies.shift();
    return byte === undefined ? Buffer.alloc(0) : Buffer.from([byte]);
  }

  /** Call after changing `state`: a printer put back online resumes its queue. */
  resume(): Buffer {
    return this.run();
  }

  get online(): boolean {
    return this.state.paperLines > 0 && !this.state.coverOpen && !this.state.jam;
  }

  fullStatus(): FullStatus {
    const paperEnd = this.state.paperLines <= 0;
    return {
      printer: { offline: !this.online, waitingForRecovery: false },
      offline: { coverOpen: this.state.coverOpen, feedButton: false, paperEndStop: paperEnd, errorOccurred: this.state.jam },
      error: { autocutter: this.state.jam, unrecoverable: false, autoRecoverable: false },
      paper: { nearEnd: this.state.paperLines <= this.state.nearEndLines, paperEnd },
    };
  }

  receipts(): CapturedReceipt[] {
    return [...this.captured];
  }

  clearReceipts(): void {
    this.captured.length = 0;
  }

  /** What has printed since the last cut. */
  pendingText(): string {
    return this.renderer.pendingText();
  }

  snapshot(): VirtualPrinterSnapshot {
    const { paperLines } = this.state;
    return {
      ...this.state,
      paper: paperLines <= 0 ? 'out' : paperLines <= this.state.nearEndLines ? 'near-end' : 'ok',
      online: this.online,
      queuedCommands: this.queue.length,
      receipts: this.captured.length,
      malformed: this.malformedCount,
    };
  }

  private statusReply(n: number): Buffer | 'held' {
    if (this.state.unansweredStatusRequests > 0) {
      this.state.unansweredStatusRequests -= 1;
      return Buffer.alloc(0);
    }
    const byte = this.statusByte(n);
    if (this.state.lateStatusRequests > 0) {
      this.state.lateStatusRequests -= 1;
      this.heldStatusReplies.push(byte);
      return 'held';
    }
    // Answers go out in the order asked: any held back go first.
    return Buffer.from([...this.heldStatusReplies.splice(0), byte]);
  }

  private statusByte(n: number): number {
    const status = this.fullStatus();
    if (n === 1) return encodeRealtimeStatus({ kind: 1, ...status.printer });
    if (n === 2) return encodeRealtimeStatus({ kind: 2, ...status.offline });
    if (n === 3) return encodeRealtimeStatus({ kind: 3, ...status.error });
    return encodeRealtimeStatus({ kind: 4, ...status.paper });
  }

  private run(): Buffer {
    const replies: Buffer[] = [];
    while (this.queue.length && this.online) {
      const token = this.queue.shift() as EscPosToken;
      if (token.type === 'process-id-request') {
        replies.push(encodeProcessIdResponse(token.id));
        continue;
      }
      if (token.type === 'lf') this.usePaper(1);
      if (token.type === 'feed') {
        // A feed longer than the paper left prints what fits, then the printer stops at paper end.
        const lines = Math.min(token.lines, this.state.paperLines);
        this.usePaper(lines);
        if (lines < token.lines) {
          this.queue.unshift({ type: 'feed', lines: token.lines - lines });
          this.renderer.apply({ type: 'feed', lines });
          continue;
        }
      }
      const text = this.renderer.apply(token);
      if (text !== undefined) this.captured.push({ text, cut: true, at: this.now().toISOString() });
    }
    return Buffer.concat(replies);
  }

  private usePaper(lines: number): void {
    this.state.paperLines = Math.max(0, this.state.paperLines - lines);
  }

  private clearBuffers(): void {
    this.queue = [];
    const pending = this.renderer.pendingText();
    if (pending) this.captured.push({ text: pending, cut: false, at: this.now().toISOString() });
    this.renderer = new ReceiptRenderer();
  }
}
