import type { CoinYen } from '@kiosk/protocols';

/** The coins the kiosk's acceptor knows (no banknotes). */
export const KIOSK_COINS: readonly CoinYen[] = [10, 50, 100, 500];

/**
 * Whether the hoppers can pay back `amountYen` exactly with coins of the values they can still pay
 * (`payable`, as the dispenser reports them: a hopper that ran low or empty is not among them). Counts are
 * unknown to the kiosk (a level sensor says low or not, nothing more), so any number of each is assumed;
 * a hopper that then comes up short is a partial payout, which the flow reports as owed. Pure.
 */
export function canPayBack(amountYen: number, payable: readonly CoinYen[]): boolean {
  if (amountYen === 0) return true;
  if (amountYen < 0 || !Number.isInteger(amountYen)) return false;
  // Which amounts up to `amountYen` can be made from these coins (small: at most one coin's worth).
  const reachable = new Array<boolean>(amountYen + 1).fill(false);
  reachable[0] = true;
  for (let amount = 1; amount <= amountYen; amount += 1) {
    reachable[amount] = payable.some((coin) => coin <= amount && reachable[amount - coin] === true);
  }
  return reachable[amountYen] === true;
}

/** What the payment step offers the person while `remainingYen` is still to pay. */
export interface CoinOffer {
  /** The coins the acceptor takes now; the others are inhibited and drop back to the tray. Ascending. */
  coins: CoinYen[];
  /**
   * "No change: please insert the exact amount". True when the hoppers can give no change at all, or when
   * a coin is refused because its change could not be paid back.
   */
  exactAmountOnly: boolean;
}

/**
 * Which coins to take while `remainingYen` is owed, given what the hoppers can pay (`payable`). A coin is
 * taken when it does not overpay, or when what it overpays can be paid back: a kiosk whose hoppers are
 * empty never takes a 500-yen coin for a 200-yen fee (an exact amount is asked for instead), so change it
 * cannot pay is never owed in the first place. Pure.
 */
export function coinOffer(remainingYen: number, payable: readonly CoinYen[]): CoinOffer {
  const coins = KIOSK_COINS.filter((coin) => coin <= remainingYen || canPayBack(coin - remainingYen, payable));
  return { coins: [...coins].sort((a, b) => a - b), exactAmountOnly: payable.length === 0 || coins.length < KIOSK_COINS.length };
}
