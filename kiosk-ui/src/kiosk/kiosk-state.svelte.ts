import type { Language } from '@kiosk/protocols';
import { translator, type Translate } from '../shared/i18n/index';
import type { DisplayPrefs } from './display-prefs';
import type { ModelStore } from './kiosk-controller';
import {
  initialModel,
  offlineNotice,
  visibleScreen,
  type KioskModel,
  type Screen,
  type VisibleScreen,
} from './kiosk-model';

/** The kiosk's reactive state: one immutable model, replaced by the controller on every action. */
class KioskState implements ModelStore {
  #model = $state.raw<KioskModel>(initialModel());

  get model(): KioskModel {
    return this.#model;
  }

  set(model: KioskModel): void {
    this.#model = model;
  }

  get language(): Language {
    return this.#model.language;
  }

  get t(): Translate {
    return translator(this.#model.language);
  }

  /** Large text and high contrast for this session (defaults again when it ends). */
  get display(): DisplayPrefs {
    return this.#model.display;
  }

  get screen(): Screen {
    return this.#model.screen;
  }

  get visible(): VisibleScreen {
    return visibleScreen(this.#model);
  }

  get offline(): 'agent' | 'hub' | null {
    return offlineNotice(this.#model);
  }
}

export const kioskState = new KioskState();
