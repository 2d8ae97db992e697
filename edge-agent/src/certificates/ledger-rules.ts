import type { CertificateRefundReason } from '@kiosk/protocols';

/**
 * Where a certificate transaction's money stands. `paying`: coins are being taken; `paid`: the fee is in,
 * issue not yet confirmed; `issued`: the hub issued (serial known), not yet printed; `printed`: the
 * certificate came out (the fee is earned); `refunding`: the fee is owed back. Final: `completed`,
 * `cancelled` (coins returned before payment completed), `refunded`.
 */
export type TransactionState = 'paying' | 'paid' | 'issued' | 'printed' | 'refunding' | 'completed' | 'cancelled' | 'refunded';

export const TRANSACTION_STATES: readonly TransactionState[] = ['paying', 'paid', 'issued', 'printed', 'refunding', 'completed', 'cancelled', 'refunded'];

export const FINAL_STATES: ReadonlySet<TransactionState> = new Set(['completed', 'cancelled', 'refunded']);

/** What moves a transaction's money state (amounts credited, paid out or on a voucher are counted, not states). */
export type LedgerEvent =
  /** The credited coins reached the fee while the payment step was open. */
  | { type: 'fee-reached' }
  /** Payment ended before the fee was reached; whatever was credited went back (hopper or voucher). */
  | { type: 'cancel' }
  | { type: 'issue'; serial: string }
  | { type: 'print' }
  /** The fee is owed back; also the resumption of a refund a restart found unfinished. */
  | { type: 'refund'; reason: CertificateRefundReason }
  /** The refund was paid out (hopper and voucher). */
  | { type: 'refund-settled' }
  /** The certificate is the person's and the change is settled. */
  | { type: 'complete' };

export type LedgerEventType = LedgerEvent['type'];

export const LEDGER_EVENT_TYPES: readonly LedgerEventType[] = ['fee-reached', 'cancel', 'issue', 'print', 'refund', 'refund-settled', 'complete'];

export interface LedgerRefusal {
  code: 'illegal_ledger_transition';
  from: TransactionState;
  event: LedgerEventType;
}

export type LedgerTransition = { ok: true; state: TransactionState } | { ok: false; refusal: LedgerRefusal };

/** Every legal (state, event) pair and where it leads; anything not listed is refused. */
const LEGAL: Readonly<Record<TransactionState, Partial<Record<LedgerEventType, TransactionState>>>> = {
  paying: { 'fee-reached': 'paid', cancel: 'cancelled' },
  paid: { issue: 'issued', refund: 'refunding' },
  issued: { print: 'printed', refund: 'refunding' },
  printed: { complete: 'completed' },
  refunding: { refund: 'refunding', 'refund-settled': 'refunded' },
  completed: {},
  cancelled: {},
  refunded: {},
};

/**
 * The money ledger's state machine (pure): paying → paid → issued → printed → completed, with
 * paying → cancelled before the fee is in, and paid | issued → refunding → refunded once it is owed back.
 * A printed certificate is never refunded (the fee is earned); a final state never moves again.
 */
export function ledgerTransition(from: TransactionState, event: LedgerEvent): LedgerTransition {
  const to = LEGAL[from][event.type];
  return to === undefined ? { ok: false, refusal: { code: 'illegal_ledger_transition', from, event: event.type } } : { ok: true, state: to };
}

/** Thrown by the ledger when asked for a transition the rule refuses (nothing was written). */
export class IllegalLedgerTransitionError extends Error {
  readonly code = 'illegal_ledger_transition';
  constructor(
    readonly transactionId: string,
    readonly refusal: LedgerRefusal,
  ) {
    super(`certificate transaction ${transactionId}: ${refusal.event} is not allowed when ${refusal.from}`);
  }
}
