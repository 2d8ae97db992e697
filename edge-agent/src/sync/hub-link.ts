import { FailureSchema, ReconnectLoop, systemSchedule, type ConnectAttemptOutcome, type Failure, type LinkFailure, type Schedule } from '@kiosk/protocols';
import type { Logger } from '../logger';
import type { BackoffPolicy } from './backoff';
import { HUB_CLOSED_REASON, nextHubIndex, type AttemptOutcome } from './hub-endpoints';
import { HubSession, type AgentSocket } from './hub-session';
import type { ConnectAttempts } from './hub-requests';
import type { HubSocketFactory } from './socket-factory';

/** One hub the link may connect to: its URL (for the logs) and the factory of sockets to it. */
export interface HubTarget {
  url: string;
  socketFactory: HubSocketFactory;
}

export interface HubLinkDeps {
  /**
   * The hubs, in the order `HUB_URL` lists them (at least one). Each failed connect moves to the next;
   * an established session stays on its hub (hub-endpoints.ts).
   */
  hubs: readonly HubTarget[];
  backoff: BackoffPolicy;
  ackTimeoutMs: number;
  /**
   * Deadline for the whole connect: websocket, `/agent` namespace (kiosk authentication) and the hello
   * ack. Default: the socket's own connect timeout (at least 5 s) plus one ack timeout.
   */
  connectDeadlineMs?: number;
  logger: Logger;
  random?: () => number;
  schedule?: Schedule;
  /**
   * Runs one connected session; resolves when it is over (the link then reconnects). It calls
   * `session.markEstablished()` once the hub accepted its hello: until then the connect deadline runs,
   * and a session that ends without it counts as a failed attempt, so retries keep backing off.
   */
  onSession(session: HubSession): Promise<unknown>;
  /** Every failed attempt, with the hub's structured refusal when it gave one. */
  onConnectFailed?(refusal: Failure | null): void;
}

/**
 * The agent's connection to the hub: the shared reconnect loop (protocols reconnect-machine.ts) with one
 * fresh socket per attempt, one deadline over websocket + namespace + hello, bounded jittered backoff
 * between attempts. socket.io's reconnection and connection-state recovery are not used: after every
 * reconnect the outbox is the source of truth.
 */
export class HubLink implements ConnectAttempts {
  private readonly loop: ReconnectLoop<AgentSocket>;
  /** The hub the next attempt goes to (index into `deps.hubs`). */
  private hub = 0;
  /** The hub the last socket was opened to (-1: none yet), so a change of hub is logged once. */
  private openedTo = -1;

  constructor(private readonly deps: HubLinkDeps) {
    if (deps.hubs.length === 0) throw new Error('HubLink: no hub to connect to');
    this.loop = new ReconnectLoop<AgentSocket>({
      timing: { connectDeadlineMs: deps.connectDeadlineMs ?? Math.max(deps.ackTimeoutMs, 5000) + deps.ackTimeoutMs, backoff: deps.backoff },
      schedule: deps.schedule ?? systemSchedule,
      random: deps.random ?? Math.random,
      openSocket: () => this.openSocket(),
      runSession: (socket, established) => this.runSession(socket, established),
      onFailure: (failure) => this.failed(failure),
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Closes the connection and waits for the running session (if any) to finish. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** A connection attempt is under way: its socket opening, or its session greeting the hub. */
  attemptUnderWay(): boolean {
    return this.loop.attemptUnderWay;
  }

  /** The outcome of the attempt under way, settled by the reconnect machine (at once when none is). */
  attemptOutcome(): Promise<ConnectAttemptOutcome> {
    return this.loop.attemptOutcome();
  }

  /** The URL the next attempt goes to (tests, logs). */
  get currentHubUrl(): string {
    return this.target().url;
  }

  private target(): HubTarget {
    const target = this.deps.hubs[this.hub];
    if (!target) throw new Error(`HubLink: no hub at position ${this.hub}`);
    return target;
  }

  private openSocket(): AgentSocket {
    const target = this.target();
    if (this.deps.hubs.length > 1 && this.openedTo !== this.hub) {
      this.deps.logger.info({ hub: target.url, position: this.hub + 1, of: this.deps.hubs.length }, 'connecting to hub');
    }
    this.openedTo = this.hub;
    return target.socketFactory();
  }

  private moveOn(outcome: AttemptOutcome): void {
    this.hub = nextHubIndex(this.hub, this.deps.hubs.length, outcome);
  }

  private async runSession(socket: AgentSocket, onEstablished: () => void): Promise<void> {
    let wasEstablished = false;
    const established = (): void => {
      wasEstablished = true;
      onEstablished();
    };
    const session = new HubSession(socket, this.deps.ackTimeoutMs, established);
    try {
      await this.deps.onSession(session);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'hub session ended with an error');
    } finally {
      // Read before our own close: '' if the session returned while the socket was still up.
      const reason = session.endReason;
      session.close('session ended');
      // A session that never got established was a failed attempt: `failed` already moved on.
      if (wasEstablished) {
        const closedByHub = reason === HUB_CLOSED_REASON;
        if (closedByHub && this.deps.hubs.length > 1) this.deps.logger.info({ hub: this.target().url }, 'the hub closed the session; trying the next hub');
        this.moveOn({ kind: 'session_ended', closedByHub });
      }
    }
  }

  private failed({ failures, retryInMs, cause }: LinkFailure): void {
    const hub = this.target().url;
    this.moveOn({ kind: 'failed' });
    let refusal: Failure | null = null;
    let reason: string;
    switch (cause.kind) {
      case 'refused': {
        const parsed = FailureSchema.safeParse(cause.error instanceof Error && 'data' in cause.error ? cause.error.data : undefined);
        refusal = parsed.success ? parsed.data : null;
        reason = cause.error instanceof Error ? cause.error.message : String(cause.error);
        break;
      }
      case 'disconnected':
        reason = `disconnected during the connect (${cause.reason})`;
        break;
      case 'deadline':
        reason = 'no connection within the connect deadline';
        break;
      case 'session_failed':
        reason = 'the hub did not accept the hello';
        break;
    }
    this.deps.onConnectFailed?.(refusal);
    // Loud for the first failures, then once in a while: a long outage must not flood the log.
    const level = failures <= 3 || failures % 20 === 0 ? 'warn' : 'debug';
    const where = this.deps.hubs.length > 1 ? { hub, next: this.target().url } : {};
    this.deps.logger[level]({ attempt: failures, retryInMs, code: refusal?.error.code, reason, ...where }, 'hub connection failed');
  }
}
