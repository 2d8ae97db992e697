import type { CertificateViewState, CoinYen } from '@kiosk/protocols';
import { coinOffer, type CoinOffer } from '../cash/change-rules';
import { PIN_DIGITS, type FlowState } from './flow-machine';

const offerWhilePaying = (feeYen: number, insertedYen: number, payableCoins: readonly CoinYen[]): CoinOffer =>
  coinOffer(Math.max(0, feeYen - insertedYen), payableCoins);

/** The coins the payment step of `state` takes (null outside it): what the acceptor is set to and the pay screen says. */
export function paymentOffer(state: FlowState, payableCoins: readonly CoinYen[]): CoinOffer | null {
  if (state.kind !== 'pay' && state.kind !== 'opening-payment') return null;
  return offerWhilePaying(state.quote.feeYen, state.insertedYen, payableCoins);
}

/**
 * What the screen gets for a flow state: the protocol's view state. Pure. `pinDigits` is the count of
 * digits in the PIN entry buffer (never the digits); `payableCoins` the coin values the hoppers can pay
 * now (for the pay screen's coins and its exact-amount notice).
 */
export function viewOf(state: FlowState, pinDigits: number, payableCoins: readonly CoinYen[]): CertificateViewState {
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
    case 'pay': {
      const offer = offerWhilePaying(state.quote.feeYen, state.insertedYen, payableCoins);
      return { screen: 'pay', quote: state.quote, insertedYen: state.insertedYen, acceptedCoins: offer.coins, exactAmountOnly: offer.exactAmountOnly };
    }
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
      return {
        screen: 'take-certificate',
        copies: state.copies,
        changeYen: state.changeYen,
        unpaidChangeYen: state.unpaidChangeYen,
        voucherPrinted: state.voucherPrinted,
        receiptPrinted: state.receiptPrinted,
      };
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
