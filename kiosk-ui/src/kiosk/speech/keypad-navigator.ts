import { readsOwnText } from './lottery-choices';
import { isPrivateChoice, type FocusTarget } from './speech-script';
import { backChoice, navAction, padStep, startsNavigation, type PadStep } from './keypad-keys';
import type { SpeechGuide } from './speech-guide.svelte';

/** The choices of the screen, in reading order: the enabled buttons of the kiosk's main area. */
function choices(root: ParentNode): HTMLButtonElement[] {
  return [...root.querySelectorAll<HTMLButtonElement>('main button:not([disabled])')];
}

/**
 * Dispatched on the window for each PIN-pad action: the pad's keys never reach the page as key presses, yet
 * they are a person at the kiosk (the idle timers listen for it as they do for touches and keys).
 */
export const KEYPAD_ACTIVITY = 'keypadactivity';

/** Screens whose finish button reads "I have taken them" (the paper or the money is in the tray). */
const TAKEN_SCREENS = new Set(['take-certificate', 'refunded']);

function targetOf(list: readonly HTMLButtonElement[], index: number): FocusTarget {
  const button = list[index];
  const own = button?.dataset['testid'] ?? '';
  const screen = button?.closest<HTMLElement>('[data-testid="cert-flow"]')?.dataset['screen'] ?? '';
  const testid = own === 'cert-finish' && TAKEN_SCREENS.has(screen) ? 'cert-finish-taken' : own;
  const group = isPrivateChoice(testid) ? testid.replace(/-[^-]+$/, '-') : null;
  const members = group === null ? [] : list.filter((other) => isPrivateChoice(other.dataset['testid'] ?? '') && (other.dataset['testid'] ?? '').startsWith(group));
  return {
    testid,
    position: index + 1,
    total: list.length,
    pressed: button?.getAttribute('aria-pressed') === 'true',
    memberPosition: group === null || button === undefined ? null : members.indexOf(button) + 1,
    text: button !== undefined && readsOwnText(testid) ? shownText(button) : null,
  };
}

/** A choice's text as it is shown, its parts (a slot's time, place, fee, state) read as a list. */
function shownText(button: HTMLElement): string {
  const parts = [...button.querySelectorAll('span')].map((part) => withoutReadings(part).trim()).filter((part) => part !== '');
  return parts.length > 0 ? parts.join(', ') : withoutReadings(button).replace(/\s+/g, ' ').trim();
}

/** An element's text without furigana readings (<rt>): the words once, as the person reads them. */
function withoutReadings(element: Element): string {
  if (element.querySelector('rt') === null) return element.textContent ?? '';
  const copy = element.cloneNode(true) as Element;
  for (const reading of copy.querySelectorAll('rt')) reading.remove();
  return copy.textContent ?? '';
}

/**
 * Keypad navigation over the page: on the attract screen Enter (or 5) turns it on; then keys move the
 * focus between the screen's buttons (each one spoken), Enter/5 presses the focused one, 0 or F1 says the
 * guidance again; on the PIN screen the digits press the on-screen pad's keys (to the agent, one at a time).
 */
export class KeypadNavigator {
  constructor(
    private readonly guide: SpeechGuide,
    private readonly root: Document = document,
  ) {}

  /** True when the key was navigation's (the caller prevents its default). */
  key(event: { key: string }, onAttract: boolean, language: Parameters<SpeechGuide['startNavigation']>[0]): boolean {
    if (!this.guide.navigation) {
      const idle = this.root.activeElement === null || this.root.activeElement === this.root.body;
      if (onAttract && startsNavigation(event.key) && (idle || event.key === '5')) {
        this.guide.startNavigation(language);
        return true;
      }
      return false;
    }
    const onPin = this.root.querySelector('[data-testid="cert-flow"][data-screen="pin"]') !== null;
    const action = navAction(event.key, onPin);
    if (action === null) return false;
    switch (action.kind) {
      case 'previous':
      case 'next':
        this.#move(action.kind === 'next' ? 1 : -1);
        return true;
      case 'select':
        this.#select();
        return true;
      case 'back':
        this.#back();
        return true;
      case 'help':
      case 'louder':
      case 'softer':
      case 'stop':
        this.guide[action.kind]();
        return true;
      case 'pin':
        this.root.querySelector<HTMLButtonElement>(`main button[data-testid="pin-key-${action.key}"]:not([disabled])`)?.click();
        return true;
    }
  }

  /**
   * A hardware PIN-pad action the agent pushed (the agent keeps PIN keys to itself in a PIN step): moves,
   * chooses, repeats the guidance or goes back, as the keyboard's keys do.
   */
  pad(action: PadStep, onAttract: boolean, language: Parameters<SpeechGuide['startNavigation']>[0]): void {
    this.root.defaultView?.dispatchEvent(new Event(KEYPAD_ACTIVITY));
    switch (padStep(action, this.guide.navigation, onAttract)) {
      case null:
        return;
      case 'start':
        this.guide.startNavigation(language);
        return;
      case 'previous':
        this.#move(-1);
        return;
      case 'next':
        this.#move(1);
        return;
      case 'select':
        this.#select();
        return;
      case 'help':
        this.guide.help();
        return;
      case 'back':
        this.#back();
        return;
    }
  }

  /** Presses the screen's way back (backChoice), if it has one. */
  #back(): void {
    const list = choices(this.root);
    const testid = backChoice(list.map((button) => button.dataset['testid'] ?? ''));
    list.find((button) => testid !== null && button.dataset['testid'] === testid)?.click();
  }

  #move(step: 1 | -1): void {
    const list = choices(this.root);
    if (list.length === 0) return;
    const current = list.indexOf(this.root.activeElement as HTMLButtonElement);
    const next = current === -1 ? (step === 1 ? 0 : list.length - 1) : (current + step + list.length) % list.length;
    list[next]?.focus();
    this.guide.focus(targetOf(list, next));
  }

  #select(): void {
    const list = choices(this.root);
    const current = list.indexOf(this.root.activeElement as HTMLButtonElement);
    if (current === -1) {
      this.#move(1);
      return;
    }
    list[current]?.click();
    // A choice that stays on screen (a toggle) says its new state; a new screen says its own guidance.
    queueMicrotask(() => {
      const after = choices(this.root);
      const index = after.indexOf(this.root.activeElement as HTMLButtonElement);
      if (index !== -1 && after[index] === list[current]) this.guide.focus(targetOf(after, index));
    });
  }
}
