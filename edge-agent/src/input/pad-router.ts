import type { PinPad, PinPadKey } from '@kiosk/devices';
import type { KeypadAction } from '@kiosk/protocols';
import type { KioskSessions } from '../server/kiosk-sessions';
import { KEYPAD_OFF, routePadKey, sessionChanged, type KeypadMode } from './keypad-navigation';
import type { PinEntry } from './pin-entry';

/** Tells whether a flow asks for a PIN now (the certificate flow's `pin`, the lottery's PIN stages). */
export type PinStepProbe = () => boolean;

/**
 * Carries out keypad-navigation.ts: every key of the hardware PIN pad comes here and goes either to the PIN
 * entry (inside the agent) or, as a navigation action, to the screen's listeners. Nothing here logs and
 * nothing keeps a key: a listener hears what the key does, never the key.
 */
export class PadRouter {
  #mode: KeypadMode = KEYPAD_OFF;
  #sessionActive: boolean;
  readonly #pinSteps: PinStepProbe[] = [];
  readonly #listeners = new Set<(action: KeypadAction) => void>();
  readonly #detach: Array<() => void> = [];

  constructor(
    private readonly pinEntry: PinEntry,
    private readonly sessions: Pick<KioskSessions, 'current' | 'onChange'>,
  ) {
    this.#sessionActive = sessions.current() !== null;
    this.#detach.push(
      sessions.onChange((session) => {
        const active = session !== null;
        this.#mode = sessionChanged(this.#mode, this.#sessionActive, active);
        this.#sessionActive = active;
      }),
    );
  }

  /** Follows a PIN pad's keys; returns the unsubscribe function. */
  attach(pad: PinPad): () => void {
    return pad.onKey((key) => this.press(key));
  }

  /** A flow says when it asks for a PIN (flows start after the device services). Returns the function that forgets it. */
  watchPinStep(probe: PinStepProbe): () => void {
    this.#pinSteps.push(probe);
    return () => {
      const index = this.#pinSteps.indexOf(probe);
      if (index !== -1) this.#pinSteps.splice(index, 1);
    };
  }

  press(key: PinPadKey): void {
    const { mode, route } = routePadKey(this.#mode, key, {
      sessionActive: this.#sessionActive,
      pinStep: this.#pinSteps.some((probe) => probe()),
      pinDigits: this.pinEntry.state().digits,
    });
    this.#mode = mode;
    switch (route.to) {
      case 'pin':
        this.pinEntry.press(route.key);
        return;
      case 'screen':
        for (const listener of [...this.#listeners]) listener(route.action);
        return;
      case 'nowhere':
        return;
    }
  }

  /** Whether keypad navigation is on (turned on at the attract screen, off when the session ends). */
  navigation(): boolean {
    return this.#mode.navigation;
  }

  onNavigate(listener: (action: KeypadAction) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stop(): void {
    for (const stop of this.#detach.splice(0)) stop();
    this.#listeners.clear();
    this.#mode = KEYPAD_OFF;
  }
}
