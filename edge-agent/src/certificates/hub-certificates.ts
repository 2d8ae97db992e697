import type { z } from 'zod';
import {
  AvailabilityResponseSchema,
  CardVerifyResponseSchema,
  ChallengeResponseSchema,
  IssueResponseSchema,
  QuoteResponseSchema,
  RefundResponseSchema,
  toIssues,
  type AgentToHubCertificateEvents,
  type AvailabilityResponse,
  type CardVerifyRequest,
  type CardVerifyResponse,
  type ChallengeResponse,
  type IssueRequest,
  type IssueResponse,
  type QuoteRequest,
  type QuoteResponse,
  type RefundRequest,
  type RefundResponse,
} from '@kiosk/protocols';
import type { AgentSocket } from '../sync/hub-session';
import type { HubSocketFactory } from '../sync/socket-factory';
import { InvalidReplyError } from '../sync/errors';

/**
 * The hub could not be asked or did not answer in time. For `issue` whether the hub committed is then
 * unknown: the flow retries with the same transaction id (the hub's idempotency key).
 */
export class CertificateHubUnreachableError extends Error {
  readonly code = 'hub-unreachable';
}

/** The certificate requests the flow makes to the hub; the flow depends on this interface. */
export interface CertificateHub {
  availability(): Promise<AvailabilityResponse>;
  challenge(): Promise<ChallengeResponse>;
  verify(request: CardVerifyRequest): Promise<CardVerifyResponse>;
  quote(request: QuoteRequest): Promise<QuoteResponse>;
  issue(request: IssueRequest): Promise<IssueResponse>;
  refund(request: RefundRequest): Promise<RefundResponse>;
  /** Whether the hub link is up now (the preflight asks before any card or money). */
  connected(): boolean;
}

type Emitter = { emitWithAck(event: string, body: unknown): Promise<unknown> };

/**
 * `certificates.*` over the agent's own authenticated `/agent` connection: the sync link makes a fresh
 * socket per connection attempt and `tap` keeps the latest. A request goes out only while the hub has
 * greeted us, waits at most its timeout, and its reply is parsed with the protocol schema.
 */
export class CertificateHubClient implements CertificateHub {
  private socket: AgentSocket | null = null;

  constructor(
    private readonly ready: () => boolean,
    private readonly ackTimeoutMs: number,
    /** Issuing renders a PDF of up to 10 pages: it may take longer than a plain ack. */
    private readonly issueTimeoutMs: number = Math.max(ackTimeoutMs, 30_000),
  ) {}

  tap(factory: HubSocketFactory): HubSocketFactory {
    return () => {
      const socket = factory();
      this.socket = socket;
      return socket;
    };
  }

  connected(): boolean {
    return Boolean(this.socket?.connected) && this.ready();
  }

  availability(): Promise<AvailabilityResponse> {
    return this.request('certificates.availability', {}, AvailabilityResponseSchema);
  }

  challenge(): Promise<ChallengeResponse> {
    return this.request('certificates.challenge', {}, ChallengeResponseSchema);
  }

  verify(request: CardVerifyRequest): Promise<CardVerifyResponse> {
    return this.request('certificates.verify', request, CardVerifyResponseSchema);
  }

  quote(request: QuoteRequest): Promise<QuoteResponse> {
    return this.request('certificates.quote', request, QuoteResponseSchema);
  }

  issue(request: IssueRequest): Promise<IssueResponse> {
    return this.request('certificates.issue', request, IssueResponseSchema, this.issueTimeoutMs);
  }

  refund(request: RefundRequest): Promise<RefundResponse> {
    return this.request('certificates.refund', request, RefundResponseSchema);
  }

  private async request<S extends z.ZodType>(event: keyof AgentToHubCertificateEvents, body: unknown, schema: S, timeoutMs = this.ackTimeoutMs): Promise<z.infer<S>> {
    const socket = this.socket;
    if (!socket?.connected || !this.ready()) throw new CertificateHubUnreachableError('the hub cannot be reached');
    let reply: unknown;
    try {
      reply = await (socket.timeout(timeoutMs) as unknown as Emitter).emitWithAck(event, body);
    } catch {
      throw new CertificateHubUnreachableError(`no answer from the hub to ${event}`);
    }
    const parsed = schema.safeParse(reply);
    if (!parsed.success) throw new InvalidReplyError(`${event} ack`, toIssues(parsed.error));
    return parsed.data;
  }
}
