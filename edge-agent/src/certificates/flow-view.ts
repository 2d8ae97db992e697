import type { CertificateViewState } from '@kiosk/protocols';
import { PIN_DIGITS, type FlowState } from './flow-machine';

/**
 * What the screen gets for a flow state: the protocol's view state. Pure. `pinDigits` is the count of
 * digits in the PIN entry buffer (never the digits).
 */
export function viewOf(state: FlowState, pinDigits: number): CertificateViewState {
  switch (state.kind) {
    case 'idle':
    case 'checking':
    case 'insert-card':
    case 'reading-card':
    case 'not-a-my-number-card':
    case 'verifying':
    case 'done':
      return { screen: state.kind };
    case 'unavailable':
      return { screen: 'unavailable', problems: state.problems };
    case 'card-trouble':
      return { screen: 'card-trouble', trouble: state.trouble };
    case 'pin':
      return { screen: 'pin', digitsEntered: Math.min(pinDigits, 8), pinLength: PIN_DIGITS, triesLeft: state.triesLeft, wrongLength: state.wrongLength };
    case 'card-locked':
      return { screen: 'card-locked', resetAt: 'municipal-office', municipality: state.municipality };
    case 'card-refused':
      return { screen: 'card-refused', reason: state.reason };
    case 'choose':
      return { screen: 'choose', municipality: state.resident.municipality, household: state.resident.household, menu: state.resident.menu, refusal: state.refusal };
    case 'confirm':
      return { screen: 'confirm', quote: state.quote };
    case 'remove-card':
      return { screen: 'remove-card', quote: state.quote };
    case 'ending-remove-card':
      return { screen: 'remove-card', quote: null };
    case 'card-left-behind':
      return { screen: 'card-left-behind' };
    case 'opening-payment':
      // Not `pay` yet: the screen asks for coins only once the acceptor takes them.
      return { screen: 'checking' };
    case 'pay':
      return { screen: 'pay', quote: state.quote, insertedYen: state.insertedYen };
    case 'returning-coins':
      return { screen: 'returning-coins', amountYen: state.amountYen };
    case 'cancelled':
      return { screen: 'cancelled', returnedYen: state.returnedYen, unreturnedYen: state.unreturnedYen };
    case 'paying-change':
      return { screen: 'paying-change', changeYen: state.changeYen };
    case 'issuing':
      return { screen: 'issuing', copies: state.quote.copies };
    case 'printing':
      return { screen: 'printing', copies: state.quote.copies, stage: state.stage };
    case 'take-certificate':
      return { screen: 'take-certificate', copies: state.copies, changeYen: state.changeYen, receiptPrinted: state.receiptPrinted };
    case 'refunding':
      return { screen: 'refunding', amountYen: state.amountYen, reason: state.reason };
    case 'refunded':
      return {
        screen: 'refunded',
        amountYen: state.amountYen,
        hopperYen: state.hopperYen,
        voucherYen: state.voucherYen,
        method: state.voucherYen > 0 ? 'voucher' : 'hopper',
        reason: state.reason,
      };
    case 'error':
      return { screen: 'error', code: state.code, message: state.message };
  }
}
