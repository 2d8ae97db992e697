import {
  certificateResponseSchemas,
  type AgentToHubCertificateEvents,
  type CertificateResponseOf,
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
import type { HubRequests } from '../sync/hub-requests';

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
  /**
   * Whether a request can reach the hub, now or soon: the link is up, or a connection attempt is under
   * way that a request waits for (issue 13: the first card check after the agent started). False: the
   * hub is down and the preflight (before any card or money) says so at once.
   */
  reachable(): boolean;
}

const unreachable = (message: string): Error => new CertificateHubUnreachableError(message);

/**
 * `certificates.*` on the agent's one typed request API of the hub session (`HubRequests`, shared with
 * the lottery: the current connection, requests once the hub has greeted us or after the attempt under
 * way, replies parsed with the protocol schema).
 */
export class CertificateHubClient implements CertificateHub {
  constructor(
    private readonly requests: HubRequests,
    private readonly ackTimeoutMs: number,
    /** Issuing renders a PDF of up to 10 pages: it may take longer than a plain ack. */
    private readonly issueTimeoutMs: number = Math.max(ackTimeoutMs, 30_000),
  ) {}

  reachable(): boolean {
    return this.requests.isConnected() || this.requests.isConnecting();
  }

  availability(): Promise<AvailabilityResponse> {
    return this.request('certificates.availability', {});
  }

  challenge(): Promise<ChallengeResponse> {
    return this.request('certificates.challenge', {});
  }

  verify(request: CardVerifyRequest): Promise<CardVerifyResponse> {
    return this.request('certificates.verify', request);
  }

  quote(request: QuoteRequest): Promise<QuoteResponse> {
    return this.request('certificates.quote', request);
  }

  issue(request: IssueRequest): Promise<IssueResponse> {
    return this.request('certificates.issue', request, this.issueTimeoutMs);
  }

  refund(request: RefundRequest): Promise<RefundResponse> {
    return this.request('certificates.refund', request);
  }

  private request<E extends keyof AgentToHubCertificateEvents>(event: E, body: Parameters<AgentToHubCertificateEvents[E]>[0], timeoutMs = this.ackTimeoutMs): Promise<CertificateResponseOf<E>> {
    return this.requests.request(event, body, certificateResponseSchemas[event], { timeoutMs, unreachable });
  }
}
