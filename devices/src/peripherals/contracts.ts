import type { CoinYen, DeviceHealth, DeviceKind } from '@kiosk/protocols';
import type { Receipt } from './escpos/commands';
import type { FrameParseError, LostCreditError } from './errors';

/**
 * The small interfaces the agent programs against (style.md: contract, real driver, virtual device).
 * Every driver here satisfies the agent's `ManagedDevice` shape (id, kind, health, onHealthChange) and adds
 * its own verbs. Subscriptions return an unsubscribe function.
 */
export interface Peripheral {
  readonly id: string;
  readonly kind: DeviceKind;
  /** Begins connecting and polling; resolves after the first attempt, connected or not. */
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): DeviceHealth;
  onHealthChange(listener: (health: DeviceHealth) => void): () => void;
  /** Device frames that failed to parse (counted and reported; the driver carries on). */
  onMalformed(listener: (error: FrameParseError) => void): () => void;
}

export interface ReceiptPrinter extends Peripheral {
  /**
   * Resolves only when the printer confirmed the whole receipt was printed. Rejects with PaperOutError,
   * PrinterNotReadyError, DeviceDisconnectedError, DeviceTimeoutError or ReceiptEncodingError otherwise.
   */
  print(receipt: Receipt): Promise<void>;
  testPrint(): Promise<void>;
  /** Clears the printer's buffers and re-reads its status. */
  reset(): Promise<void>;
}

export interface PrintPdfOptions {
  /** Shown in the queue; never personal data (use the transaction id). */
  jobName: string;
  timeoutMs?: number;
}

export interface PrintJobResult {
  jobId: number;
  state: 'completed';
}

export interface DocumentPrinter extends Peripheral {
  /** Resolves only when CUPS reports the job `completed`; rejects with PrintJobFailedError otherwise. */
  printPdf(pdf: Uint8Array, options: PrintPdfOptions): Promise<PrintJobResult>;
  testPrint(): Promise<void>;
}

export interface CoinCredit {
  coinYen: CoinYen;
  /** The acceptor's event counter for this coin (1-255, wrapping), for audit. */
  eventCounter: number;
  at: string;
}

export interface CoinRejection {
  /** ccTalk error code from the credit buffer (e.g. 1 reject coin, 2 inhibited coin). */
  errorCode: number;
  at: string;
}

export interface CoinAcceptor extends Peripheral {
  /** Accept these coins (default all four); master inhibit off. */
  enable(coins?: readonly CoinYen[]): Promise<void>;
  /** Accept nothing (master inhibit on). */
  disable(): Promise<void>;
  /** One event per accepted coin, in order. The agent commits each as `cash.credit`. */
  onCredit(listener: (credit: CoinCredit) => void): () => void;
  onRejected(listener: (rejection: CoinRejection) => void): () => void;
  /** Coins were accepted whose credit could not be read: never silent; health stays `lost-credit`. */
  onLostCredit(listener: (error: LostCreditError) => void): () => void;
  /** A technician has reconciled the cash box: clears `lost-credit`. */
  acknowledgeLostCredit(): void;
}

export type PayoutReason = 'change' | 'refund';

export interface PayoutResult {
  reason: PayoutReason;
  requestedYen: number;
  paidYen: number;
  unpaidYen: number;
  coins: Array<{ coinYen: CoinYen; count: number }>;
}

export interface CoinDispenser extends Peripheral {
  /**
   * Pays `amountYen` from the hoppers. Resolves with the result when all was paid; rejects with
   * PayoutIncompleteError (which says what was paid) when a hopper ran empty or jammed. Either way a
   * `payout` event with the amount actually paid is emitted first, so the agent can commit it.
   */
  payout(amountYen: number, reason: PayoutReason): Promise<PayoutResult>;
  onPayout(listener: (result: PayoutResult) => void): () => void;
  /**
   * The coin values the hoppers can pay right now: a hopper that answers, has no fault, has not come up
   * short and is above its low-level sensor (a hopper at its low level is treated as empty, as vending
   * machines light 釣銭切れ). Empty when no change can be given. Largest first.
   */
  payableCoins(): readonly CoinYen[];
  /** Calls back whenever `payableCoins()` changes (a hopper ran low or empty, was refilled, jammed, reconnected). */
  onPayableChange(listener: (coins: readonly CoinYen[]) => void): () => void;
}

export interface BarcodeScanner extends Peripheral {
  /** One event per scanned code (the scanner's Enter ends a code). */
  onBarcode(listener: (code: string) => void): () => void;
}

export type PinPadKey = { type: 'digit'; digit: number } | { type: 'clear' } | { type: 'cancel' } | { type: 'enter' };

export interface PinPad extends Peripheral {
  /** Key presses. Digits go to the caller only: drivers never log or keep them. */
  onKey(listener: (key: PinPadKey) => void): () => void;
}
