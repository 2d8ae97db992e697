import { afterFailure, isLocked, type ThrottlePolicy } from './login-throttle.rules';

const policy: ThrottlePolicy = { maxFailures: 3, windowMs: 60_000, lockMs: 60_000 };

describe('login throttling', () => {
  it('locks at the n-th failure within the window, for the lock time', () => {
    let state = afterFailure(undefined, 0, policy);
    state = afterFailure(state, 1000, policy);
    expect(isLocked(state, 1000)).toBe(false);
    state = afterFailure(state, 2000, policy);
    expect(state).toEqual({ failures: 0, windowStartedAtMs: 2000, lockedUntilMs: 62_000 });
    expect(isLocked(state, 61_999)).toBe(true);
    expect(isLocked(state, 62_000)).toBe(false);
  });

  it('forgets failures older than the window', () => {
    let state = afterFailure(undefined, 0, policy);
    state = afterFailure(state, 1000, policy);
    state = afterFailure(state, 60_000, policy);
    expect(state).toMatchObject({ failures: 1, windowStartedAtMs: 60_000 });
    expect(isLocked(state, 60_000)).toBe(false);
  });

  it('treats no record as unlocked', () => {
    expect(isLocked(undefined, 0)).toBe(false);
  });
});
