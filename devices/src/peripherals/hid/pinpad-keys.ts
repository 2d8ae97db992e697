import type { PinPadKey } from '../contracts';
import { InvalidArgumentError } from '../errors';
import { REPORT_SIZE } from './keyboard';
import { Usage } from './usage';

/**
 * A PIN pad that presents itself as a HID keypad: digits (top row or keypad), Enter, Escape for cancel,
 * Backspace/Delete for clear. Anything else on the pad is ignored.
 */
export function pinPadKey(usage: number): PinPadKey | undefined {
  if (usage >= 0x1e && usage <= 0x27) return { type: 'digit', digit: (usage - 0x1e + 1) % 10 };
  if (usage >= 0x59 && usage <= 0x62) return { type: 'digit', digit: (usage - 0x59 + 1) % 10 };
  if (usage === Usage.enter || usage === Usage.keypadEnter) return { type: 'enter' };
  if (usage === Usage.escape) return { type: 'cancel' };
  if (usage === Usage.backspace || usage === Usage.delete) return { type: 'clear' };
  return undefined;
}

export function pinPadUsage(key: PinPadKey): number {
  switch (key.type) {
    case 'digit':
      if (!Number.isInteger(key.digit) || key.digit < 0 || key.digit > 9) throw new InvalidArgumentError('digit must be 0-9');
      return key.digit === 0 ? 0x62 : 0x58 + key.digit;
    case 'enter':
      return Usage.keypadEnter;
    case 'cancel':
      return Usage.escape;
    case 'clear':
      return Usage.backspace;
  }
}

/** The reports a keypad sends for one key: press, release. */
export function encodePinPadKey(key: PinPadKey): Buffer[] {
  return [Buffer.from([0, 0, pinPadUsage(key), 0, 0, 0, 0, 0]), Buffer.alloc(REPORT_SIZE)];
}
