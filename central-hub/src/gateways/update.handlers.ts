import { Inject, Injectable } from '@nestjs/common';
import { agentToHubUpdateSchemas, failure, parseMessage, type AgentToHubUpdateEvents, type UpdateResponseOf } from '@kiosk/protocols';
import { busyFailure } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { ReleaseChunkService } from '../services/release-chunk.service';
import { RolloutProgressService } from '../services/rollout-progress.service';
import { isStorageBusy } from '../storage/storage-errors';

export type UpdateEvent = keyof AgentToHubUpdateEvents;

/**
 * The agents' update messages on `/agent` (issue 19), forwarded by AgentGateway: `release.chunk` and
 * `update.report`, each parsed by its protocol schema and always answered (a refusal too), plus the
 * hook the gateway calls after a hello.
 */
@Injectable()
export class UpdateAgentHandlers {
  private readonly log: Logger;

  constructor(
    @Inject(ReleaseChunkService) private readonly chunks: ReleaseChunkService,
    @Inject(RolloutProgressService) private readonly progress: RolloutProgressService,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'update-handlers' });
  }

  static handles(event: string): event is UpdateEvent {
    return Object.hasOwn(agentToHubUpdateSchemas, event);
  }

  async handle<E extends UpdateEvent>(kioskId: string, event: E, body: unknown): Promise<UpdateResponseOf<E>> {
    const parsed = parseMessage(agentToHubUpdateSchemas[event], body, event);
    if (!parsed.ok) {
      this.log.warn({ kioskId, event, code: parsed.error.code, issues: parsed.error.issues?.length ?? 0 }, 'agent message refused');
      return parsed;
    }
    try {
      // The schema map and the event agree by construction (agentToHubUpdateSchemas is keyed by event).
      if (event === 'release.chunk') return (await this.chunks.chunk(kioskId, parsed.value as UpdateRequest<'release.chunk'>)) as UpdateResponseOf<E>;
      return (await this.progress.report(kioskId, parsed.value as UpdateRequest<'update.report'>)) as UpdateResponseOf<E>;
    } catch (error) {
      this.log.error({ kioskId, event, err: error instanceof Error ? error.message : String(error) }, 'agent message failed');
      return isStorageBusy(error) ? busyFailure() : failure('internal', 'internal error');
    }
  }

  /** After a kiosk's accepted hello. */
  helloed(kioskId: string, agentVersion: string): Promise<void> {
    return this.progress.kioskHello(kioskId, agentVersion);
  }
}

type UpdateRequest<E extends UpdateEvent> = Parameters<AgentToHubUpdateEvents[E]>[0];
