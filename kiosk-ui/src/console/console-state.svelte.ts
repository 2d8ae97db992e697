import type { KioskSummary } from '@kiosk/protocols';
import { translator, type Translate } from '../shared/i18n/index';
import { upsertKiosk } from './fleet';
import type { HubLinkEvents, HubLinkState } from './hub-link';

/** The console speaks Japanese and English (technicians); the tables hold all four languages. */
export const CONSOLE_LANGUAGES = ['ja', 'en'] as const;
export type ConsoleLanguage = (typeof CONSOLE_LANGUAGES)[number];

class ConsoleState implements HubLinkEvents {
  #kiosks = $state.raw<KioskSummary[]>([]);
  #loaded = $state(false);
  #link = $state<HubLinkState>('connecting');
  #language = $state<ConsoleLanguage>('ja');
  /** "Now" for relative times, advanced by a ticker so "3 min ago" keeps counting. */
  #now = $state(Date.now());

  get kiosks(): readonly KioskSummary[] {
    return this.#kiosks;
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  get hubLink(): HubLinkState {
    return this.#link;
  }

  get language(): ConsoleLanguage {
    return this.#language;
  }

  get t(): Translate {
    return translator(this.#language);
  }

  get now(): number {
    return this.#now;
  }

  setLanguage(language: ConsoleLanguage): void {
    this.#language = language;
  }

  tick(now: number): void {
    this.#now = now;
  }

  link(state: HubLinkState): void {
    this.#link = state;
  }

  snapshot(kiosks: KioskSummary[]): void {
    this.#kiosks = kiosks;
    this.#loaded = true;
  }

  updated(kiosk: KioskSummary): void {
    this.#kiosks = upsertKiosk(this.#kiosks, kiosk);
  }
}

export const consoleState = new ConsoleState();
