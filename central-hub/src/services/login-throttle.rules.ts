/**
 * Login rate limiting as pure functions over one counter (per account, or per client address):
 * failures inside a window of `windowMs` add up; at `maxFailures` the key is locked for `lockMs` and
 * the count starts again. A locked key refuses without the password even being checked, so a locked
 * account is not an oracle.
 */
export interface ThrottleState {
  failures: number;
  windowStartedAtMs: number;
  lockedUntilMs: number;
}

export interface ThrottlePolicy {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export function isLocked(state: ThrottleState | undefined, nowMs: number): boolean {
  return state !== undefined && state.lockedUntilMs > nowMs;
}

export function afterFailure(state: ThrottleState | undefined, nowMs: number, policy: ThrottlePolicy): ThrottleState {
  const fresh = state === undefined || nowMs - state.windowStartedAtMs >= policy.windowMs;
  const failures = (fresh ? 0 : state.failures) + 1;
  const windowStartedAtMs = fresh ? nowMs : state.windowStartedAtMs;
  if (failures >= policy.maxFailures) return { failures: 0, windowStartedAtMs: nowMs, lockedUntilMs: nowMs + policy.lockMs };
  return { failures, windowStartedAtMs, lockedUntilMs: state?.lockedUntilMs ?? 0 };
}
