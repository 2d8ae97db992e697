import type { z } from 'zod';
import { lotteryHubAckSchemas, type LotteryEvent } from '@kiosk/protocols';
import type { FeatureRequestBody, HubRequests } from '../sync/hub-requests';

export type LotteryHubRequest<E extends LotteryEvent> = FeatureRequestBody<E>;
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

const unreachable = (message: string): Error => new HubUnreachableError(message);

/** The answer schemas typed by their event (a mapped type: a request with a generic event keeps its answer's type). */
const lotteryAnswerSchemas: { [E in LotteryEvent]: z.ZodType<LotteryHubReply<E>> } = lotteryHubAckSchemas;

/**
 * `lottery.*` on the agent's one typed request API of the hub session (`HubRequests`, shared with
 * certificates: the current connection, requests once the hub has greeted us or after the attempt under
 * way, at most the ack timeout each, replies parsed with the protocol schema).
 */
export class LotteryHubClient implements LotteryHub {
  constructor(
    private readonly requests: HubRequests,
    private readonly ackTimeoutMs: number,
  ) {}

  isConnected(): boolean {
    return this.requests.isConnected();
  }

  request<E extends LotteryEvent>(event: E, body: LotteryHubRequest<E>): Promise<LotteryHubReply<E>> {
    return this.requests.request(event, body, lotteryAnswerSchemas[event], { timeoutMs: this.ackTimeoutMs, unreachable });
  }
}
