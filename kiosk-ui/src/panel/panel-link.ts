import {
  agentToPanelSchemas,
  DEVICE_PANEL_NAMESPACE,
  PanelCommandAckSchema,
  type AgentToPanelEvents,
  type DevicePanelState,
  type PanelCommandName,
  type PanelCommandPayload,
  type PanelToAgentEvents,
} from '@kiosk/protocols';
import { io, type Socket } from 'socket.io-client';
import type { ReportProblem } from '../shared/background';
import { LinkError } from '../shared/link-errors';
import { SocketLink } from '../shared/socket-link';
import type { Timers } from '../shared/timers';
import { CommandRejectedError } from './panel-model';

export type PanelSocket = Socket<AgentToPanelEvents, PanelToAgentEvents>;
export type PanelLinkState = 'connecting' | 'up' | 'down';

export interface PanelLinkEvents {
  link(state: PanelLinkState): void;
  /** The whole panel state, replacing what was shown. */
  state(state: DevicePanelState): void;
}

/** The commands the panel sends (the controller depends on this, not on socket.io). */
export interface PanelPort {
  command<C extends PanelCommandName>(name: C, payload: PanelCommandPayload<C>): Promise<void>;
}

/** The panel page is served by the agent (next to the kiosk), so the agent is the page's own origin. */
export function panelSocket(url: string = DEVICE_PANEL_NAMESPACE): PanelSocket {
  return io(url, { autoConnect: false, transports: ['websocket'], reconnectionDelay: 500, reconnectionDelayMax: 5000 });
}

type TimedSocket = ReturnType<PanelSocket['timeout']>;

/**
 * One typed emitter per command. socket.io cannot work out the argument types of `emitWithAck` for a
 * generic event name, so rather than casting, each command is spelt out once here.
 */
const emitters: { [C in PanelCommandName]: (socket: TimedSocket, payload: PanelCommandPayload<C>) => Promise<unknown> } = {
  'panel.coin.insert': (socket, payload) => socket.emitWithAck('panel.coin.insert', payload),
  'panel.printer.set': (socket, payload) => socket.emitWithAck('panel.printer.set', payload),
  'panel.coin.set': (socket, payload) => socket.emitWithAck('panel.coin.set', payload),
  'panel.hopper.set': (socket, payload) => socket.emitWithAck('panel.hopper.set', payload),
  'panel.card.insert': (socket, payload) => socket.emitWithAck('panel.card.insert', payload),
  'panel.card.remove': (socket, payload) => socket.emitWithAck('panel.card.remove', payload),
  'panel.card.set': (socket, payload) => socket.emitWithAck('panel.card.set', payload),
  'panel.scanner.scan': (socket, payload) => socket.emitWithAck('panel.scanner.scan', payload),
  'panel.pinpad.press': (socket, payload) => socket.emitWithAck('panel.pinpad.press', payload),
  'panel.document.take': (socket, payload) => socket.emitWithAck('panel.document.take', payload),
};

/**
 * The panel's socket to the agent, built like the kiosk's: every state is parsed with the protocol
 * schema (a malformed one is reported and ignored, the last good one stays on screen), the state is asked
 * for again after every (re)connect, and commands are refused at once while disconnected instead of
 * being buffered by socket.io and delivered later, when the person has moved on.
 */
export class PanelLink implements PanelPort {
  readonly #link: SocketLink<TimedSocket>;

  constructor(
    private readonly socket: PanelSocket,
    private readonly events: PanelLinkEvents,
    private readonly report: ReportProblem,
    timers: Timers,
    ackTimeoutMs = 5000,
    rejoinMs = 1000,
  ) {
    this.#link = new SocketLink(
      socket,
      'agent',
      { link: (state) => this.events.link(state), connected: () => this.#refreshState() },
      report,
      timers,
      ackTimeoutMs,
      rejoinMs,
    );
  }

  start(): void {
    this.socket.on('panel.state', (raw: unknown) => this.#acceptState(raw, 'panel.state push'));
    this.#link.start();
  }

  stop(): void {
    this.#link.stop();
  }

  async command<C extends PanelCommandName>(name: C, payload: PanelCommandPayload<C>): Promise<void> {
    const raw = await this.#link.request(name, (socket) => emitters[name](socket, payload));
    const ack = PanelCommandAckSchema.safeParse(raw);
    if (!ack.success) throw new LinkError('malformed', `${name}: malformed ack`);
    if (!ack.data.ok) throw new CommandRejectedError(name, ack.data.error);
  }

  /** Pushes sent while we were away are lost, so ask for the whole state after every connect. */
  #refreshState(): void {
    this.#link.request('panel.state.get', (socket) => socket.emitWithAck('panel.state.get')).then(
      (raw: unknown) => this.#acceptState(raw, 'panel.state.get ack'),
      (error: unknown) => this.report('panel.state.get', error),
    );
  }

  #acceptState(raw: unknown, what: string): void {
    this.#link.accept(what, agentToPanelSchemas['panel.state'], 'DevicePanelStateSchema', raw, (state) => this.events.state(state));
  }
}
