import type { PinPadKey } from '@kiosk/devices';
import type { KeypadAction } from '@kiosk/protocols';

/**
 * Keypad navigation with the hardware PIN pad (issue 17, the Section 508 way): which way each pad key goes.
 * Pure: no I/O, no clock; the pad router (pad-router.ts) carries the routes out.
 *
 * Navigation is off until a person presses Enter or 5 on the attract screen (no session yet); it goes off
 * again when the session ends. While it is off every key is a PIN key, as before. While it is on:
 * - in a PIN step (a flow asks for a PIN) digits, Enter and clear stay PIN keys inside the agent; cancel
 *   wipes what was typed, or, with nothing typed, goes back;
 * - elsewhere 2/4 move back, 6/8 forward, 5 and Enter choose, 0 says the guidance again, cancel and clear
 *   go back; 1, 3, 7 and 9 do nothing.
 */
export interface KeypadMode {
  navigation: boolean;
}

export const KEYPAD_OFF: KeypadMode = { navigation: false };

/** What the agent knows when a key arrives. */
export interface PadContext {
  /** A kiosk session is open (the attract screen has none). */
  sessionActive: boolean;
  /** A flow is asking for a PIN now (certificates `pin`, the lottery's PIN stages). */
  pinStep: boolean;
  /** Digits typed so far (a count, never the digits). */
  pinDigits: number;
}

export type PadRoute =
  /** The key is a PIN key: it goes to the PIN entry and nowhere else. */
  | { to: 'pin'; key: PinPadKey }
  /** The key is navigation: the screen is told what it does (never which key it was). */
  | { to: 'screen'; action: KeypadAction }
  /** The key does nothing here. */
  | { to: 'nowhere' };

export interface PadDecision {
  mode: KeypadMode;
  route: PadRoute;
}

const DIGIT_ACTIONS: Readonly<Partial<Record<number, KeypadAction>>> = {
  2: 'previous',
  4: 'previous',
  6: 'next',
  8: 'next',
  5: 'select',
  0: 'help',
};

/** The key that turns navigation on from the attract screen: Enter, or the pad's tactile 5. */
function startsNavigation(key: PinPadKey): boolean {
  return key.type === 'enter' || (key.type === 'digit' && key.digit === 5);
}

/** Which way one pad key goes, and the mode after it. */
export function routePadKey(mode: KeypadMode, key: PinPadKey, context: PadContext): PadDecision {
  if (!mode.navigation) {
    if (!context.sessionActive && startsNavigation(key)) return { mode: { navigation: true }, route: { to: 'screen', action: 'start' } };
    return { mode, route: { to: 'pin', key } };
  }
  if (context.pinStep) {
    if (key.type === 'cancel' && context.pinDigits === 0) return { mode, route: { to: 'screen', action: 'back' } };
    return { mode, route: { to: 'pin', key } };
  }
  return { mode, route: navigationOf(key) };
}

function navigationOf(key: PinPadKey): PadRoute {
  switch (key.type) {
    case 'digit': {
      const action = DIGIT_ACTIONS[key.digit];
      return action === undefined ? { to: 'nowhere' } : { to: 'screen', action };
    }
    case 'enter':
      return { to: 'screen', action: 'select' };
    case 'cancel':
    case 'clear':
      return { to: 'screen', action: 'back' };
  }
}

/** The session changed: navigation ends with the session it served (the next person starts with it off). */
export function sessionChanged(mode: KeypadMode, previous: boolean, active: boolean): KeypadMode {
  return previous && !active ? KEYPAD_OFF : mode;
}
