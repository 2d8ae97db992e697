import type { DevicePanelState } from '@kiosk/protocols';
import { panelTranslator, type PanelLanguage, type PanelTranslate } from './i18n/index';
import type { OutcomeSink } from './panel-controller';
import type { PanelLinkEvents, PanelLinkState } from './panel-link';
import type { CommandOutcome } from './panel-model';

/** The panel's reactive state: the agent's last panel state, the link, the language, the last outcome. */
class PanelStore implements PanelLinkEvents, OutcomeSink {
  #state = $state.raw<DevicePanelState | null>(null);
  #link = $state<PanelLinkState>('connecting');
  #language = $state<PanelLanguage>('ja');
  #outcome = $state.raw<CommandOutcome | null>(null);

  get current(): DevicePanelState | null {
    return this.#state;
  }

  get linkState(): PanelLinkState {
    return this.#link;
  }

  get language(): PanelLanguage {
    return this.#language;
  }

  get t(): PanelTranslate {
    return panelTranslator(this.#language);
  }

  get lastOutcome(): CommandOutcome | null {
    return this.#outcome;
  }

  setLanguage(language: PanelLanguage): void {
    this.#language = language;
  }

  link(state: PanelLinkState): void {
    this.#link = state;
  }

  state(state: DevicePanelState): void {
    this.#state = state;
  }

  outcome(outcome: CommandOutcome): void {
    this.#outcome = outcome;
  }
}

export const panelStore = new PanelStore();
