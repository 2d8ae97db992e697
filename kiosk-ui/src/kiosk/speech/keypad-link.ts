import { isMember, KEYPAD_ACTIONS, type AgentToUiEvents, type KeypadAction, type KeypadNavigation, type UiToAgentEvents } from '@kiosk/protocols';
import type { Socket } from 'socket.io-client';
import type { ReportProblem } from '../../shared/background';
import { LinkError } from '../../shared/link-errors';
import { agentMessage } from '../agent-messages';

const navigation = agentMessage<KeypadNavigation>((fields) => isMember(KEYPAD_ACTIONS, fields['action']));

/** The hardware PIN pad's navigation actions, as the agent pushes them (the screen depends on this, not on socket.io). */
export interface KeypadPort {
  /** Every action; returns the unsubscribe. */
  subscribe(listener: (action: KeypadAction) => void): () => void;
}

/**
 * `keypad.navigate` on the kiosk's `/ui` socket: what a PIN-pad key does in keypad navigation (never the
 * key itself; PIN keys stay in the agent). Each push's action is checked against the protocol's list
 * (agent-messages.ts says why the rest is not re-parsed); a malformed one is reported and dropped.
 */
export class KeypadLink implements KeypadPort {
  readonly #listeners = new Set<(action: KeypadAction) => void>();

  constructor(
    private readonly socket: Socket<AgentToUiEvents, UiToAgentEvents>,
    private readonly report: ReportProblem,
  ) {}

  /** Wires the push (call before the socket connects). */
  start(): void {
    this.socket.on('keypad.navigate', (raw: unknown) => {
      const parsed = navigation.safeParse(raw);
      if (!parsed.success) {
        this.report('keypad.navigate push', new LinkError('malformed', 'keypad.navigate: does not match KeypadNavigationSchema'));
        return;
      }
      for (const listener of [...this.#listeners]) listener(parsed.data.action);
    });
  }

  subscribe(listener: (action: KeypadAction) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
