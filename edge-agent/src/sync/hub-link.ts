import { FailureSchema, ReconnectLoop, systemSchedule, type Failure, type LinkFailure, type Schedule } from '@kiosk/protocols';
import type { Logger } from '../logger';
import type { BackoffPolicy } from './backoff';
import { HubSession, type AgentSocket } from './hub-session';
import type { HubSocketFactory } from './socket-factory';

export interface HubLinkDeps {
  socketFactory: HubSocketFactory;
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
export class HubLink {
  private readonly loop: ReconnectLoop<AgentSocket>;

  constructor(private readonly deps: HubLinkDeps) {
    this.loop = new ReconnectLoop<AgentSocket>({
      timing: { connectDeadlineMs: deps.connectDeadlineMs ?? Math.max(deps.ackTimeoutMs, 5000) + deps.ackTimeoutMs, backoff: deps.backoff },
      schedule: deps.schedule ?? systemSchedule,
      random: deps.random ?? Math.random,
      openSocket: () => deps.socketFactory(),
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

  private async runSession(socket: AgentSocket, established: () => void): Promise<void> {
    const session = new HubSession(socket, this.deps.ackTimeoutMs, established);
    try {
      await this.deps.onSession(session);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'hub session ended with an error');
    } finally {
      session.close('session ended');
    }
  }

  private failed({ failures, retryInMs, cause }: LinkFailure): void {
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
    this.deps.logger[level]({ attempt: failures, retryInMs, code: refusal?.error.code, reason }, 'hub connection failed');
  }
}
