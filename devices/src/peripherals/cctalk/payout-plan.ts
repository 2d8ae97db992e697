import type { CoinYen } from '@kiosk/protocols';

export interface HopperAvailability {
  coinYen: CoinYen;
  /** Known to have run out (a dispense came up short, or its jam is reported). */
  unavailable: boolean;
}

/** At most this many coins per dispense command (one data byte). */
export const MAX_COINS_PER_DISPENSE = 255;

/**
 * The next dispense towards `remainingYen`: the largest coin that fits, from a hopper still available, as
 * many as fit. The caller dispenses, marks the hopper unavailable if it came up short, and asks again, so a
 * 100-yen hopper running dry mid-change is made up from the 50- and 10-yen hoppers. Undefined when nothing
 * more can be paid (done, or what is left is smaller than every available coin).
 */
export function nextDispense(remainingYen: number, hoppers: readonly HopperAvailability[]): { coinYen: CoinYen; count: number } | undefined {
  if (remainingYen <= 0) return undefined;
  const usable = hoppers
    .filter((hopper) => !hopper.unavailable && hopper.coinYen <= remainingYen)
    .sort((a, b) => b.coinYen - a.coinYen);
  const best = usable[0];
  if (!best) return undefined;
  return { coinYen: best.coinYen, count: Math.min(MAX_COINS_PER_DISPENSE, Math.floor(remainingYen / best.coinYen)) };
}
