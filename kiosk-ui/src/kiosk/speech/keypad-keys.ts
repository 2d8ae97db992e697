/**
 * Keypad navigation's keys (the Section 508 way: a 12-key pad drives the whole flow). On a phone-style
 * pad 2 and 4 are up and left (back), 8 and 6 down and right (forward), 5 the tactile centre (choose),
 * 0 help, cancel back; a keyboard's arrows, Enter, F1, Escape and +/- work too. On a PIN screen the digits type the PIN.
 */
export type NavAction =
  | { kind: 'previous' | 'next' | 'select' | 'help' | 'back' | 'louder' | 'softer' | 'stop' }
  | { kind: 'pin'; key: 'clear' | 'enter' | '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' };

const COMMON: Readonly<Record<string, NavAction>> = {
  ArrowUp: { kind: 'previous' },
  ArrowLeft: { kind: 'previous' },
  ArrowDown: { kind: 'next' },
  ArrowRight: { kind: 'next' },
  F1: { kind: 'help' },
  Escape: { kind: 'back' },
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

/** What the screen does with a PIN-pad navigation action the agent pushed (keypad.navigate). */
export type PadStep = 'start' | 'previous' | 'next' | 'select' | 'help' | 'back';

/**
 * A pushed PIN-pad action, given the screen's own navigation mode: `start` turns navigation on (on the
 * attract screen, once); any other action while navigation is off turns it on there too (the screen was
 * reloaded while the agent kept the mode) and is otherwise dropped: a pad key never presses anything for a
 * person who did not turn navigation on.
 */
export function padStep(action: PadStep, navigation: boolean, onAttract: boolean): PadStep | null {
  if (!navigation) return onAttract ? 'start' : null;
  return action === 'start' ? null : action;
}

/** The screen's way back, in order of preference: a step back within a flow, else its cancel, else the exit. */
export const BACK_CHOICES = ['cert-back', 'lottery-verify-back', 'lottery-back', 'cert-cancel', 'back'] as const;

/** Which of the screen's choices (their test ids) the back key presses, or null when it has none. */
export function backChoice(testids: readonly string[]): string | null {
  return BACK_CHOICES.find((choice) => testids.includes(choice)) ?? null;
}
