import type { z } from 'zod';
import { lotteryHubAckSchemas, toIssues, type LotteryEvent, type lotteryAgentToHubSchemas } from '@kiosk/protocols';
import type { AgentSocket } from '../sync/hub-session';
import type { HubSocketFactory } from '../sync/socket-factory';
import { InvalidReplyError } from '../sync/errors';

export type LotteryHubRequest<E extends LotteryEvent> = z.input<(typeof lotteryAgentToHubSchemas)[E]>;
export type LotteryHubReply<E extends LotteryEvent> = z.infer<(typeof lotteryHubAckSchemas)[E]>;

/**
 * The hub could not be asked or did not answer in time. For a request that changes something (an entry)
 * whether the hub committed it is unknown: callers retry with the same client request id.
 */
export class HubUnreachableError extends Error {
  readonly code = 'hub_unreachable';
}

/** The one call the lottery makes to the hub; the service depends on this, tests fake it. */
export interface LotteryHub {
  request<E extends LotteryEvent>(event: E, body: LotteryHubRequest<E>): Promise<LotteryHubReply<E>>;
  /** Whether a request could go out now (connected and greeted); absent: assume it could. */
  isConnected?(): boolean;
}

type Emitter = { emitWithAck(event: string, body: unknown): Promise<unknown> };

/**
 * How often a request that found the link mid-connect looks again whether the hub has greeted us: the
 * hello ack reaches this client only as `ready()`, and a failed attempt's socket is closed without an event.
 */
const CONNECTING_POLL_MS = 20;

/**
 * `lottery.*` requests over the agent's own `/agent` connection: the sync link makes a fresh socket for
 * every connection attempt, and `tap` keeps the latest one. A request goes out only while the hub has
 * greeted us (`ready`), waits at most the ack timeout, and its reply is parsed with the protocol schema.
 * A request made while an attempt is under way waits for that attempt (see `attemptSettled`).
 */
export class LotteryHubClient implements LotteryHub {
  private socket: AgentSocket | null = null;

  constructor(
    private readonly ready: () => boolean,
    private readonly ackTimeoutMs: number,
  ) {}

  /** Wraps the sync link's socket factory so lottery requests share its authenticated connection. */
  tap(factory: HubSocketFactory): HubSocketFactory {
    return () => {
      const socket = factory();
      this.socket = socket;
      return socket;
    };
  }

  isConnected(): boolean {
    return (this.socket?.connected ?? false) && this.ready();
  }

  async request<E extends LotteryEvent>(event: E, body: LotteryHubRequest<E>): Promise<LotteryHubReply<E>> {
    await this.attemptSettled();
    const socket = this.socket;
    if (!socket?.connected || !this.ready()) throw new HubUnreachableError('the hub cannot be reached');
    let reply: unknown;
    try {
      reply = await (socket.timeout(this.ackTimeoutMs) as unknown as Emitter).emitWithAck(event, body);
    } catch {
      throw new HubUnreachableError(`no answer from the hub to ${event}`);
    }
    const parsed = lotteryHubAckSchemas[event].safeParse(reply);
    if (!parsed.success) throw new InvalidReplyError(`${event} ack`, toIssues(parsed.error));
    return parsed.data as LotteryHubReply<E>;
  }

  /**
   * Waits, at most one ack timeout, while a connection attempt is under way: its socket open (the link
   * closes the socket of every attempt that fails) and the hub's hello ack not yet in. Without this a
   * person who signed in just as the terminal (re)connected was refused as `hub_unreachable` (no
   * offline key yet) or signed in offline with the hub a moment away (issue 13: on PostgreSQL the
   * hub's greeting takes long enough for the first sign-in after a start to meet it). Between failed
   * attempts (the hub down) nothing is awaited, so an offline sign-in is as quick as before.
   */
  private async attemptSettled(): Promise<void> {
    const deadline = Date.now() + this.ackTimeoutMs;
    while (!this.isConnected() && this.socket?.active === true && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, CONNECTING_POLL_MS));
    }
  }
}
