import type {
  CardAuthFailureReason,
  CardTrouble,
  CertificateFlowErrorCode,
  CertificateMenuItem,
  CertificateOrder,
  CertificatePreflightProblem,
  CertificateQuoteView,
  CertificateRefundReason,
  CertificateType,
  EligibilityReason,
  HouseholdMember,
  ServiceClosedReason,
} from '@kiosk/protocols';

/**
 * The certificate machine's vocabulary (flow-machine.ts holds its transitions): the states a flow can be in,
 * the events that move it (screen commands, devices, the outcomes of effects), and the effects the runner
 * carries out after a transition.
 */

/** What the hub told about the resident after the card was checked: personal data, dropped on wipe. */
export interface ResidentContext {
  municipality: string;
  household: HouseholdMember[];
  menu: CertificateMenuItem[];
}

export type FlowState =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'unavailable'; problems: CertificatePreflightProblem[] }
  | { kind: 'insert-card'; municipality: string }
  | { kind: 'reading-card'; municipality: string }
  | { kind: 'not-a-my-number-card'; municipality: string }
  | { kind: 'card-trouble'; municipality: string; trouble: CardTrouble }
  | { kind: 'pin'; municipality: string; triesLeft: number | null; wrongLength: boolean }
  | { kind: 'verifying'; municipality: string }
  | { kind: 'card-locked'; municipality: string }
  | { kind: 'card-refused'; reason: CardAuthFailureReason }
  | { kind: 'choose'; resident: ResidentContext; refusal: { certificateType: CertificateType; reason: EligibilityReason } | null; quoting: boolean }
  | { kind: 'confirm'; resident: ResidentContext; quote: CertificateQuoteView }
  | { kind: 'remove-card'; quote: CertificateQuoteView }
  /** The transaction is recorded and the coin acceptor is being opened; `pay` follows once it is. */
  | { kind: 'opening-payment'; quote: CertificateQuoteView; insertedYen: number }
  | { kind: 'pay'; quote: CertificateQuoteView; insertedYen: number }
  /** Cancelled, finished (or the session ended) with the card in the reader: data wiped, ends once the card is out. */
  | { kind: 'ending-remove-card' }
  /** A new flow started while a card of an earlier visit was still in the reader: its preflight runs once the card is out. */
  | { kind: 'card-left-behind' }
  | { kind: 'returning-coins'; amountYen: number }
  | { kind: 'cancelled'; returnedYen: number; unreturnedYen: number }
  | { kind: 'paying-change'; quote: CertificateQuoteView; changeYen: number }
  /** `changeYen`: the change that was due; `unpaidChangeYen`: the part of it the hopper could not pay (owed). */
  | { kind: 'issuing'; quote: CertificateQuoteView; changeYen: number; unpaidChangeYen: number }
  | { kind: 'printing'; quote: CertificateQuoteView; changeYen: number; unpaidChangeYen: number; stage: 'certificate' | 'receipt' }
  /** `changeYen`: paid out (in the tray); `unpaidChangeYen`: still owed, on a voucher when `voucherPrinted`. */
  | { kind: 'take-certificate'; copies: number; changeYen: number; unpaidChangeYen: number; voucherPrinted: boolean; receiptPrinted: boolean }
  | { kind: 'refunding'; amountYen: number; reason: CertificateRefundReason }
  | { kind: 'refunded'; amountYen: number; hopperYen: number; voucherYen: number; reason: CertificateRefundReason }
  | { kind: 'done' }
  | { kind: 'error'; code: CertificateFlowErrorCode; message: string };

export type FlowStateKind = FlowState['kind'];

export type FlowEvent =
  | { type: 'start' }
  | { type: 'preflight-passed'; municipality: string; cardPresent: boolean }
  | { type: 'preflight-failed'; problems: CertificatePreflightProblem[] }
  | { type: 'card-inserted' }
  | { type: 'card-removed' }
  | { type: 'card-read'; triesLeft: number }
  | { type: 'card-not-my-number' }
  | { type: 'card-trouble'; trouble: CardTrouble }
  | { type: 'pin-entered'; digits: number }
  | { type: 'pin-wrong'; triesLeft: number }
  | { type: 'pin-locked' }
  | { type: 'card-verified'; resident: ResidentContext }
  | { type: 'card-refused'; reason: CardAuthFailureReason }
  | { type: 'quote-requested'; order: CertificateOrder }
  | { type: 'quoted'; quote: CertificateQuoteView }
  | { type: 'quote-refused'; certificateType: CertificateType; reason: EligibilityReason | null }
  | { type: 'back' }
  | { type: 'confirm'; cardPresent: boolean }
  | { type: 'payment-opened' }
  /** The coin acceptor could not be opened: nothing can be paid. */
  | { type: 'payment-unavailable' }
  /** The service closed before the payment step could start (service-hours-rule.ts): nothing is taken. */
  | { type: 'payment-closed'; reason: ServiceClosedReason; reopensAt: string | null }
  | { type: 'credit'; insertedYen: number }
  | { type: 'cancel'; cardPresent: boolean }
  | { type: 'session-ended'; cardPresent: boolean }
  | { type: 'coins-returned'; returnedYen: number; unreturnedYen: number }
  /** The hopper paid the change, all of it or not: `unpaidYen` is what it could not pay. */
  | { type: 'change-paid'; unpaidYen: number }
  | { type: 'issued' }
  | { type: 'issue-failed' }
  | { type: 'certificate-printed' }
  | { type: 'print-failed' }
  /**
   * The receipt is done and the change settled: `changePaidYen` went out of the hopper, `changeUnpaidYen`
   * is owed (recorded in the ledger), covered by a printed voucher (the receipt or its own) when `voucherPrinted`.
   */
  | { type: 'receipt-done'; printed: boolean; changePaidYen: number; changeUnpaidYen: number; voucherPrinted: boolean }
  | { type: 'refund-done'; hopperYen: number; voucherYen: number }
  | { type: 'failed'; code: CertificateFlowErrorCode; message: string }
  | { type: 'finish'; cardPresent: boolean }
  | { type: 'wiped' };

export type FlowEventType = FlowEvent['type'];

/** What the runner must do after a transition, in order. */
export type FlowEffect =
  | { kind: 'run-preflight' }
  | { kind: 'read-card' }
  /** Take the PIN from the entry buffer, get a challenge, VERIFY + SIGN in one card transaction, hub verify. */
  | { kind: 'authenticate-card' }
  | { kind: 'reset-pin' }
  | { kind: 'request-quote'; order: CertificateOrder }
  /** Record the transaction (fee, no personal data), open the coin acceptor, answer payment-opened / -unavailable. */
  | { kind: 'open-payment'; quote: CertificateQuoteView }
  | { kind: 'return-coins'; amountYen: number }
  | { kind: 'pay-change'; amountYen: number }
  | { kind: 'issue'; quote: CertificateQuoteView }
  | { kind: 'print-certificate'; quote: CertificateQuoteView }
  /** The receipt says the change due and, when the hopper could not pay it all, what is owed (it is then the voucher). */
  | { kind: 'print-receipt'; quote: CertificateQuoteView; changeYen: number; unpaidChangeYen: number }
  | { kind: 'refund'; amountYen: number; reason: CertificateRefundReason }
  | { kind: 'wipe' };

export type Transition = { ok: true; state: FlowState; effects: FlowEffect[] } | { ok: false; reason: string };
