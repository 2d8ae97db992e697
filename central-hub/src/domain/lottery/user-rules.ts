import { jstDate, type LocalDate } from '../jst';

/**
 * Facility users: the card number's check digit, the PIN lock-out and the registration's expiry, as
 * pure rules over values the service reads from storage and the clock.
 */

/** Luhn check digit of a string of digits (the last digit of a user number). */
export function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Double every second digit counting from the right of the payload (the check digit goes after it).
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** 8 digits whose last is the Luhn check digit of the first 7, so a misread barcode is told apart from an unknown card. */
export function isWellFormedUserNumber(userNumber: string): boolean {
  return /^[0-9]{8}$/.test(userNumber) && luhnDigit(userNumber.slice(0, 7)) === Number(userNumber[7]);
}

export function userNumberFrom(sevenDigits: string): string {
  if (!/^[0-9]{7}$/.test(sevenDigits)) throw new RangeError('seven digits expected');
  return sevenDigits + String(luhnDigit(sevenDigits));
}

export interface PinPolicy {
  maxAttempts: number;
  lockMinutes: number;
}

export interface PinAttemptState {
  failedAttempts: number;
  /** ISO instant, or null when not locked. */
  lockedUntil: string | null;
}

export function isLocked(state: PinAttemptState, now: Date): boolean {
  return state.lockedUntil !== null && now.getTime() < Date.parse(state.lockedUntil);
}

/**
 * An attempt is counted *before* the PIN is checked: scrypt takes tens of milliseconds, and guesses
 * sent in parallel must not all be checked before the first failure is recorded. So at most
 * `maxAttempts` PINs are ever checked per lock period. A lock that has run out starts the count again;
 * attempts while locked are refused unchecked and do not extend the lock.
 */
export function beginPinAttempt(
  state: PinAttemptState,
  now: Date,
  policy: PinPolicy,
): { next: PinAttemptState; allowed: boolean } {
  if (isLocked(state, now)) return { next: state, allowed: false };
  const failedAttempts = (state.lockedUntil !== null ? 0 : state.failedAttempts) + 1;
  if (failedAttempts > policy.maxAttempts) {
    // Only reachable with attempts in flight: lock now rather than check one more guess.
    return { next: { failedAttempts, lockedUntil: lockEnd(now, policy) }, allowed: false };
  }
  return { next: { failedAttempts, lockedUntil: null }, allowed: true };
}

/** After a wrong PIN (already counted by `beginPinAttempt`): the attempt that reaches the limit locks. */
export function afterWrongPin(state: PinAttemptState, now: Date, policy: PinPolicy): PinAttemptState {
  if (state.failedAttempts >= policy.maxAttempts && !isLocked(state, now)) {
    return { failedAttempts: state.failedAttempts, lockedUntil: lockEnd(now, policy) };
  }
  return state;
}

export const PIN_STATE_CLEAR: PinAttemptState = { failedAttempts: 0, lockedUntil: null };

function lockEnd(now: Date, policy: PinPolicy): string {
  return new Date(now.getTime() + policy.lockMinutes * 60_000).toISOString();
}

/** Tries left after the attempts counted so far. */
export function attemptsLeft(state: PinAttemptState, policy: PinPolicy): number {
  return Math.max(0, policy.maxAttempts - state.failedAttempts);
}

/** A registration is valid through the whole of its expiry date, Japan time. */
export function registrationExpired(expiresOn: LocalDate, now: Date): boolean {
  return jstDate(now) > expiresOn;
}

/** The expiry date of a registration made at `now` for `years` years: the day before the anniversary. */
export function registrationExpiry(now: Date, years: number): LocalDate {
  const today = jstDate(now);
  const year = Number(today.slice(0, 4)) + years;
  const anniversary = today.slice(5) === '02-29' ? `${year}-03-01` : `${year}${today.slice(4)}`;
  const dayBefore = new Date(Date.parse(`${anniversary}T00:00:00Z`) - 86_400_000);
  return dayBefore.toISOString().slice(0, 10);
}
