import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { HubCommandSchema, type HubCommand } from '@kiosk/protocols';
import { SqliteDatabase } from './database.repository';
import { settle } from './settle';

/**
 * queued → delivered (the agent's receipt said it recorded the command) → succeeded | failed (its
 * `command.result` event); queued → expired once past `expiresAt` without delivery.
 */
export type CommandStatus = 'queued' | 'delivered' | 'succeeded' | 'failed' | 'expired';

export interface CommandRecord {
  kioskId: string;
  command: HubCommand;
  status: CommandStatus;
  deliveredAt: string | null;
  completedAt: string | null;
  detail: string | null;
}

export interface CommandRepository {
  insert(kioskId: string, command: HubCommand): Promise<void>;
  listForKiosk(kioskId: string): Promise<CommandRecord[]>;
  /** Queued commands not yet expired at `now`, oldest first. */
  pendingForKiosk(kioskId: string, now: string): Promise<HubCommand[]>;
  /** Marks queued commands past their expiry as expired; resolves with how many. */
  expireDue(now: string): Promise<number>;
  /** queued → delivered; resolves false if the command was no longer queued. */
  markDelivered(commandId: string, at: string): Promise<boolean>;
  /** queued → failed (the agent refused the command itself). */
  markRefused(commandId: string, at: string, detail: string): Promise<boolean>;
}
export const COMMAND_REPOSITORY = 'CommandRepository';

interface CommandRow {
  command_id: string;
  kiosk_id: string;
  type: string;
  params_json: string;
  issued_at: string;
  expires_at: string;
  status: CommandStatus;
  delivered_at: string | null;
  completed_at: string | null;
  detail: string | null;
}

/** Rows are re-parsed with the protocol schema: what leaves the hub is always a valid command. */
function commandFromRow(row: CommandRow): HubCommand {
  return HubCommandSchema.parse({
    commandId: row.command_id,
    type: row.type,
    params: JSON.parse(row.params_json) as unknown,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
  });
}

@Injectable()
export class SqliteCommandRepository implements CommandRepository {
  private readonly insertStatement: Statement<[string, string, string, string, string, string]>;
  private readonly byKiosk: Statement<[string], CommandRow>;
  private readonly pending: Statement<[string, string], CommandRow>;
  private readonly expire: Statement<[string]>;
  private readonly deliver: Statement<[string, string]>;
  private readonly refuse: Statement<[string, string, string]>;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    this.insertStatement = db.prepare<[string, string, string, string, string, string]>(
      `INSERT INTO commands (command_id, kiosk_id, type, params_json, issued_at, expires_at, status)
       VALUES (?, ?, ?, ?, ?, ?, 'queued')`,
    );
    this.byKiosk = db.prepare<[string], CommandRow>('SELECT * FROM commands WHERE kiosk_id = ? ORDER BY issued_at, command_id');
    this.pending = db.prepare<[string, string], CommandRow>(
      `SELECT * FROM commands WHERE kiosk_id = ? AND status = 'queued' AND expires_at > ?
       ORDER BY issued_at, command_id`,
    );
    this.expire = db.prepare<[string]>(`UPDATE commands SET status = 'expired' WHERE status = 'queued' AND expires_at <= ?`);
    this.deliver = db.prepare<[string, string]>(
      `UPDATE commands SET status = 'delivered', delivered_at = ? WHERE command_id = ? AND status = 'queued'`,
    );
    this.refuse = db.prepare<[string, string, string]>(
      `UPDATE commands SET status = 'failed', completed_at = ?, detail = ? WHERE command_id = ? AND status = 'queued'`,
    );
  }

  insert(kioskId: string, command: HubCommand): Promise<void> {
    return settle(() => {
      this.insertStatement.run(
        command.commandId,
        kioskId,
        command.type,
        JSON.stringify(command.params),
        command.issuedAt,
        command.expiresAt,
      );
    });
  }

  listForKiosk(kioskId: string): Promise<CommandRecord[]> {
    return settle(() =>
      this.byKiosk.all(kioskId).map((row) => ({
        kioskId: row.kiosk_id,
        command: commandFromRow(row),
        status: row.status,
        deliveredAt: row.delivered_at,
        completedAt: row.completed_at,
        detail: row.detail,
      })),
    );
  }

  pendingForKiosk(kioskId: string, now: string): Promise<HubCommand[]> {
    return settle(() => this.pending.all(kioskId, now).map(commandFromRow));
  }

  expireDue(now: string): Promise<number> {
    return settle(() => this.expire.run(now).changes);
  }

  markDelivered(commandId: string, at: string): Promise<boolean> {
    return settle(() => this.deliver.run(at, commandId).changes === 1);
  }

  markRefused(commandId: string, at: string, detail: string): Promise<boolean> {
    return settle(() => this.refuse.run(at, detail, commandId).changes === 1);
  }
}
