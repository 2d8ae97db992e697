import {
  PIN_STATE_CLEAR,
  afterWrongPin,
  attemptsLeft,
  beginPinAttempt,
  isLocked,
  isWellFormedUserNumber,
  luhnDigit,
  registrationExpired,
  registrationExpiry,
  userNumberFrom,
  type PinAttemptState,
} from './user-rules';

const policy = { maxAttempts: 5, lockMinutes: 30 };
const now = new Date('2026-11-05T01:00:00.000Z');

describe('user numbers', () => {
  it('carry a Luhn check digit', () => {
    expect(luhnDigit('7992739871')).toBe(3); // the textbook Luhn example
    expect(userNumberFrom('1234567')).toBe('12345674');
    expect(isWellFormedUserNumber('12345674')).toBe(true);
    expect(isWellFormedUserNumber('12345675')).toBe(false);
    expect(isWellFormedUserNumber('21345674')).toBe(false); // swapped digits
    expect(isWellFormedUserNumber('1234567')).toBe(false);
  });
});

describe('PIN lock-out', () => {
  /** Four wrong PINs, then the fifth. */
  function fail(times: number, start: PinAttemptState = PIN_STATE_CLEAR, at = now): PinAttemptState {
    let state = start;
    for (let i = 0; i < times; i++) {
      const begun = beginPinAttempt(state, at, policy);
      expect(begun.allowed).toBe(true);
      state = afterWrongPin(begun.next, at, policy);
    }
    return state;
  }

  it('locks on the fifth wrong PIN, for the configured period', () => {
    const four = fail(4);
    expect(isLocked(four, now)).toBe(false);
    expect(attemptsLeft(four, policy)).toBe(1);
    const five = fail(1, four);
    expect(five.lockedUntil).toBe('2026-11-05T01:30:00.000Z');
    expect(isLocked(five, new Date('2026-11-05T01:29:59.999Z'))).toBe(true);
    expect(isLocked(five, new Date('2026-11-05T01:30:00.000Z'))).toBe(false);
  });

  it('refuses unchecked while locked, without extending the lock', () => {
    const locked = fail(5);
    const begun = beginPinAttempt(locked, new Date('2026-11-05T01:10:00.000Z'), policy);
    expect(begun).toEqual({ next: locked, allowed: false });
  });

  it('starts counting again once the lock has run out', () => {
    const locked = fail(5);
    const later = new Date('2026-11-05T02:00:00.000Z');
    const begun = beginPinAttempt(locked, later, policy);
    expect(begun).toEqual({ next: { failedAttempts: 1, lockedUntil: null }, allowed: true });
  });

  it('never lets more than the limit be checked when attempts run in parallel', () => {
    let state = PIN_STATE_CLEAR;
    const allowed: boolean[] = [];
    for (let i = 0; i < 8; i++) {
      const begun = beginPinAttempt(state, now, policy);
      allowed.push(begun.allowed);
      state = begun.next;
    }
    expect(allowed).toEqual([true, true, true, true, true, false, false, false]);
    expect(isLocked(state, now)).toBe(true);
  });
});

describe('registration', () => {
  it('is valid through its expiry date, Japan time', () => {
    expect(registrationExpired('2026-11-05', new Date('2026-11-05T14:59:59.999Z'))).toBe(false);
    expect(registrationExpired('2026-11-05', new Date('2026-11-05T15:00:00.000Z'))).toBe(true);
  });

  it('runs for whole years, to the day before the anniversary', () => {
    expect(registrationExpiry(new Date('2026-11-04T15:00:00.000Z'), 3)).toBe('2029-11-04');
    expect(registrationExpiry(new Date('2028-02-29T03:00:00.000Z'), 1)).toBe('2029-02-28');
  });
});
