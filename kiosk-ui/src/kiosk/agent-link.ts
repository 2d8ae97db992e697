import {
  agentToUiSchemas,
  SessionBeginAckSchema,
  SessionEndAckSchema,
  UI_NAMESPACE,
  type AgentStatus,
  type AgentToUiEvents,
  type SessionBegin,
  type SessionEnd,
  type UiToAgentEvents,
} from '@kiosk/protocols';
import { io, type Socket } from 'socket.io-client';
import { asLinkError, LinkError } from '../shared/link-errors';
import type { ReportProblem } from '../shared/background';
import type { Timers } from '../shared/timers';
import type { AgentLinkState } from './kiosk-model';

export type UiSocket = Socket<AgentToUiEvents, UiToAgentEvents>;

export interface AgentLinkEvents {
  link(state: AgentLinkState): void;
  status(status: AgentStatus): void;
}

/** The calls the kiosk makes to the agent (the controller depends on this, not on socket.io). */
export interface AgentPort {
  beginSession(request: SessionBegin): Promise<string>;
  endSession(request: SessionEnd): Promise<void>;
}

/** The kiosk page is served by the agent, so the agent is the page's own origin. */
export function agentSocket(url: string = UI_NAMESPACE): UiSocket {
  return io(url, {
    autoConnect: false,
    transports: ['websocket'],
    // socket.io's own reconnection: exponential, jittered (randomizationFactor), capped at 5 s.
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
}

/**
 * The kiosk's socket to its edge agent. Everything that arrives is parsed with the protocol schemas
 * (a malformed status is reported and ignored); requests are refused at once while disconnected instead
 * of being buffered by socket.io and delivered later, out of context.
 */
export class AgentLink implements AgentPort {
  #rejoin: unknown = null;

  constructor(
    private readonly socket: UiSocket,
    private readonly events: AgentLinkEvents,
    private readonly report: ReportProblem,
    private readonly timers: Timers,
    private readonly ackTimeoutMs = 5000,
    private readonly rejoinMs = 1000,
  ) {}

  start(): void {
    this.socket.on('connect', () => {
      this.events.link('up');
      this.#refreshStatus();
    });
    this.socket.on('disconnect', (reason) => {
      this.events.link('down');
      // socket.io reconnects by itself after a network loss, but not after the server hung up on us
      // (e.g. the agent restarting its UI namespace): a kiosk must never stay disconnected.
      if (reason === 'io server disconnect') this.#rejoinLater();
    });
    this.socket.on('connect_error', () => this.events.link('down'));
    this.socket.on('status', (raw: unknown) => this.#acceptStatus(raw, 'status push'));
    this.socket.connect();
  }

  stop(): void {
    if (this.#rejoin !== null) this.timers.clear(this.#rejoin);
    this.#rejoin = null;
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  async beginSession(request: SessionBegin): Promise<string> {
    let raw: unknown;
    try {
      raw = await this.#connected('session.begin').timeout(this.ackTimeoutMs).emitWithAck('session.begin', request);
    } catch (error) {
      throw asLinkError(error, 'session.begin');
    }
    const ack = SessionBeginAckSchema.safeParse(raw);
    if (!ack.success) throw new LinkError('malformed', 'session.begin: malformed ack');
    if (!ack.data.ok) throw new LinkError('rejected', `session.begin: ${ack.data.error.code}: ${ack.data.error.message}`);
    return ack.data.sessionId;
  }

  async endSession(request: SessionEnd): Promise<void> {
    let raw: unknown;
    try {
      raw = await this.#connected('session.end').timeout(this.ackTimeoutMs).emitWithAck('session.end', request);
    } catch (error) {
      throw asLinkError(error, 'session.end');
    }
    const ack = SessionEndAckSchema.safeParse(raw);
    if (!ack.success) throw new LinkError('malformed', 'session.end: malformed ack');
    if (!ack.data.ok) throw new LinkError('rejected', `session.end: ${ack.data.error.code}: ${ack.data.error.message}`);
  }

  #rejoinLater(): void {
    if (this.#rejoin !== null) return;
    this.#rejoin = this.timers.set(() => {
      this.#rejoin = null;
      if (!this.socket.connected) this.socket.connect();
    }, this.rejoinMs);
  }

  #connected(what: string): UiSocket {
    if (!this.socket.connected) throw new LinkError('disconnected', `${what}: not connected to the agent`);
    return this.socket;
  }

  /** After every (re)connect: pushes sent while we were away are lost, so ask for the current status. */
  #refreshStatus(): void {
    this.socket
      .timeout(this.ackTimeoutMs)
      .emitWithAck('status.get')
      .then(
        (raw: unknown) => this.#acceptStatus(raw, 'status.get ack'),
        (error: unknown) => this.report('status.get', asLinkError(error, 'status.get')),
      );
  }

  #acceptStatus(raw: unknown, what: string): void {
    const parsed = agentToUiSchemas.status.safeParse(raw);
    if (parsed.success) this.events.status(parsed.data);
    else this.report(what, new LinkError('malformed', `${what}: does not match AgentStatusSchema`));
  }
}
