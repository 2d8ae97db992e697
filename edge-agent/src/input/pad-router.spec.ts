import type { PinPadKey } from '@kiosk/devices';
import type { KeypadAction } from '@kiosk/protocols';
import type { CurrentSession } from '../server/kiosk-sessions';
import { PadRouter } from './pad-router';
import { PinEntry } from './pin-entry';

const digit = (d: number): PinPadKey => ({ type: 'digit', digit: d });

/** Just enough of KioskSessions: a current session and its change listeners. */
class Sessions {
  session: CurrentSession | null = null;
  readonly listeners = new Set<(session: CurrentSession | null, ended: null) => void>();
  current = (): CurrentSession | null => this.session;
  onChange = (listener: (session: CurrentSession | null, ended: null) => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  set(session: CurrentSession | null): void {
    this.session = session;
    for (const listener of this.listeners) listener(session, null);
  }
}

function router(): { router: PadRouter; entry: PinEntry; sessions: Sessions; heard: KeypadAction[]; pinStep: { now: boolean } } {
  const entry = new PinEntry();
  const sessions = new Sessions();
  const padRouter = new PadRouter(entry, sessions);
  const heard: KeypadAction[] = [];
  padRouter.onNavigate((action) => heard.push(action));
  const pinStep = { now: false };
  padRouter.watchPinStep(() => pinStep.now);
  return { router: padRouter, entry, sessions, heard, pinStep };
}

describe('PadRouter', () => {
  it('sends every key to the PIN entry while navigation is off, as before', () => {
    const { router: pad, entry, sessions, heard } = router();
    sessions.set({ sessionId: 's1', service: 'certificates' });
    for (const d of [1, 2, 3, 4]) pad.press(digit(d));
    expect(entry.state().digits).toBe(4);
    expect(heard).toEqual([]);
    expect(pad.navigation()).toBe(false);
  });

  it('turns navigation on at the attract screen, moves the screen outside the PIN step, keeps the PIN inside', () => {
    const { router: pad, entry, sessions, heard, pinStep } = router();
    pad.press(digit(5));
    expect(pad.navigation()).toBe(true);
    pad.press(digit(6));
    pad.press(digit(5));
    sessions.set({ sessionId: 's1', service: 'certificates' });
    pad.press(digit(0));
    expect(heard).toEqual(['start', 'next', 'select', 'help']);
    expect(entry.state().digits).toBe(0);

    pinStep.now = true;
    for (const d of [2, 4, 6, 8]) pad.press(digit(d));
    expect(entry.state().digits).toBe(4);
    pad.press({ type: 'enter' });
    expect(entry.state().submitted).toBe(true);
    expect(entry.take()?.toString('ascii')).toBe('2468');
    // Not one of those keys reached the screen.
    expect(heard).toEqual(['start', 'next', 'select', 'help']);
    pad.press({ type: 'cancel' });
    expect(heard.at(-1)).toBe('back');
  });

  it('turns navigation off when the session ends: the next person starts without it', () => {
    const { router: pad, entry, sessions, heard } = router();
    pad.press({ type: 'enter' });
    sessions.set({ sessionId: 's1', service: 'lottery' });
    expect(pad.navigation()).toBe(true);
    sessions.set(null);
    expect(pad.navigation()).toBe(false);
    sessions.set({ sessionId: 's2', service: 'certificates' });
    pad.press(digit(6));
    expect(heard).toEqual(['start']);
    expect(entry.state().digits).toBe(1);
  });
});
