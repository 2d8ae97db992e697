import type { z } from 'zod';
import { toIssues, type AgentToHubCertificateEvents, type AgentToHubEvents, type AgentToHubUpdateEvents, type ConnectAttemptOutcome, type LotteryAgentToHubEvents } from '@kiosk/protocols';
import type { AgentSocket } from './hub-session';
import type { HubSocketFactory } from './socket-factory';
import { InvalidReplyError } from './errors';

/** The requests a feature makes to the hub over `/agent` (certificates, lottery, updates: one map each in protocols). */
export type FeatureRequest = keyof AgentToHubCertificateEvents | keyof LotteryAgentToHubEvents | keyof AgentToHubUpdateEvents;
/** The body of feature request `E`, as the protocols event map types it. */
export type FeatureRequestBody<E extends FeatureRequest> = Parameters<AgentToHubEvents[E]>[0];

/** What a feature client throws when the hub cannot be asked or does not answer (its own error class). */
export type UnreachableError = (message: string) => Error;

/** What the requests need of the hub link (HubLink): whether an attempt is under way, and its outcome. */
export interface ConnectAttempts {
  attemptUnderWay(): boolean;
  /** Settles when the attempt under way is established or has failed; at once when none is. */
  attemptOutcome(): Promise<ConnectAttemptOutcome>;
}

/** Before the link is followed (agent start-up): no attempt is under way. */
const NO_LINK: ConnectAttempts = { attemptUnderWay: () => false, attemptOutcome: () => Promise.resolve('failed') };

/** The emit a request needs, typed loosely on purpose: the event is generic here, the map typed it above. */
interface AckEmitter {
  emitWithAck(event: string, body: unknown): Promise<unknown>;
}

export interface RequestOptions {
  timeoutMs: number;
  unreachable: UnreachableError;
}

/**
 * The one typed request API every feature's hub client uses (certificates, lottery), over the agent's own
 * authenticated `/agent` connection: the sync link makes a fresh socket for every connection attempt and
 * `tap` keeps the latest one. A request goes out only once the hub has greeted us (`ready`, the hello
 * ack), waits at most its timeout, and its reply is parsed with the protocol schema. A request made while
 * an attempt is under way waits for that attempt's outcome, which the link's reconnect machine settles
 * (`follow`), at most one ack timeout.
 */
export class HubRequests {
  private socket: AgentSocket | null = null;
  private attempts: ConnectAttempts = NO_LINK;

  constructor(
    private readonly ready: () => boolean,
    /** The longest a request waits for the attempt under way: one ack timeout. */
    private readonly attemptWaitMs: number,
  ) {}

  /** Wraps the sync link's socket factory so the features' requests share its connection. */
  tap(factory: HubSocketFactory): HubSocketFactory {
    return () => {
      const socket = factory();
      this.socket = socket;
      return socket;
    };
  }

  /** The link whose attempts a request waits for (created after the features, so given later). */
  follow(attempts: ConnectAttempts): void {
    this.attempts = attempts;
  }

  /** Connected and greeted: a request goes out now. */
  isConnected(): boolean {
    return (this.socket?.connected ?? false) && this.ready();
  }

  /** Not greeted yet, but an attempt is under way: a request waits for it. */
  isConnecting(): boolean {
    return !this.isConnected() && this.attempts.attemptUnderWay();
  }

  /** Request `event` with its body as the protocols event map types it; the answer parsed with `schema`. */
  async request<E extends FeatureRequest, T>(event: E, body: FeatureRequestBody<E>, schema: z.ZodType<T>, options: RequestOptions): Promise<T> {
    await this.attemptSettled();
    const socket = this.socket;
    if (!socket?.connected || !this.ready()) throw options.unreachable('the hub cannot be reached');
    const emitter: AckEmitter = socket.timeout(options.timeoutMs);
    let reply: unknown;
    try {
      reply = await emitter.emitWithAck(event, body);
    } catch {
      throw options.unreachable(`no answer from the hub to ${event}`);
    }
    const parsed = schema.safeParse(reply);
    if (!parsed.success) throw new InvalidReplyError(`${event} ack`, toIssues(parsed.error));
    return parsed.data;
  }

  /**
   * Waits, at most one ack timeout, for the outcome of a connection attempt under way. Without this a
   * request made just as the terminal (re)connected was refused as unreachable with the hub a moment
   * away: a lottery sign-in refused or signed in offline, a resident's first card check after the agent
   * started refused (issue 13: on PostgreSQL the hub's greeting takes long enough for the first request
   * after a start to meet it). Between failed attempts (the hub down) nothing is awaited, so an offline
   * answer is as quick as before.
   */
  private async attemptSettled(): Promise<void> {
    if (!this.isConnecting()) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.attemptWaitMs)));
    try {
      await Promise.race([this.attempts.attemptOutcome(), waited]);
    } finally {
      clearTimeout(timer);
    }
  }
}
