import { HubCommandSchema, type HubCommand, type HubCommandType } from '@kiosk/protocols';
import type { SqliteDatabase } from './database';

export type CommandOutcomeStatus = 'succeeded' | 'failed' | 'expired';

export interface PendingCommand {
  commandId: string;
  type: HubCommandType;
  receivedAt: string;
  /** The command as recorded (null if the stored copy no longer parses). */
  command: HubCommand | null;
}

/**
 * Hub commands as received. The row is committed before the command is acked or acted on, so a command
 * the hub sends again (it keeps commands until the kiosk acks, and an ack can be lost) is recognised as
 * a duplicate and never acted on twice.
 */
export class Inbox {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    this.statements = {
      record: db.prepare(
        `INSERT INTO inbox (command_id, type, command_json, received_at, state) VALUES (?, ?, ?, ?, 'received')
         ON CONFLICT (command_id) DO NOTHING`,
      ),
      complete: db.prepare(
        `UPDATE inbox SET state = 'done', outcome = ?, completed_at = ? WHERE command_id = ? AND state = 'received'`,
      ),
      pending: db.prepare<[], { command_id: string; type: HubCommandType; received_at: string; command_json: string }>(
        `SELECT command_id, type, received_at, command_json FROM inbox WHERE state = 'received' ORDER BY received_at, command_id`,
      ),
      state: db.prepare<[string], { state: 'received' | 'done'; outcome: CommandOutcomeStatus | null }>(
        'SELECT state, outcome FROM inbox WHERE command_id = ?',
      ),
    };
  }

  /** Records the command; `duplicate` when its id was already recorded (nothing written then). */
  record(command: HubCommand, receivedAt: Date): 'new' | 'duplicate' {
    const write = this.db.transaction(
      () => this.statements.record.run(command.commandId, command.type, JSON.stringify(command), receivedAt.toISOString()).changes,
    );
    return write.immediate() === 1 ? 'new' : 'duplicate';
  }

  /**
   * Marks the command done. Call it inside the transaction that also enqueues the `command.result`
   * event, so the outcome and its report commit together. False if it was not pending.
   */
  complete(commandId: string, outcome: CommandOutcomeStatus, completedAt: Date): boolean {
    return this.statements.complete.run(outcome, completedAt.toISOString(), commandId).changes === 1;
  }

  /** Commands recorded but never completed: the agent stopped while acting on them. */
  pending(): PendingCommand[] {
    return this.statements.pending.all().map((row) => {
      const stored = HubCommandSchema.safeParse(JSON.parse(row.command_json));
      return { commandId: row.command_id, type: row.type, receivedAt: row.received_at, command: stored.success ? stored.data : null };
    });
  }

  stateOf(commandId: string): { state: 'received' | 'done'; outcome: CommandOutcomeStatus | null } | null {
    return this.statements.state.get(commandId) ?? null;
  }
}
