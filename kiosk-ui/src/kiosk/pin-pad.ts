/**
 * The kiosk's on-screen 12-key PIN pad rules, shared by every flow that asks for a PIN (certificates,
 * lottery sign-in). The pad never knows the PIN: each key goes to the agent as it is
 * pressed, and the agent answers with how many digits it holds. Everything here works on that count.
 */

/** A JPKI user-authentication PIN is 4 digits. */
export const PIN_LENGTH = 4;

export type PinDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';
export type PinPadKey = PinDigit | 'clear' | 'enter';

/** The pad as printed on real ones: clear and enter flank the 0. */
export const PIN_PAD_ROWS: readonly (readonly PinPadKey[])[] = [
  ['1', '2', '3'],
  ['4', '5', '6'],
  ['7', '8', '9'],
  ['clear', '0', 'enter'],
];

export function isDigit(key: PinPadKey): key is PinDigit {
  return key !== 'clear' && key !== 'enter';
}

/** One flag per position: filled or empty. A count out of range is clamped, never trusted to index. */
export function pinDots(count: number, length: number = PIN_LENGTH): boolean[] {
  const filled = Math.max(0, Math.min(length, Math.trunc(count)));
  return Array.from({ length }, (_, index) => index < filled);
}

/**
 * How a flow gates its keys: 'count' follows the digit count (below); 'agent' leaves every key live and lets
 * the agent refuse (the lottery sign-in, where the agent answers a short PIN with a refusal the screen shows).
 */
export type PinPadGating = 'count' | 'agent';

/** Which keys may be pressed now: digits until the PIN is full, clear once something is typed, enter when full. */
export function keyEnabled(key: PinPadKey, count: number, length: number = PIN_LENGTH, busy = false, gating: PinPadGating = 'count'): boolean {
  if (busy) return false;
  if (gating === 'agent') return true;
  if (key === 'clear') return count > 0;
  if (key === 'enter') return count >= length;
  return count < length;
}
