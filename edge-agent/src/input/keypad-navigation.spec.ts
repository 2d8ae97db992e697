import type { PinPadKey } from '@kiosk/devices';
import { KEYPAD_OFF, routePadKey, sessionChanged, type PadContext } from './keypad-navigation';

const digit = (d: number): PinPadKey => ({ type: 'digit', digit: d });
const ON = { navigation: true };
const ATTRACT: PadContext = { sessionActive: false, pinStep: false, pinDigits: 0 };
const CHOOSING: PadContext = { sessionActive: true, pinStep: false, pinDigits: 0 };
const PIN_EMPTY: PadContext = { sessionActive: true, pinStep: true, pinDigits: 0 };
const PIN_TYPED: PadContext = { sessionActive: true, pinStep: true, pinDigits: 2 };

describe('keypad navigation: where a PIN-pad key goes', () => {
  it('turns navigation on with Enter or 5 on the attract screen, and tells the screen to start', () => {
    for (const key of [digit(5), { type: 'enter' } as const]) {
      expect(routePadKey(KEYPAD_OFF, key, ATTRACT)).toEqual({ mode: ON, route: { to: 'screen', action: 'start' } });
    }
  });

  it('leaves every key a PIN key while navigation is off (also the start keys during a session)', () => {
    const keys: PinPadKey[] = [digit(5), digit(2), digit(0), { type: 'enter' }, { type: 'clear' }, { type: 'cancel' }];
    for (const context of [CHOOSING, PIN_EMPTY, PIN_TYPED]) {
      for (const key of keys) expect(routePadKey(KEYPAD_OFF, key, context)).toEqual({ mode: KEYPAD_OFF, route: { to: 'pin', key } });
    }
    // On the attract screen, a key that does not start navigation stays where it always went.
    expect(routePadKey(KEYPAD_OFF, digit(2), ATTRACT)).toEqual({ mode: KEYPAD_OFF, route: { to: 'pin', key: digit(2) } });
  });

  it.each([
    [digit(2), 'previous'],
    [digit(4), 'previous'],
    [digit(6), 'next'],
    [digit(8), 'next'],
    [digit(5), 'select'],
    [{ type: 'enter' }, 'select'],
    [digit(0), 'help'],
    [{ type: 'cancel' }, 'back'],
    [{ type: 'clear' }, 'back'],
  ] as const)('outside a PIN step %j does %s', (key, action) => {
    expect(routePadKey(ON, key, CHOOSING)).toEqual({ mode: ON, route: { to: 'screen', action } });
    // The attract screen with navigation on behaves the same (a second Enter chooses, it does not restart).
    expect(routePadKey(ON, key, ATTRACT)).toEqual({ mode: ON, route: { to: 'screen', action } });
  });

  it('ignores 1, 3, 7 and 9 outside a PIN step (they reach neither the screen nor the PIN)', () => {
    for (const d of [1, 3, 7, 9]) expect(routePadKey(ON, digit(d), CHOOSING)).toEqual({ mode: ON, route: { to: 'nowhere' } });
  });

  it('keeps digits, Enter and clear PIN keys in a PIN step: no digit ever reaches the screen', () => {
    for (let d = 0; d <= 9; d += 1) {
      for (const context of [PIN_EMPTY, PIN_TYPED]) expect(routePadKey(ON, digit(d), context).route).toEqual({ to: 'pin', key: digit(d) });
    }
    expect(routePadKey(ON, { type: 'enter' }, PIN_TYPED).route).toEqual({ to: 'pin', key: { type: 'enter' } });
    expect(routePadKey(ON, { type: 'clear' }, PIN_TYPED).route).toEqual({ to: 'pin', key: { type: 'clear' } });
    expect(routePadKey(ON, { type: 'clear' }, PIN_EMPTY).route).toEqual({ to: 'pin', key: { type: 'clear' } });
  });

  it('makes cancel in a PIN step wipe what was typed, or go back when nothing was', () => {
    expect(routePadKey(ON, { type: 'cancel' }, PIN_TYPED).route).toEqual({ to: 'pin', key: { type: 'cancel' } });
    expect(routePadKey(ON, { type: 'cancel' }, PIN_EMPTY).route).toEqual({ to: 'screen', action: 'back' });
  });

  it('ends navigation with the session, and only then', () => {
    expect(sessionChanged(ON, true, false)).toEqual(KEYPAD_OFF);
    expect(sessionChanged(ON, false, true)).toEqual(ON);
    // A session replaced by a new one is still the same person at the kiosk.
    expect(sessionChanged(ON, true, true)).toEqual(ON);
    expect(sessionChanged(KEYPAD_OFF, true, false)).toEqual(KEYPAD_OFF);
  });
});
