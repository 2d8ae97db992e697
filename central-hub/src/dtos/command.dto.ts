import type { CommandView } from '@kiosk/protocols';
import type { CommandRecord } from '../repositories/command.repository';

export { MAX_COMMAND_TTL_SECONDS, CommandRequestSchema as CreateCommandRequestSchema } from '@kiosk/protocols';
export type { CommandRequest as CreateCommandRequest, CommandView } from '@kiosk/protocols';

/** Default time a command may wait for its kiosk: an hour. */
export const DEFAULT_COMMAND_TTL_SECONDS = 60 * 60;

export interface CreateCommandResponse {
  commandId: string;
}

/** A stored command as the console and `GET /api/kiosks/:kioskId/commands` show it. */
export function toCommandView(record: CommandRecord): CommandView {
  const { command } = record;
  return {
    commandId: command.commandId,
    kioskId: record.kioskId,
    type: command.type,
    params: command.params,
    issuedAt: command.issuedAt,
    expiresAt: command.expiresAt,
    issuedBy: record.issuedBy,
    status: record.status,
    deliveredAt: record.deliveredAt,
    completedAt: record.completedAt,
    detail: record.detail,
  };
}
