import type { AgentStatus, Language, Service, SessionEnd } from '@kiosk/protocols';
import { DEFAULT_LANGUAGE } from '../shared/i18n/index';
import { DEFAULT_DISPLAY, isDefaultDisplay, toggleDisplay, type DisplayPrefs, type DisplaySetting } from './display-prefs';

/**
 * The kiosk screen as a pure state machine: `reduce` takes the current model and what happened and
 * returns the next model plus the calls to make to the agent. The Svelte side only stores the model and
 * runs the effects, so every rule here is testable without a browser.
 */

export type Screen = { kind: 'attract' } | { kind: 'service'; service: Service };

/** The UI's own socket to the edge agent (not the agent's link to the hub). */
export type AgentLinkState = 'connecting' | 'up' | 'down';

export interface KioskModel {
  readonly screen: Screen;
  readonly language: Language;
  /** Last status the agent sent; null until the first one arrives. */
  readonly status: AgentStatus | null;
  readonly link: AgentLinkState;
  /** `session.begin` was sent and no `session.end` since. */
  readonly sessionOpen: boolean;
  /** Large text and high contrast: chosen by the person at the screen, back to defaults when the session ends. */
  readonly display: DisplayPrefs;
}

export type KioskAction =
  | { type: 'select-language'; language: Language }
  | { type: 'toggle-display'; setting: DisplaySetting }
  | { type: 'choose-service'; service: Service }
  | { type: 'back' }
  /** The service's flow ended by itself (certificate issued or refunded and taken): home, session `done`. */
  | { type: 'finish' }
  | { type: 'idle-timeout' }
  /**
   * A service's own idle rule ran out (the certificate flow's warning): the session ends now as
   * `idle-timeout`, but the service's screen stays until its flow reports its end (`finish`): a card
   * left in the reader is asked for there first.
   */
  | { type: 'service-idle-timeout' }
  | { type: 'status'; status: AgentStatus }
  | { type: 'link'; link: AgentLinkState };

export type KioskEffect =
  | { kind: 'begin-session'; service: Service; language: Language }
  | { kind: 'end-session'; reason: SessionEnd['reason'] };

export interface Transition {
  model: KioskModel;
  effects: KioskEffect[];
}

export function initialModel(): KioskModel {
  return { screen: { kind: 'attract' }, language: DEFAULT_LANGUAGE, status: null, link: 'connecting', sessionOpen: false, display: DEFAULT_DISPLAY };
}

/** Back to the attract screen in Japanese at the default text size and contrast, closing the session if one is open. */
function home(model: KioskModel, reason: SessionEnd['reason']): Transition {
  return {
    model: { ...model, screen: { kind: 'attract' }, language: DEFAULT_LANGUAGE, display: DEFAULT_DISPLAY, sessionOpen: false },
    effects: model.sessionOpen ? [{ kind: 'end-session', reason }] : [],
  };
}

export function reduce(model: KioskModel, action: KioskAction): Transition {
  switch (action.type) {
    case 'select-language':
      if (model.screen.kind !== 'attract') return { model, effects: [] };
      return { model: { ...model, language: action.language }, effects: [] };
    case 'toggle-display':
      // On every screen, the attract screen included: the person sets it up before choosing a service.
      return { model: { ...model, display: toggleDisplay(model.display, action.setting) }, effects: [] };
    case 'choose-service':
      if (model.screen.kind !== 'attract' || isOutOfService(model)) return { model, effects: [] };
      return {
        model: { ...model, screen: { kind: 'service', service: action.service }, sessionOpen: true },
        effects: [{ kind: 'begin-session', service: action.service, language: model.language }],
      };
    case 'back':
      if (model.screen.kind === 'attract') return { model, effects: [] };
      // Back keeps the chosen language and display: the same person is still at the screen.
      return {
        model: { ...model, screen: { kind: 'attract' }, sessionOpen: false },
        effects: model.sessionOpen ? [{ kind: 'end-session', reason: 'cancelled' }] : [],
      };
    case 'finish':
      if (model.screen.kind === 'attract') return { model, effects: [] };
      return home(model, 'done');
    case 'idle-timeout':
      if (isAtHome(model)) return { model, effects: [] };
      return home(model, 'idle-timeout');
    case 'service-idle-timeout':
      if (model.screen.kind === 'attract' || !model.sessionOpen) return { model, effects: [] };
      // Closed, so the `finish` that follows goes home without a second `session.end`.
      return { model: { ...model, sessionOpen: false }, effects: [{ kind: 'end-session', reason: 'idle-timeout' }] };
    case 'status': {
      const next = { ...model, status: action.status };
      // Taken out of service mid-session: close it, and greet whoever comes next in Japanese.
      if (action.status.outOfService && !isOutOfService(model)) return home(next, 'cancelled');
      return { model: next, effects: [] };
    }
    case 'link':
      // The agent ties a session to the socket it was begun on; once that socket is gone there is
      // nothing left to end, so a later Back must not send a stray `session.end`.
      if (action.link === 'down') return { model: { ...model, link: 'down', sessionOpen: false }, effects: [] };
      return { model: { ...model, link: action.link }, effects: [] };
  }
}

export function isOutOfService(model: KioskModel): boolean {
  return model.status?.outOfService === true;
}

/** The state a kiosk waits in for the next person: attract screen, Japanese, default text and contrast. */
export function isAtHome(model: KioskModel): boolean {
  return model.screen.kind === 'attract' && model.language === DEFAULT_LANGUAGE && isDefaultDisplay(model.display);
}

/** The idle timer runs whenever the screen is not what the next person should find. */
export function idleArmed(model: KioskModel): boolean {
  // The certificate flow runs its own idle rule (a warning first; off while money or paper is in play).
  if (model.screen.kind === 'service' && model.screen.service === 'certificates') return false;
  return !isAtHome(model) && !isOutOfService(model);
}

/**
 * Which offline notice to show: the UI's own socket to the agent being down hides everything the agent
 * said (it may be stale), so it wins over the hub notice.
 */
export function offlineNotice(model: KioskModel): 'agent' | 'hub' | null {
  if (model.link === 'down') return 'agent';
  if (model.status?.hubConnected === false) return 'hub';
  return null;
}

export type VisibleScreen = 'out-of-service' | 'attract' | 'service';

export function visibleScreen(model: KioskModel): VisibleScreen {
  if (isOutOfService(model)) return 'out-of-service';
  return model.screen.kind;
}
