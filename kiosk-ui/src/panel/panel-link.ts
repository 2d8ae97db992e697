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
import { asLinkError, LinkError } from '../shared/link-errors';
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
  'panel.scanner.scan': (socket, payload) => socket.emitWithAck('panel.scanner.scan', payload),
  'panel.pinpad.press': (socket, payload) => socket.emitWithAck('panel.pinpad.press', payload),
};

/**
 * The panel's socket to the agent, built like the kiosk's: every state is parsed with the protocol
 * schema (a malformed one is reported and ignored, the last good one stays on screen), the state is asked
 * for again after every (re)connect, and commands are refused at once while disconnected instead of
 * being buffered by socket.io and delivered later, when the person has moved on.
 */
export class PanelLink implements PanelPort {
  #rejoin: unknown = null;

  constructor(
    private readonly socket: PanelSocket,
    private readonly events: PanelLinkEvents,
    private readonly report: ReportProblem,
    private readonly timers: Timers,
    private readonly ackTimeoutMs = 5000,
    private readonly rejoinMs = 1000,
  ) {}

  start(): void {
    this.socket.on('connect', () => {
      this.events.link('up');
      this.#refreshState();
    });
    this.socket.on('disconnect', (reason) => {
      this.events.link('down');
      // socket.io does not reconnect by itself after the server hung up on us (an agent restarting).
      if (reason === 'io server disconnect') this.#rejoinLater();
    });
    this.socket.on('connect_error', () => this.events.link('down'));
    this.socket.on('panel.state', (raw: unknown) => this.#acceptState(raw, 'panel.state push'));
    this.socket.connect();
  }

  stop(): void {
    if (this.#rejoin !== null) this.timers.clear(this.#rejoin);
    this.#rejoin = null;
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  async command<C extends PanelCommandName>(name: C, payload: PanelCommandPayload<C>): Promise<void> {
    if (!this.socket.connected) throw new LinkError('disconnected', `${name}: not connected to the agent`);
    let raw: unknown;
    try {
      raw = await emitters[name](this.socket.timeout(this.ackTimeoutMs), payload);
    } catch (error) {
      throw asLinkError(error, name);
    }
    const ack = PanelCommandAckSchema.safeParse(raw);
    if (!ack.success) throw new LinkError('malformed', `${name}: malformed ack`);
    if (!ack.data.ok) throw new CommandRejectedError(name, ack.data.error);
  }

  #rejoinLater(): void {
    if (this.#rejoin !== null) return;
    this.#rejoin = this.timers.set(() => {
      this.#rejoin = null;
      if (!this.socket.connected) this.socket.connect();
    }, this.rejoinMs);
  }

  /** Pushes sent while we were away are lost, so ask for the whole state after every connect. */
  #refreshState(): void {
    this.socket
      .timeout(this.ackTimeoutMs)
      .emitWithAck('panel.state.get')
      .then(
        (raw: unknown) => this.#acceptState(raw, 'panel.state.get ack'),
        (error: unknown) => this.report('panel.state.get', asLinkError(error, 'panel.state.get')),
      );
  }

  #acceptState(raw: unknown, what: string): void {
    const parsed = agentToPanelSchemas['panel.state'].safeParse(raw);
    if (parsed.success) this.events.state(parsed.data);
    else this.report(what, new LinkError('malformed', `${what}: does not match DevicePanelStateSchema`));
  }
}
