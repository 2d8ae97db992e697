import type { LotteryUiErrorCode, LotteryUiFailure } from '@kiosk/protocols';

/** A refusal as the screen gets it (the hub's own refusals have the same shape). */
export type Failure = LotteryUiFailure;

export const fail = (code: LotteryUiErrorCode, message: string): Failure => ({ ok: false, error: { code, message } });

export const OFFLINE_ONLY_ENTRIES = 'the centre cannot be reached: only lottery entries can be taken now (booking and changes need the centre)';

/** What every hub answer is: accepted, or refused with a code the screen knows. */
export type HubAnswer = { ok: true } | Failure;

/** The hub refused (narrows a generic answer without a cast). */
export function refused<A extends HubAnswer>(answer: A): answer is Extract<A, { ok: false }> {
  return !answer.ok;
}
