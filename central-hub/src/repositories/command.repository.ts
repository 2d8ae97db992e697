import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { HubCommandSchema, type AuditEntry, type CommandStatus, type HubCommand } from '@kiosk/protocols';
import { SqliteDatabase } from './database.repository';
import { prepareAuditAppend, type AuditDraft } from './audit.sql';
import { settle } from './settle';

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

interface CommandRow {
  command_id: string;
  kiosk_id: string;
  municipality: string;
  type: string;
  params_json: string;
  issued_at: string;
  expires_at: string;
  issued_by: string | null;
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

function recordFromRow(row: CommandRow): CommandRecord {
  return {
    kioskId: row.kiosk_id,
    municipality: row.municipality,
    command: commandFromRow(row),
    issuedBy: row.issued_by,
    status: row.status,
    deliveredAt: row.delivered_at,
    completedAt: row.completed_at,
    detail: row.detail,
  };
}

const SELECT = 'SELECT c.*, k.municipality FROM commands c JOIN kiosks k ON k.kiosk_id = c.kiosk_id';

@Injectable()
export class SqliteCommandRepository implements CommandRepository {
  private readonly byId: Statement<[string], CommandRow>;
  private readonly byKiosk: Statement<[string, number], CommandRow>;
  private readonly pending: Statement<[string, string], CommandRow>;
  private readonly counts: Statement<[], { status: CommandStatus; n: number }>;
  private readonly insertTx: (kioskId: string, command: HubCommand, issuedBy: string, audit: AuditDraft) => AuditEntry;
  private readonly expireTx: (now: string, audit: (record: CommandRecord) => AuditDraft) => { record: CommandRecord; entry: AuditEntry }[];
  private readonly deliverTx: (commandId: string, at: string, audit: AuditDraft) => AuditEntry | undefined;
  private readonly refuseTx: (commandId: string, at: string, detail: string, audit: AuditDraft) => AuditEntry | undefined;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    const appendAudit = prepareAuditAppend(db);
    this.byId = db.prepare(`${SELECT} WHERE c.command_id = ?`);
    this.byKiosk = db.prepare(`${SELECT} WHERE c.kiosk_id = ? ORDER BY c.issued_at DESC, c.command_id DESC LIMIT ?`);
    this.pending = db.prepare(
      `${SELECT} WHERE c.kiosk_id = ? AND c.status = 'queued' AND c.expires_at > ?
       ORDER BY c.issued_at, c.command_id`,
    );
    this.counts = db.prepare('SELECT status, count(*) AS n FROM commands GROUP BY status');

    const insert = db.prepare<[string, string, string, string, string, string, string]>(
      `INSERT INTO commands (command_id, kiosk_id, type, params_json, issued_at, expires_at, issued_by, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'queued')`,
    );
    this.insertTx = db.transaction((kioskId: string, command: HubCommand, issuedBy: string, audit: AuditDraft) => {
      insert.run(command.commandId, kioskId, command.type, JSON.stringify(command.params), command.issuedAt, command.expiresAt, issuedBy);
      return appendAudit(audit);
    });

    const due = db.prepare<[string], CommandRow>(`${SELECT} WHERE c.status = 'queued' AND c.expires_at <= ? ORDER BY c.issued_at`);
    const expire = db.prepare<[string, string]>(`UPDATE commands SET status = 'expired', completed_at = ? WHERE command_id = ? AND status = 'queued'`);
    this.expireTx = db.transaction((now: string, audit: (record: CommandRecord) => AuditDraft) =>
      due.all(now).flatMap((row) => {
        if (expire.run(now, row.command_id).changes !== 1) return [];
        const record = { ...recordFromRow(row), status: 'expired' as const, completedAt: now };
        return [{ record, entry: appendAudit(audit(record)) }];
      }),
    );

    const deliver = db.prepare<[string, string]>(
      `UPDATE commands SET status = 'delivered', delivered_at = ? WHERE command_id = ? AND status = 'queued'`,
    );
    this.deliverTx = db.transaction((commandId: string, at: string, audit: AuditDraft) =>
      deliver.run(at, commandId).changes === 1 ? appendAudit(audit) : undefined,
    );
    const refuse = db.prepare<[string, string, string]>(
      `UPDATE commands SET status = 'failed', completed_at = ?, detail = ? WHERE command_id = ? AND status = 'queued'`,
    );
    this.refuseTx = db.transaction((commandId: string, at: string, detail: string, audit: AuditDraft) =>
      refuse.run(at, detail, commandId).changes === 1 ? appendAudit(audit) : undefined,
    );
  }

  insert(kioskId: string, command: HubCommand, issuedBy: string, audit: AuditDraft): Promise<AuditEntry> {
    return settle(() => this.insertTx(kioskId, command, issuedBy, audit));
  }

  findById(commandId: string): Promise<CommandRecord | undefined> {
    return settle(() => {
      const row = this.byId.get(commandId);
      return row ? recordFromRow(row) : undefined;
    });
  }

  listForKiosk(kioskId: string, limit: number): Promise<CommandRecord[]> {
    return settle(() => this.byKiosk.all(kioskId, limit).map(recordFromRow));
  }

  pendingForKiosk(kioskId: string, now: string): Promise<HubCommand[]> {
    return settle(() => this.pending.all(kioskId, now).map(commandFromRow));
  }

  expireDue(now: string, audit: (record: CommandRecord) => AuditDraft): Promise<{ record: CommandRecord; entry: AuditEntry }[]> {
    return settle(() => this.expireTx(now, audit));
  }

  markDelivered(commandId: string, at: string, audit: AuditDraft): Promise<AuditEntry | undefined> {
    return settle(() => this.deliverTx(commandId, at, audit));
  }

  markRefused(commandId: string, at: string, detail: string, audit: AuditDraft): Promise<AuditEntry | undefined> {
    return settle(() => this.refuseTx(commandId, at, detail, audit));
  }

  countByStatus(): Promise<Map<CommandStatus, number>> {
    return settle(() => new Map(this.counts.all().map((row) => [row.status, row.n])));
  }
}
