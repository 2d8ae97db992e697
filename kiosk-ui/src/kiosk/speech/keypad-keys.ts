/**
 * Keypad navigation's keys (the Section 508 way: a 12-key pad drives the whole flow). On a phone-style
 * pad 2 and 4 are up and left (back), 8 and 6 down and right (forward), 5 the tactile centre (choose),
 * 0 help; a keyboard's arrows, Enter, F1 and +/- work too. On a PIN screen the digits type the PIN.
 */
export type NavAction =
  | { kind: 'previous' | 'next' | 'select' | 'help' | 'louder' | 'softer' | 'stop' }
  | { kind: 'pin'; key: 'clear' | 'enter' | '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' };

const COMMON: Readonly<Record<string, NavAction>> = {
  ArrowUp: { kind: 'previous' },
  ArrowLeft: { kind: 'previous' },
  ArrowDown: { kind: 'next' },
  ArrowRight: { kind: 'next' },
  F1: { kind: 'help' },
  '?': { kind: 'help' },
  '+': { kind: 'louder' },
  '-': { kind: 'softer' },
  '*': { kind: 'stop' },
};

const CHOOSING: Readonly<Record<string, NavAction>> = {
  ...COMMON,
  '2': { kind: 'previous' },
  '4': { kind: 'previous' },
  '6': { kind: 'next' },
  '8': { kind: 'next' },
  '5': { kind: 'select' },
  Enter: { kind: 'select' },
  '0': { kind: 'help' },
};

/** What a key does in navigation mode; null: not ours (the key goes on as usual). */
export function navAction(key: string, onPinScreen: boolean): NavAction | null {
  if (onPinScreen) {
    if (/^[0-9]$/.test(key)) return { kind: 'pin', key: key as Extract<NavAction, { kind: 'pin' }>['key'] };
    if (key === 'Enter') return { kind: 'pin', key: 'enter' };
    if (key === 'Backspace' || key === 'Delete') return { kind: 'pin', key: 'clear' };
    return COMMON[key] ?? null;
  }
  return CHOOSING[key] ?? null;
}

/** The key that turns navigation on from the attract screen (Enter, or the pad's tactile 5). */
export function startsNavigation(key: string): boolean {
  return key === 'Enter' || key === '5';
}
