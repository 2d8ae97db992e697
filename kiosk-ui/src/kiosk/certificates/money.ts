import { MAX_COPIES } from '@kiosk/protocols';

/**
 * The fee and payment arithmetic the screens show. The agent and the hub decide what is charged; these
 * only present their figures consistently (and never show a negative remainder or change).
 */

export const MIN_COPIES = 1;
export { MAX_COPIES };

/** Copies kept within 1..10 (a stepper can never go past either end). */
export function clampCopies(copies: number): number {
  if (!Number.isFinite(copies)) return MIN_COPIES;
  return Math.max(MIN_COPIES, Math.min(MAX_COPIES, Math.trunc(copies)));
}

/** Fee = unit fee × copies, as the hub quotes it. */
export function feeFor(unitFeeYen: number, copies: number): number {
  return unitFeeYen * clampCopies(copies);
}

export interface PaymentSummary {
  feeYen: number;
  insertedYen: number;
  /** Still to pay; 0 once the fee is covered. */
  remainingYen: number;
  /** What the hopper owes back once the fee is covered. */
  changeYen: number;
  paid: boolean;
}

export function paymentSummary(feeYen: number, insertedYen: number): PaymentSummary {
  return {
    feeYen,
    insertedYen,
    remainingYen: Math.max(0, feeYen - insertedYen),
    changeYen: Math.max(0, insertedYen - feeYen),
    paid: insertedYen >= feeYen,
  };
}
