import { updateResponseSchemas, type ReleaseChunkAck, type ReleaseChunkRequest, type UpdateReport, type UpdateReportAck } from '@kiosk/protocols';
import type { HubRequests } from '../sync/hub-requests';

/** The hub could not be asked or did not answer in time: the update waits and asks again. */
export class UpdateHubUnreachableError extends Error {
  override readonly name = 'UpdateHubUnreachableError';
}

/** What the update needs from the hub; the service depends on this interface. */
export interface UpdateHub {
  chunk(request: ReleaseChunkRequest): Promise<ReleaseChunkAck>;
  report(report: UpdateReport): Promise<UpdateReportAck>;
  connected(): boolean;
}

const unreachable = (message: string): Error => new UpdateHubUnreachableError(message);

/** `release.chunk` and `update.report` on the agent's one typed request API of the hub session (`HubRequests`). */
export class UpdateHubClient implements UpdateHub {
  constructor(
    private readonly requests: HubRequests,
    private readonly ackTimeoutMs: number,
  ) {}

  connected(): boolean {
    return this.requests.isConnected();
  }

  chunk(request: ReleaseChunkRequest): Promise<ReleaseChunkAck> {
    return this.requests.request('release.chunk', request, updateResponseSchemas['release.chunk'], { timeoutMs: this.ackTimeoutMs, unreachable });
  }

  report(report: UpdateReport): Promise<UpdateReportAck> {
    return this.requests.request('update.report', report, updateResponseSchemas['update.report'], { timeoutMs: this.ackTimeoutMs, unreachable });
  }
}
