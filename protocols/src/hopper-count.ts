import { z } from 'zod';
import { CoinYenSchema } from './common';

/**
 * Hopper counts at a cash collection (issue 18), on their own so that the command, the outbox event and
 * the reconciliation report can all use them without importing one another.
 */

/** The most coins a technician may say one hopper held (far above what a hopper holds). */
export const MAX_HOPPER_COINS = 20_000;

/**
 * What a technician counted in one hopper at a collection (`cash.collected`): the coins found in it on
 * arrival, and the coins left in it after refilling or emptying it (the next period starts from those).
 */
export const HopperCountSchema = z.strictObject({
  coinYen: CoinYenSchema,
  foundCoins: z.int().nonnegative().max(MAX_HOPPER_COINS),
  leftCoins: z.int().nonnegative().max(MAX_HOPPER_COINS),
});
export type HopperCount = z.infer<typeof HopperCountSchema>;
/** One count per hopper (coin), at most one per coin the kiosks take. */
export const HopperCountsSchema = z
  .array(HopperCountSchema)
  .min(1)
  .max(4)
  .refine((counts) => new Set(counts.map((count) => count.coinYen)).size === counts.length, 'one count per hopper: a coin is listed twice');
