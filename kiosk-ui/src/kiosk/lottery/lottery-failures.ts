import type { LotteryUiErrorCode, LotteryUiFailure } from '@kiosk/protocols';
import type { LotteryMessageKey, LotteryTranslate } from './i18n/index';

/**
 * What a refused request says, in the person's language. The hub gives one code to refusals that mean
 * different things for different actions (`slot_unavailable` for a slot just taken, a win already
 * decided or a booking no longer cancellable), so the action picks the words first; every code has its
 * own message otherwise (the record is exhaustive: a new code does not compile until it has one).
 */
export type LotteryAction = 'browse' | 'entry.submit' | 'entry.cancel' | 'entry.decide' | 'booking.create' | 'booking.cancel';

const BY_ACTION: Readonly<Record<LotteryAction, Partial<Record<LotteryUiErrorCode, LotteryMessageKey>>>> = {
  browse: {},
  'entry.submit': { slot_unavailable: 'lot.fail.other_municipality' },
  'entry.cancel': { outside_window: 'lot.fail.entry_cancel_closed', not_found: 'lot.fail.gone' },
  'entry.decide': { slot_unavailable: 'lot.fail.win_decided', outside_window: 'lot.fail.confirm_closed', not_found: 'lot.fail.gone' },
  'booking.create': { slot_unavailable: 'lot.fail.slot_taken', outside_window: 'lot.fail.booking_not_open', not_found: 'lot.fail.gone' },
  'booking.cancel': { slot_unavailable: 'lot.fail.booking_not_cancellable', outside_window: 'lot.fail.booking_started', not_found: 'lot.fail.gone' },
};

const TERMINAL_PROBLEM: LotteryMessageKey = 'lot.fail.terminal';

const BY_CODE: Readonly<Record<LotteryUiErrorCode, LotteryMessageKey>> = {
  invalid_message: 'lot.fail.invalid_message',
  unsupported_protocol: TERMINAL_PROBLEM,
  unknown_kiosk: TERMINAL_PROBLEM,
  bad_signature: TERMINAL_PROBLEM,
  replayed_handshake: TERMINAL_PROBLEM,
  stale_handshake: TERMINAL_PROBLEM,
  invalid_enrolment_code: TERMINAL_PROBLEM,
  kiosk_mismatch: TERMINAL_PROBLEM,
  not_authenticated: TERMINAL_PROBLEM,
  unauthorized: 'lot.fail.forbidden',
  forbidden: 'lot.fail.forbidden',
  not_found: 'lot.fail.not_found',
  rate_limited: 'lot.fail.rate_limited',
  conflict: 'lot.fail.conflict',
  out_of_service: 'lot.fail.out_of_service',
  invalid_credentials: 'lot.refusal.invalid_credentials',
  account_locked: 'lot.fail.account_locked',
  registration_expired: 'lot.refusal.registration_expired',
  session_expired: 'lot.refusal.session_expired',
  outside_window: 'lot.fail.outside_window',
  cap_exceeded: 'lot.fail.cap_exceeded',
  duplicate_entry: 'lot.fail.duplicate_entry',
  idempotency_conflict: 'lot.fail.idempotency_conflict',
  slot_unavailable: 'lot.fail.slot_unavailable',
  stale_quote: 'lot.fail.stale_quote',
  // Retryable, and "try again later" is what the internal-error message already says.
  busy: 'lot.fail.internal',
  internal: 'lot.fail.internal',
  hub_unreachable: 'lot.fail.hub_unreachable',
  not_signed_in: 'lot.fail.not_signed_in',
  no_card: 'lot.refusal.no_card',
  card_needs_hub: 'lot.refusal.card_needs_hub',
  card_pin_wrong: 'lot.fail.card_pin_wrong',
  card_pin_locked: 'lot.refusal.card_pin_locked',
  card_unreadable: 'lot.refusal.card_unreadable',
  card_refused: 'lot.refusal.card.untrusted',
};

export function failureKey(action: LotteryAction, failure: LotteryUiFailure): LotteryMessageKey {
  const code = failure.error.code;
  return BY_ACTION[action][code] ?? BY_CODE[code];
}

export function failureText(action: LotteryAction, failure: LotteryUiFailure, t: LotteryTranslate): string {
  return t(failureKey(action, failure));
}
