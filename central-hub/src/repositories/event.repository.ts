import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import type { AuditEntry, DeviceHealth, OutboxEvent, ProvisionalEntryPayload } from '@kiosk/protocols';
import { SqliteDatabase } from './database.repository';
import { prepareAuditAppend } from './audit.sql';
import { prepareDeviceHealthUpsert } from './device-health.sql';
import { prepareProvisionalIntake } from './lottery-offline.sql';

/**
 * What storing an event changes besides the events table (its projection). Computed by a pure rule in
 * the service layer; applied by the repository in the same transaction as the insert, and only when the
 * event is new, so a duplicate never applies its effect twice.
 */
export type Effect =
  | { kind: 'device-health'; device: DeviceHealth }
  | { kind: 'cash'; transactionId: string; direction: 'credit' | 'payout'; amountYen: number; reason: string | null }
  | { kind: 'command-result'; commandId: string; status: 'succeeded' | 'failed' | 'expired'; detail: string | null }
  | { kind: 'agent-version'; agentVersion: string }
  | { kind: 'lottery-provisional'; entry: ProvisionalEntryPayload };

export interface IngestItem {
  event: OutboxEvent;
  effects: Effect[];
}

export interface IngestOutcome {
  stored: number;
  duplicates: number;
  /** Highest seq held with every seq below it held too. */
  ackedThroughSeq: number;
  /** Lowest seq held above `ackedThroughSeq + 1`, i.e. beyond a hole; null when there is no hole. */
  nextHeldSeq: number | null;
  /** Kinds of effect applied by newly stored events (so the caller knows what to publish). */
  appliedEffects: ReadonlySet<Effect['kind']>;
  /** Commands this batch completed (each with its audit row, written in the batch's transaction). */
  completedCommands: string[];
  auditEntries: AuditEntry[];
}

/**
 * The batch was refused as a whole and rolled back: a seq the kiosk already used for another event, or
 * an event id the hub holds under another seq. Either means the agent's outbox is corrupt.
 */
export class SeqConflictError extends Error {
  override readonly name = 'SeqConflictError';
  constructor(
    readonly reason: 'seq-taken' | 'id-under-other-seq',
    readonly seq: number,
  ) {
    super(reason === 'seq-taken' ? `seq ${seq} is already used by another event` : `event with seq ${seq} is held under another seq`);
  }
}

export interface EventRepository {
  /**
   * Stores a batch for one kiosk atomically, and resolves only once that is durable. Batches arriving
   * together may share one transaction (group commit), each isolated: one that fails changes nothing
   * and does not fail the others. Throws SeqConflictError (nothing of that batch stored).
   */
  ingest(kioskId: string, items: readonly IngestItem[], receivedAt: string): Promise<IngestOutcome>;
}
export const EVENT_REPOSITORY = 'EventRepository';

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

@Injectable()
export class SqliteEventRepository implements EventRepository {
  private readonly ingestBatch: (kioskId: string, items: readonly IngestItem[], receivedAt: string) => IngestOutcome;

  constructor(@Inject(SqliteDatabase) private readonly database: SqliteDatabase) {
    const { db } = database;
    // Only the (kiosk_id, event_id) conflict is absorbed; a clash on (kiosk_id, seq) still raises.
    const insert = db.prepare<[string, string, number, string, string, string, string]>(
      `INSERT INTO events (kiosk_id, event_id, seq, type, occurred_at, payload_json, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kiosk_id, event_id) DO NOTHING`,
    );
    const seqOfId: Statement<[string, string], number> = db
      .prepare<[string, string], number>('SELECT seq FROM events WHERE kiosk_id = ? AND event_id = ?')
      .pluck();
    const ackedOf: Statement<[string], number> = db
      .prepare<[string], number>('SELECT acked_through_seq FROM kiosks WHERE kiosk_id = ?')
      .pluck();
    const hasSeq: Statement<[string, number], number> = db
      .prepare<[string, number], number>('SELECT 1 FROM events WHERE kiosk_id = ? AND seq = ?')
      .pluck();
    const nextAbove: Statement<[string, number], number | null> = db
      .prepare<[string, number], number | null>('SELECT min(seq) FROM events WHERE kiosk_id = ? AND seq > ?')
      .pluck();
    const setAcked = db.prepare<[number, string]>('UPDATE kiosks SET acked_through_seq = ? WHERE kiosk_id = ?');
    const upsertDevice = prepareDeviceHealthUpsert(db);
    const insertLedger = db.prepare<[string, string, string, string, number, string | null, string]>(
      `INSERT INTO cash_ledger (kiosk_id, event_id, transaction_id, direction, amount_yen, reason, occurred_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    // A result may overtake the delivery receipt (receipt ack lost, command executed): it still counts.
    const completeCommand = db.prepare<[string, string, string | null, string, string]>(
      `UPDATE commands SET status = ?, completed_at = ?, detail = ?
       WHERE command_id = ? AND kiosk_id = ? AND status IN ('queued', 'delivered')`,
    );
    const setAgentVersion = db.prepare<[string, string]>('UPDATE kiosks SET agent_version = ? WHERE kiosk_id = ?');
    const municipalityOf = db.prepare<[string], string>('SELECT municipality FROM kiosks WHERE kiosk_id = ?').pluck();
    const commandTypeOf = db.prepare<[string], string>('SELECT type FROM commands WHERE command_id = ?').pluck();
    const appendAudit = prepareAuditAppend(db);
    const intakeProvisional = prepareProvisionalIntake(db);

    /** Applies one effect; a completed command is audited here, in the event's transaction. */
    const apply = (kioskId: string, event: OutboxEvent, effect: Effect, receivedAt: string, audit: AuditEntry[], completed: string[]): void => {
      switch (effect.kind) {
        case 'device-health':
          upsertDevice(kioskId, effect.device, receivedAt);
          return;
        case 'cash':
          insertLedger.run(
            kioskId,
            event.id,
            effect.transactionId,
            effect.direction,
            effect.amountYen,
            effect.reason,
            new Date(event.occurredAt).toISOString(),
          );
          return;
        case 'command-result': {
          const at = new Date(event.occurredAt).toISOString();
          if (completeCommand.run(effect.status, at, effect.detail, effect.commandId, kioskId).changes !== 1) return;
          completed.push(effect.commandId);
          audit.push(
            appendAudit({
              at: receivedAt,
              actor: `kiosk:${kioskId}`,
              actorKind: 'kiosk',
              action: `command.${effect.status}`,
              outcome: 'ok',
              municipality: municipalityOf.get(kioskId) ?? null,
              kioskId,
              target: effect.commandId,
              detail: { type: commandTypeOf.get(effect.commandId) ?? null, completedAt: at, detail: effect.detail?.slice(0, 200) ?? null },
            }),
          );
          return;
        }
        case 'agent-version':
          setAgentVersion.run(effect.agentVersion, kioskId);
          return;
        case 'lottery-provisional':
          intakeProvisional(kioskId, event.id, event.occurredAt, effect.entry, receivedAt);
          return;
      }
    };

    // Runs inside the group's transaction, in the batch's own savepoint (SqliteDatabase.grouped).
    this.ingestBatch = (kioskId: string, items: readonly IngestItem[], receivedAt: string): IngestOutcome => {
      let stored = 0;
      let duplicates = 0;
      const appliedEffects = new Set<Effect['kind']>();
      const auditEntries: AuditEntry[] = [];
      const completedCommands: string[] = [];
      for (const { event, effects } of items) {
        let changes: number;
        try {
          changes = insert.run(kioskId, event.id, event.seq, event.type, event.occurredAt, JSON.stringify(event.payload), receivedAt).changes;
        } catch (error) {
          if (isUniqueViolation(error)) throw new SeqConflictError('seq-taken', event.seq);
          throw error;
        }
        if (changes === 0) {
          if (seqOfId.get(kioskId, event.id) !== event.seq) throw new SeqConflictError('id-under-other-seq', event.seq);
          duplicates++;
          continue;
        }
        stored++;
        for (const effect of effects) {
          apply(kioskId, event, effect, receivedAt, auditEntries, completedCommands);
          appliedEffects.add(effect.kind);
        }
      }
      const from = ackedOf.get(kioskId) ?? 0;
      let acked = from;
      while (hasSeq.get(kioskId, acked + 1) !== undefined) acked++;
      if (acked !== from) setAcked.run(acked, kioskId);
      const nextHeldSeq = nextAbove.get(kioskId, acked) ?? null;
      return { stored, duplicates, ackedThroughSeq: acked, nextHeldSeq, appliedEffects, completedCommands, auditEntries };
    };
  }

  ingest(kioskId: string, items: readonly IngestItem[], receivedAt: string): Promise<IngestOutcome> {
    return this.database.grouped(() => this.ingestBatch(kioskId, items, receivedAt));
  }
}
