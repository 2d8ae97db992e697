import { z } from 'zod';
import type { HubCommand } from '@kiosk/protocols';
import type { CommandStatus } from '../repositories/command.repository';

/** Longest a command may wait for its kiosk: a week. Default: an hour. */
export const MAX_COMMAND_TTL_SECONDS = 7 * 24 * 60 * 60;
export const DEFAULT_COMMAND_TTL_SECONDS = 60 * 60;

/**
 * `POST /api/kiosks/:kioskId/commands`. Only the envelope is checked here; `type` and `params` are
 * checked against the protocol's `HubCommandSchema` once the hub has added id and times, so the REST
 * body can never accept a command the agent could not parse.
 */
export const CreateCommandRequestSchema = z.strictObject({
  type: z.string().min(1).max(64),
  params: z.unknown(),
  ttlSeconds: z.int().min(1).max(MAX_COMMAND_TTL_SECONDS).optional(),
});
export type CreateCommandRequest = z.infer<typeof CreateCommandRequestSchema>;

export interface CreateCommandResponse {
  commandId: string;
}

/** One row of `GET /api/kiosks/:kioskId/commands`: the command as sent, and where it is now. */
export type CommandView = HubCommand & {
  status: CommandStatus;
  deliveredAt: string | null;
  completedAt: string | null;
  detail: string | null;
};
