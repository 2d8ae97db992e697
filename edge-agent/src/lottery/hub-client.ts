import type { z } from 'zod';
import { lotteryHubAckSchemas, type LotteryEvent, type lotteryAgentToHubSchemas } from '@kiosk/protocols';
import type { HubSocketFactory } from '../sync/socket-factory';
import { HubRequests } from '../sync/hub-requests';

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

/**
 * `lottery.*` requests over the agent's own `/agent` connection (`HubRequests`: the latest attempt's
 * socket, requests once the hub has greeted us or after the attempt under way, at most the ack timeout
 * each, replies parsed with the protocol schema).
 */
export class LotteryHubClient implements LotteryHub {
  private readonly requests: HubRequests;

  constructor(
    ready: () => boolean,
    private readonly ackTimeoutMs: number,
  ) {
    this.requests = new HubRequests(ready, ackTimeoutMs, (message) => new HubUnreachableError(message));
  }

  /** Wraps the sync link's socket factory so lottery requests share its authenticated connection. */
  tap(factory: HubSocketFactory): HubSocketFactory {
    return this.requests.tap(factory);
  }

  isConnected(): boolean {
    return this.requests.isConnected();
  }

  async request<E extends LotteryEvent>(event: E, body: LotteryHubRequest<E>): Promise<LotteryHubReply<E>> {
    return (await this.requests.request(event, body, lotteryHubAckSchemas[event], this.ackTimeoutMs)) as LotteryHubReply<E>;
  }
}
