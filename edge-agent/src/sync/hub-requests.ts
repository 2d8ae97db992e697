import type { z } from 'zod';
import { toIssues } from '@kiosk/protocols';
import type { AgentSocket } from './hub-session';
import type { HubSocketFactory } from './socket-factory';
import { InvalidReplyError } from './errors';

type Emitter = { emitWithAck(event: string, body: unknown): Promise<unknown> };

/**
 * How often a request that found the link mid-connect looks again whether the hub has greeted us: the
 * hello ack reaches this module only as `ready()`, and a failed attempt's socket is closed without an event.
 */
const CONNECTING_POLL_MS = 20;

/** What a feature client throws when the hub cannot be asked or does not answer (its own error class). */
export type UnreachableError = (message: string) => Error;

/**
 * A feature's requests (certificates, lottery) over the agent's own authenticated `/agent` connection:
 * the sync link makes a fresh socket for every connection attempt and `tap` keeps the latest one. A
 * request goes out only once the hub has greeted us (`ready`, the hello ack), waits at most its timeout,
 * and its reply is parsed with the protocol schema. A request made while an attempt is under way waits
 * for that attempt (see `attemptSettled`): the one waiting rule of every hub client on the agent.
 */
export class HubRequests {
  private socket: AgentSocket | null = null;

  constructor(
    private readonly ready: () => boolean,
    /** The longest a request waits for the attempt under way: one ack timeout. */
    private readonly attemptWaitMs: number,
    private readonly unreachable: UnreachableError,
  ) {}

  /** Wraps the sync link's socket factory so the feature's requests share its connection. */
  tap(factory: HubSocketFactory): HubSocketFactory {
    return () => {
      const socket = factory();
      this.socket = socket;
      return socket;
    };
  }

  /** Connected and greeted: a request goes out now. */
  isConnected(): boolean {
    return (this.socket?.connected ?? false) && this.ready();
  }

  /** Not greeted yet, but an attempt is under way (its socket open: the link closes a failed one's). */
  isConnecting(): boolean {
    return !this.isConnected() && this.socket?.active === true;
  }

  async request<S extends z.ZodType>(event: string, body: unknown, schema: S, timeoutMs: number): Promise<z.infer<S>> {
    await this.attemptSettled();
    const socket = this.socket;
    if (!socket?.connected || !this.ready()) throw this.unreachable('the hub cannot be reached');
    let reply: unknown;
    try {
      reply = await (socket.timeout(timeoutMs) as unknown as Emitter).emitWithAck(event, body);
    } catch {
      throw this.unreachable(`no answer from the hub to ${event}`);
    }
    const parsed = schema.safeParse(reply);
    if (!parsed.success) throw new InvalidReplyError(`${event} ack`, toIssues(parsed.error));
    return parsed.data;
  }

  /**
   * Waits, at most one ack timeout, while a connection attempt is under way. Without this a request
   * made just as the terminal (re)connected was refused as unreachable with the hub a moment away: a
   * lottery sign-in refused or signed in offline, a resident's first card check after the agent started
   * refused (issue 13: on PostgreSQL the hub's greeting takes long enough for the first request after a
   * start to meet it). Between failed attempts (the hub down) nothing is awaited, so an offline
   * answer is as quick as before.
   */
  private async attemptSettled(): Promise<void> {
    const deadline = Date.now() + this.attemptWaitMs;
    while (this.isConnecting() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, CONNECTING_POLL_MS));
    }
  }
}
