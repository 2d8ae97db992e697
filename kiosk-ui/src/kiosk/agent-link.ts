import {
  UI_NAMESPACE,
  type AgentStatus,
  type AgentToUiEvents,
  type SessionBegin,
  type SessionBeginAck,
  type SessionEnd,
  type SessionEndAck,
  type UiToAgentEvents,
} from '@kiosk/protocols';
import { io, type Socket } from 'socket.io-client';
import { LinkError } from '../shared/link-errors';
import { SocketLink } from '../shared/socket-link';
import { agentMessage, isResult, resultWith } from './agent-messages';
import type { ReportProblem } from '../shared/background';
import type { Timers } from '../shared/timers';
import type { AgentLinkState } from './kiosk-model';
import { CertificateLink, type CertificatePort } from './certificates/certificate-link';

export type UiSocket = Socket<AgentToUiEvents, UiToAgentEvents>;
type TimedUiSocket = ReturnType<UiSocket['timeout']>;

export interface AgentLinkEvents {
  link(state: AgentLinkState): void;
  status(status: AgentStatus): void;
}

/** The calls the kiosk makes to the agent (the controller depends on this, not on socket.io). */
export interface AgentPort {
  beginSession(request: SessionBegin): Promise<string>;
  endSession(request: SessionEnd): Promise<void>;
  /** The certificate flow's commands and state pushes (absent in test doubles that do not need them). */
  readonly certificates?: CertificatePort;
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

const statusMessage = agentMessage<AgentStatus>((fields) => typeof fields['hubConnected'] === 'boolean' && Array.isArray(fields['devices']));
const beginAck = agentMessage<SessionBeginAck>(resultWith('sessionId'));
const endAck = agentMessage<SessionEndAck>(isResult);

/**
 * The kiosk's socket to its edge agent. Everything that arrives is checked by shape (agent-messages.ts
 * says why that is enough on this loopback socket; a malformed status is reported and ignored); requests are refused at once while disconnected instead
 * of being buffered by socket.io and delivered later, out of context.
 */
export class AgentLink implements AgentPort {
  readonly #link: SocketLink<TimedUiSocket>;
  readonly certificates: CertificateLink;

  constructor(
    private readonly socket: UiSocket,
    private readonly events: AgentLinkEvents,
    private readonly report: ReportProblem,
    timers: Timers,
    ackTimeoutMs = 5000,
    rejoinMs = 1000,
  ) {
    this.certificates = new CertificateLink(socket, report, ackTimeoutMs);
    this.#link = new SocketLink(
      socket,
      'agent',
      { link: (state) => this.events.link(state), connected: () => this.#refreshStatus() },
      report,
      timers,
      ackTimeoutMs,
      rejoinMs,
    );
  }

  start(): void {
    this.socket.on('status', (raw: unknown) => this.#acceptStatus(raw, 'status push'));
    // A kiosk must never stay disconnected: the link also rejoins after the agent hung up on us.
    this.certificates.start();
    this.#link.start();
  }

  stop(): void {
    this.#link.stop();
  }

  async beginSession(request: SessionBegin): Promise<string> {
    const raw = await this.#link.request('session.begin', (socket) => socket.emitWithAck('session.begin', request));
    const ack = beginAck.safeParse(raw);
    if (!ack.success) throw new LinkError('malformed', 'session.begin: malformed ack');
    if (!ack.data.ok) throw new LinkError('rejected', `session.begin: ${ack.data.error.code}: ${ack.data.error.message}`);
    return ack.data.sessionId;
  }

  async endSession(request: SessionEnd): Promise<void> {
    const raw = await this.#link.request('session.end', (socket) => socket.emitWithAck('session.end', request));
    const ack = endAck.safeParse(raw);
    if (!ack.success) throw new LinkError('malformed', 'session.end: malformed ack');
    if (!ack.data.ok) throw new LinkError('rejected', `session.end: ${ack.data.error.code}: ${ack.data.error.message}`);
  }

  /** After every (re)connect: pushes sent while we were away are lost, so ask for the current status. */
  #refreshStatus(): void {
    this.#link.request('status.get', (socket) => socket.emitWithAck('status.get')).then(
      (raw: unknown) => this.#acceptStatus(raw, 'status.get ack'),
      (error: unknown) => this.report('status.get', error),
    );
  }

  #acceptStatus(raw: unknown, what: string): void {
    this.#link.accept(what, statusMessage, 'AgentStatusSchema', raw, (status) => this.events.status(status));
  }
}
