/**
 * Login rate limiting, per account and per client address: every attempt first reserves one try on
 * each of its keys, in one atomic statement of the store (LoginThrottleRepository.reserve), before the
 * password is checked. Tries inside a window of `windowMs` add up; the `maxFailures`-th reservation
 * locks the key for `lockMs`, and a locked key refuses without counting and without the password being
 * checked (a locked account is not an oracle). So however many attempts arrive at once, at most
 * `maxFailures` passwords are evaluated per key and window. A successful attempt gives its tries back
 * (the account's counter is reset; the address's reservation is returned, lifting a lock it set).
 */
export interface ThrottlePolicy {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

/** The answer of a reservation: refused (locked, nothing counted), or counted. */
export type Reservation = { allowed: false } | { allowed: true; lockedUntilMs: number };

/** True when the key is locked at `nowMs` once this reservation counted (it was the last allowed try). */
export function lockedAfter(reservation: Reservation, nowMs: number): boolean {
  return !reservation.allowed || reservation.lockedUntilMs > nowMs;
}
