import type { CertificateQuoteView, CertificateRefundReason } from '@kiosk/protocols';
import type { FlowEffect, FlowEvent, FlowState, FlowStateKind, Transition } from './flow-states';

/**
 * The certificate flow as a pure state machine: `transition(state, event)` returns the next state and the
 * effects the runner must carry out (I/O: devices, hub, SQLite), or says why the event is not allowed
 * here. Nothing in this file does I/O or keeps time; the runner (certificate-flow.ts) feeds every outcome
 * of an effect back in as an event.
 *
 * Money rule: from `pay` with a complete payment on, the flow can no longer be abandoned: it ends in
 * `take-certificate` or `refunded`. Before that, cancel (or the end of the session) returns what was
 * inserted (`returning-coins` → `cancelled`); with nothing inserted it ends in `done`.
 *
 * Card rule: the kiosk never goes home with a card in the reader. Cancel, finish (or the session ending)
 * while the card is in it wipes the flow's data and waits on `ending-remove-card` until the card is out.
 * A new person who starts while a card from an earlier visit is still waited for sees `card-left-behind`
 * (nothing of the earlier person: it was wiped) and goes on to the normal flow once the reader is empty.
 *
 * Payment rule: the `pay` screen is shown only once the coin acceptor is open (`opening-payment` waits
 * for it), so a coin inserted when the screen says "insert coins" is always taken. No payment step starts
 * at or after closing time (`payment-closed`: the person is told the service closed, nothing is taken).
 *
 * Change rule: change the hopper could not pay (all or part) is owed to the end of the flow
 * (`unpaidChangeYen` on `take-certificate`): the receipt is its voucher and the screen says so; nothing
 * tells a person to take change that never came out. (Which coins are taken so that this stays rare:
 * cash/change-rules.ts, applied by the runner and shown by flow-view.ts.)
 */

export type { FlowEffect, FlowEvent, FlowEventType, FlowState, FlowStateKind, ResidentContext, Transition } from './flow-states';

const go = (state: FlowState, ...effects: FlowEffect[]): Transition => ({ ok: true, state, effects });
const refuse = (state: FlowState, event: FlowEvent): Transition => ({ ok: false, reason: `${event.type} is not possible on ${state.kind}` });

/** The PIN of the JPKI user-authentication certificate has exactly this many digits. */
export const PIN_DIGITS = 4;
/** A fresh card allows this many wrong tries before the PIN locks. */
export const PIN_MAX_TRIES = 3;

/** Screens a person may leave with `finish` (nothing is running, no money is held). */
const FINISHABLE: ReadonlySet<FlowStateKind> = new Set(['unavailable', 'card-locked', 'card-refused', 'cancelled', 'take-certificate', 'refunded', 'error']);

/** Before any money: cancel (or the session ending) just wipes (after the card is out). */
const CANCEL_WITHOUT_MONEY: ReadonlySet<FlowStateKind> = new Set([
  'checking',
  'unavailable',
  'insert-card',
  'reading-card',
  'not-a-my-number-card',
  'card-trouble',
  'pin',
  'verifying',
  'card-locked',
  'card-refused',
  'choose',
  'confirm',
  'remove-card',
  'card-left-behind',
  'error',
]);

/** Money is committed: the flow runs to its end whatever the person or the session does. */
export const COMMITTED: ReadonlySet<FlowStateKind> = new Set(['returning-coins', 'paying-change', 'issuing', 'printing', 'refunding']);

/** The end of a flow with no money held (before payment, or finish on an end screen): wipe now; with the card still in the reader, wait for it first. */
function endWithoutMoney(cardPresent: boolean): Transition {
  return cardPresent ? go({ kind: 'ending-remove-card' }, { kind: 'reset-pin' }, { kind: 'wipe' }) : go({ kind: 'done' }, { kind: 'reset-pin' }, { kind: 'wipe' });
}

/** Coins credited while paying: still short, or paid (change first when there is any, then issue). */
function credited(quote: CertificateQuoteView, insertedYen: number, short: (insertedYen: number) => FlowState): Transition {
  if (insertedYen < quote.feeYen) return go(short(insertedYen));
  const changeYen = insertedYen - quote.feeYen;
  return changeYen > 0
    ? go({ kind: 'paying-change', quote, changeYen }, { kind: 'pay-change', amountYen: changeYen })
    : go({ kind: 'issuing', quote, changeYen: 0, unpaidChangeYen: 0 }, { kind: 'issue', quote });
}

export function transition(state: FlowState, event: FlowEvent): Transition {
  // Events that mean the same on many screens first.
  switch (event.type) {
    case 'finish':
      return FINISHABLE.has(state.kind) ? endWithoutMoney(event.cardPresent) : refuse(state, event);
    case 'cancel':
    case 'session-ended':
      if (CANCEL_WITHOUT_MONEY.has(state.kind)) return endWithoutMoney(event.cardPresent);
      // Already ending: the card is all that is awaited.
      if (state.kind === 'ending-remove-card') return go(state);
      if (state.kind === 'pay' || state.kind === 'opening-payment') {
        if (state.insertedYen === 0) return endWithoutMoney(event.cardPresent);
        return go({ kind: 'returning-coins', amountYen: state.insertedYen }, { kind: 'return-coins', amountYen: state.insertedYen });
      }
      // On an end screen the session ending is a finish; cancel there is refused (use finish).
      if (event.type === 'session-ended' && FINISHABLE.has(state.kind)) return endWithoutMoney(event.cardPresent);
      return refuse(state, event);
    case 'failed':
      // An unexpected failure before money (hub lost, reader gone): an error screen, nothing held.
      if (CANCEL_WITHOUT_MONEY.has(state.kind) && state.kind !== 'error') return go({ kind: 'error', code: event.code, message: event.message }, { kind: 'reset-pin' });
      return refuse(state, event);
    case 'card-removed':
      return cardRemoved(state, event);
    default:
      break;
  }

  switch (state.kind) {
    case 'idle':
    case 'done':
      return event.type === 'start' ? go({ kind: 'checking' }, { kind: 'run-preflight' }) : refuse(state, event);
    case 'ending-remove-card':
      // Someone new starts while the card of an earlier visit is still awaited (already wiped): say so first.
      return event.type === 'start' ? go({ kind: 'card-left-behind' }) : refuse(state, event);
    case 'checking':
      if (event.type === 'preflight-failed') return go({ kind: 'unavailable', problems: event.problems });
      if (event.type === 'preflight-passed') {
        return event.cardPresent
          ? go({ kind: 'reading-card', municipality: event.municipality }, { kind: 'read-card' })
          : go({ kind: 'insert-card', municipality: event.municipality });
      }
      return refuse(state, event);
    case 'insert-card':
      return event.type === 'card-inserted' ? go({ kind: 'reading-card', municipality: state.municipality }, { kind: 'read-card' }) : refuse(state, event);
    case 'reading-card':
      if (event.type === 'card-read') {
        // A card with tries already spent says so up front; a full counter shows nothing.
        const triesLeft = event.triesLeft < PIN_MAX_TRIES ? event.triesLeft : null;
        return go({ kind: 'pin', municipality: state.municipality, triesLeft, wrongLength: false }, { kind: 'reset-pin' });
      }
      if (event.type === 'card-not-my-number') return go({ kind: 'not-a-my-number-card', municipality: state.municipality });
      if (event.type === 'pin-locked') return go({ kind: 'card-locked', municipality: state.municipality });
      if (event.type === 'card-trouble') return go({ kind: 'card-trouble', municipality: state.municipality, trouble: event.trouble });
      return refuse(state, event);
    case 'pin':
      if (event.type === 'pin-entered') {
        if (event.digits !== PIN_DIGITS) return go({ ...state, wrongLength: true }, { kind: 'reset-pin' });
        return go({ kind: 'verifying', municipality: state.municipality }, { kind: 'authenticate-card' });
      }
      return refuse(state, event);
    case 'verifying':
      switch (event.type) {
        case 'pin-wrong':
          return go({ kind: 'pin', municipality: state.municipality, triesLeft: event.triesLeft, wrongLength: false }, { kind: 'reset-pin' });
        case 'pin-locked':
          return go({ kind: 'card-locked', municipality: state.municipality }, { kind: 'reset-pin' });
        case 'card-verified':
          return go({ kind: 'choose', resident: event.resident, refusal: null, quoting: false });
        case 'card-refused':
          return go({ kind: 'card-refused', reason: event.reason });
        case 'card-trouble':
          return go({ kind: 'card-trouble', municipality: state.municipality, trouble: event.trouble }, { kind: 'reset-pin' });
        default:
          return refuse(state, event);
      }
    case 'choose':
      if (event.type === 'quote-requested' && !state.quoting) return go({ ...state, quoting: true }, { kind: 'request-quote', order: event.order });
      if (event.type === 'quoted' && state.quoting) return go({ kind: 'confirm', resident: state.resident, quote: event.quote });
      if (event.type === 'quote-refused' && state.quoting) {
        return go({ ...state, quoting: false, refusal: event.reason ? { certificateType: event.certificateType, reason: event.reason } : null });
      }
      return refuse(state, event);
    case 'confirm':
      if (event.type === 'back') return go({ kind: 'choose', resident: state.resident, refusal: null, quoting: false });
      if (event.type === 'quote-requested') return go({ kind: 'choose', resident: state.resident, refusal: null, quoting: true }, { kind: 'request-quote', order: event.order });
      if (event.type === 'confirm') {
        // Card first, then money and output: payment waits until the reader is empty.
        return event.cardPresent
          ? go({ kind: 'remove-card', quote: state.quote })
          : go({ kind: 'opening-payment', quote: state.quote, insertedYen: 0 }, { kind: 'open-payment', quote: state.quote });
      }
      return refuse(state, event);
    case 'opening-payment': {
      const { quote } = state;
      if (event.type === 'payment-opened') return go({ kind: 'pay', quote, insertedYen: state.insertedYen });
      if (event.type === 'payment-closed') {
        if (state.insertedYen > 0) return go({ kind: 'returning-coins', amountYen: state.insertedYen }, { kind: 'return-coins', amountYen: state.insertedYen });
        return go({ kind: 'unavailable', problems: [{ kind: 'service-closed', reason: event.reason, reopensAt: event.reopensAt }] });
      }
      if (event.type === 'payment-unavailable') {
        // A coin that slipped in while it was being opened goes back; otherwise nothing was taken.
        if (state.insertedYen > 0) return go({ kind: 'returning-coins', amountYen: state.insertedYen }, { kind: 'return-coins', amountYen: state.insertedYen });
        return go({ kind: 'error', code: 'coin-acceptor', message: 'the coin acceptor could not be opened; no money was taken' });
      }
      if (event.type === 'credit' && event.insertedYen >= state.insertedYen) return credited(quote, event.insertedYen, (insertedYen) => ({ kind: 'opening-payment', quote, insertedYen }));
      return refuse(state, event);
    }
    case 'pay': {
      const { quote } = state;
      if (event.type === 'credit' && event.insertedYen >= state.insertedYen) return credited(quote, event.insertedYen, (insertedYen) => ({ kind: 'pay', quote, insertedYen }));
      return refuse(state, event);
    }
    case 'returning-coins':
      return event.type === 'coins-returned'
        ? go({ kind: 'cancelled', returnedYen: event.returnedYen, unreturnedYen: event.unreturnedYen })
        : refuse(state, event);
    case 'paying-change': {
      // Change that the hopper could not pay is owed: on the receipt (a voucher line) and on the last screen,
      // never as "take your change". The certificate still issues.
      if (event.type !== 'change-paid') return refuse(state, event);
      const unpaidChangeYen = Math.min(Math.max(0, event.unpaidYen), state.changeYen);
      return go({ kind: 'issuing', quote: state.quote, changeYen: state.changeYen, unpaidChangeYen }, { kind: 'issue', quote: state.quote });
    }
    case 'issuing':
      if (event.type === 'issued') {
        return go({ kind: 'printing', quote: state.quote, changeYen: state.changeYen, unpaidChangeYen: state.unpaidChangeYen, stage: 'certificate' }, { kind: 'print-certificate', quote: state.quote });
      }
      if (event.type === 'issue-failed') return refundFee(state.quote, 'issue-failed');
      return refuse(state, event);
    case 'printing':
      if (state.stage === 'certificate') {
        if (event.type === 'certificate-printed') {
          return go({ ...state, stage: 'receipt' }, { kind: 'print-receipt', quote: state.quote, changeYen: state.changeYen, unpaidChangeYen: state.unpaidChangeYen });
        }
        if (event.type === 'print-failed') return refundFee(state.quote, 'print-failed');
        return refuse(state, event);
      }
      return event.type === 'receipt-done'
        ? go({
            kind: 'take-certificate',
            copies: state.quote.copies,
            changeYen: event.changePaidYen,
            unpaidChangeYen: event.changeUnpaidYen,
            voucherPrinted: event.changeUnpaidYen > 0 && event.voucherPrinted,
            receiptPrinted: event.printed,
          })
        : refuse(state, event);
    case 'refunding':
      return event.type === 'refund-done'
        ? // Everything handed back: the fee, and change the hopper could not pay before.
          go({ kind: 'refunded', amountYen: event.hopperYen + event.voucherYen, hopperYen: event.hopperYen, voucherYen: event.voucherYen, reason: state.reason })
        : refuse(state, event);
    case 'unavailable':
    case 'not-a-my-number-card':
    case 'card-trouble':
    case 'card-locked':
    case 'card-refused':
    case 'remove-card':
    case 'card-left-behind':
    case 'cancelled':
    case 'take-certificate':
    case 'refunded':
    case 'error':
      return refuse(state, event);
  }
}

function refundFee(quote: CertificateQuoteView, reason: CertificateRefundReason): Transition {
  return go({ kind: 'refunding', amountYen: quote.feeYen, reason }, { kind: 'refund', amountYen: quote.feeYen, reason });
}

/** Taking the card out: expected after the card was checked; before that it means "start again". */
function cardRemoved(state: FlowState, event: FlowEvent): Transition {
  switch (state.kind) {
    case 'not-a-my-number-card':
    case 'card-trouble':
    case 'pin':
      return go({ kind: 'insert-card', municipality: state.municipality }, { kind: 'reset-pin' });
    case 'remove-card':
      return go({ kind: 'opening-payment', quote: state.quote, insertedYen: 0 }, { kind: 'open-payment', quote: state.quote });
    case 'ending-remove-card':
      // Data was wiped when the flow was cancelled; the card out is its end.
      return go({ kind: 'done' });
    case 'card-left-behind':
      // The reader is free for the person now at the kiosk: their flow begins as any other.
      return go({ kind: 'checking' }, { kind: 'run-preflight' });
    case 'idle':
    case 'done':
      return refuse(state, event);
    case 'insert-card':
    case 'reading-card':
    case 'verifying':
      // Reading or signing: the card operation itself fails with card-removed and says so.
      return go(state);
    default:
      // After the card was checked (choose, pay, printing, …) or on end screens: nothing to do.
      return go(state);
  }
}

/** Whether money for this flow may be held right now (coins accepted or being handled). */
export function holdsMoney(state: FlowState): boolean {
  return state.kind === 'pay' || state.kind === 'opening-payment' || COMMITTED.has(state.kind);
}
