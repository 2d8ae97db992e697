import { Inject, Injectable } from '@nestjs/common';
import { HubCommandSchema, type AuditEntry, type CommandStatus, type HubCommand } from '@kiosk/protocols';
import type { Selectable } from 'kysely';
import type { CommandsTable } from '../storage/hub-schema';
import type { HubDb, HubStore, Tx } from '../storage/hub-store';
import { DATABASE } from './database.repository';
import { appendAudit, type AuditDraft } from './audit.sql';

/**
 * queued → delivered (the agent's receipt said it recorded the command) → succeeded | failed (its
 * `command.result` event); queued → expired once past `expiresAt` without delivery; queued → failed
 * when the agent refused the command itself. Every change is written with its audit row.
 */
export type { CommandStatus } from '@kiosk/protocols';

export interface CommandRecord {
  kioskId: string;
  /** The kiosk's municipality (who may see the command). */
  municipality: string;
  command: HubCommand;
  issuedBy: string | null;
  status: CommandStatus;
  deliveredAt: string | null;
  completedAt: string | null;
  detail: string | null;
}

export interface CommandRepository {
  /** Queues the command together with its audit row. */
  insert(kioskId: string, command: HubCommand, issuedBy: string, audit: AuditDraft): Promise<AuditEntry>;
  findById(commandId: string): Promise<CommandRecord | undefined>;
  /** Newest first, at most `limit`. */
  listForKiosk(kioskId: string, limit: number): Promise<CommandRecord[]>;
  /** Queued commands not yet expired at `now`, oldest first. */
  pendingForKiosk(kioskId: string, now: string): Promise<HubCommand[]>;
  /** Marks queued commands past their expiry as expired, each with its audit row. */
  expireDue(now: string, audit: (record: CommandRecord) => AuditDraft): Promise<{ record: CommandRecord; entry: AuditEntry }[]>;
  /** queued → delivered; undefined if the command was no longer queued (nothing written). */
  markDelivered(commandId: string, at: string, audit: AuditDraft): Promise<AuditEntry | undefined>;
  /** queued → failed (the agent refused the command itself). */
  markRefused(commandId: string, at: string, detail: string, audit: AuditDraft): Promise<AuditEntry | undefined>;
  countByStatus(): Promise<Map<CommandStatus, number>>;
}
export const COMMAND_REPOSITORY = 'CommandRepository';

type CommandRow = Selectable<CommandsTable> & { municipality: string };

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

function recordFromRow(row: CommandRow): CommandRecord {
  return {
    kioskId: row.kiosk_id,
    municipality: row.municipality,
    command: commandFromRow(row),
    issuedBy: row.issued_by,
    // Only the repository writes the column, always one of the statuses.
    status: row.status as CommandStatus,
    deliveredAt: row.delivered_at,
    completedAt: row.completed_at,
    detail: row.detail,
  };
}

/** Commands with their kiosk's municipality. */
function selectCommands(db: HubDb | Tx) {
  return db.selectFrom('commands as c').innerJoin('kiosks as k', 'k.kiosk_id', 'c.kiosk_id').selectAll('c').select('k.municipality');
}

/** Queues a command in the caller's transaction (a rollout's offer is queued with its kiosk's row). */
export async function queueCommand(tx: Tx, kioskId: string, command: HubCommand, issuedBy: string): Promise<void> {
  await tx
    .insertInto('commands')
    .values({
      command_id: command.commandId,
      kiosk_id: kioskId,
      type: command.type,
      params_json: JSON.stringify(command.params),
      issued_at: command.issuedAt,
      expires_at: command.expiresAt,
      issued_by: issuedBy,
      status: 'queued',
    })
    .execute();
}

/**
 * Every state change is an atomic UPDATE guarded by the state it leaves (`status = 'queued'`), so two
 * hubs delivering, refusing or expiring the same command at once change it once: the loser updates
 * nothing (on PostgreSQL it waits for the winner's row lock and re-checks) and writes no audit row.
 * Each change commits together with its audit row.
 */
@Injectable()
export class KyselyCommandRepository implements CommandRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  insert(kioskId: string, command: HubCommand, issuedBy: string, audit: AuditDraft): Promise<AuditEntry> {
    return this.store.transaction(
      async (tx) => {
        await queueCommand(tx, kioskId, command, issuedBy);
        return appendAudit(tx, audit);
      },
      { isolation: 'read committed' },
    );
  }

  async findById(commandId: string): Promise<CommandRecord | undefined> {
    const row = await selectCommands(this.store.db).where('c.command_id', '=', commandId).executeTakeFirst();
    return row ? recordFromRow(row) : undefined;
  }

  async listForKiosk(kioskId: string, limit: number): Promise<CommandRecord[]> {
    const rows = await selectCommands(this.store.db)
      .where('c.kiosk_id', '=', kioskId)
      .orderBy('c.issued_at', 'desc')
      .orderBy('c.command_id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(recordFromRow);
  }

  async pendingForKiosk(kioskId: string, now: string): Promise<HubCommand[]> {
    const rows = await selectCommands(this.store.db)
      .where('c.kiosk_id', '=', kioskId)
      .where('c.status', '=', 'queued')
      .where('c.expires_at', '>', now)
      .orderBy('c.issued_at')
      .orderBy('c.command_id')
      .execute();
    return rows.map(commandFromRow);
  }

  expireDue(now: string, audit: (record: CommandRecord) => AuditDraft): Promise<{ record: CommandRecord; entry: AuditEntry }[]> {
    return this.store.transaction(
      async (tx) => {
        const due = await selectCommands(tx)
          .where('c.status', '=', 'queued')
          .where('c.expires_at', '<=', now)
          .orderBy('c.issued_at')
          .orderBy('c.command_id')
          .execute();
        const expired: { record: CommandRecord; entry: AuditEntry }[] = [];
        for (const row of due) {
          if (!(await this.leaveQueued(tx, row.command_id, { status: 'expired', completed_at: now }))) continue;
          const record: CommandRecord = { ...recordFromRow(row), status: 'expired', completedAt: now };
          expired.push({ record, entry: await appendAudit(tx, audit(record)) });
        }
        return expired;
      },
      { isolation: 'read committed' },
    );
  }

  markDelivered(commandId: string, at: string, audit: AuditDraft): Promise<AuditEntry | undefined> {
    return this.store.transaction(
      async (tx) => ((await this.leaveQueued(tx, commandId, { status: 'delivered', delivered_at: at })) ? appendAudit(tx, audit) : undefined),
      { isolation: 'read committed' },
    );
  }

  markRefused(commandId: string, at: string, detail: string, audit: AuditDraft): Promise<AuditEntry | undefined> {
    return this.store.transaction(
      async (tx) => ((await this.leaveQueued(tx, commandId, { status: 'failed', completed_at: at, detail })) ? appendAudit(tx, audit) : undefined),
      { isolation: 'read committed' },
    );
  }

  async countByStatus(): Promise<Map<CommandStatus, number>> {
    const rows = await this.store.db
      .selectFrom('commands')
      .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    return new Map(rows.map((row) => [row.status as CommandStatus, Number(row.n)]));
  }

  /** Moves a still-queued command on; false when it had already left the queue (nothing written). */
  private async leaveQueued(
    tx: Tx,
    commandId: string,
    change: { status: Exclude<CommandStatus, 'queued'>; delivered_at?: string; completed_at?: string; detail?: string },
  ): Promise<boolean> {
    const result = await tx.updateTable('commands').set(change).where('command_id', '=', commandId).where('status', '=', 'queued').executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
