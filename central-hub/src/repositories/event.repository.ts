import { Inject, Injectable } from '@nestjs/common';
import type { AuditEntry, DeviceHealth, OutboxEvent, ProvisionalEntryPayload } from '@kiosk/protocols';
import { HotRowsStatement, HotStatement, type HubStore, type Tx } from '../storage/hub-store';
import type { CashLedgerTable } from '../storage/hub-schema';
import { DATABASE } from './database.repository';
import { appendAudit } from './audit.sql';
import { upsertDeviceHealth } from './device-health.sql';
import { takeInProvisionalEntry } from './lottery-offline.sql';

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
  /**
   * The acked-through seq rose over an event stored before this batch (the batch filled a hole), so
   * events held beyond that hole are now acknowledged too.
   */
  ackedPastBatch: boolean;
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

/** Rows per multi-row statement: far below either engine's bound on parameters (7 a row). */
const ROWS_PER_STATEMENT = 500;
/** Seqs read per step of the walk to the contiguous acked-through seq. */
const SEQ_WALK_PAGE = 1024;

function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

// The ingest path's statements, written once for both engines and compiled once (issue 12).
const INSERT_EVENTS = new HotRowsStatement<{ event_id: string; seq: number }>(
  'INSERT INTO events (kiosk_id, event_id, seq, type, occurred_at, payload_json, received_at)',
  7,
  'ON CONFLICT DO NOTHING RETURNING event_id, seq',
);
const INSERT_LEDGER = new HotRowsStatement('INSERT INTO cash_ledger (kiosk_id, event_id, transaction_id, direction, amount_yen, reason, occurred_at)', 7);
/** The stored acked-through seq with the first page of seqs held above it (a LEFT JOIN: a kiosk holding none still gives its row). */
const FIRST_SEQS_PAGE = new HotStatement<{ acked: number; seq: number | null }>(
  `SELECT k.acked_through_seq AS acked, e.seq AS seq
   FROM kiosks AS k LEFT JOIN events AS e ON e.kiosk_id = k.kiosk_id AND e.seq > k.acked_through_seq
   WHERE k.kiosk_id = ?
   ORDER BY e.seq
   LIMIT ?`,
);
/** Only ever rises, whatever another hub process wrote meanwhile. */
const RAISE_ACKED_THROUGH = new HotStatement('UPDATE kiosks SET acked_through_seq = ? WHERE kiosk_id = ? AND acked_through_seq < ?');

const keyOf = (eventId: string, seq: number): string => `${seq}:${eventId}`;

/**
 * Splits a batch by what its insert stored: an event is stored the first time its (id, seq) appears
 * among the inserted rows; every other one (a re-send, a repeat within the batch, a conflict) was
 * skipped and is checked against what the kiosk's log holds.
 */
function splitByInsert(items: readonly IngestItem[], inserted: ReadonlySet<string>): { stored: IngestItem[]; skipped: IngestItem[] } {
  const stored: IngestItem[] = [];
  const skipped: IngestItem[] = [];
  const taken = new Set<string>();
  for (const item of items) {
    const key = keyOf(item.event.id, item.event.seq);
    if (inserted.has(key) && !taken.has(key)) {
      taken.add(key);
      stored.push(item);
    } else {
      skipped.push(item);
    }
  }
  return { stored, skipped };
}

/** What the effects of one batch gather while they are applied. */
interface Applied {
  kinds: Set<Effect['kind']>;
  cash: CashLedgerTable[];
  /** Device reports of the batch's events, in seq order, upserted in one statement once every effect has run. */
  devices: DeviceHealth[];
  completedCommands: string[];
  auditEntries: AuditEntry[];
  /** The kiosk's municipality, read once per batch when a command completes. */
  municipality?: string | null;
}

@Injectable()
export class KyselyEventRepository implements EventRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  ingest(kioskId: string, items: readonly IngestItem[], receivedAt: string): Promise<IngestOutcome> {
    // Grouped with the other batches of this turn: one transaction and one fsync for all of them, each
    // batch in its own savepoint, so a refused one (SeqConflictError) is rolled back alone.
    return this.store.grouped((tx) => this.ingestBatch(tx, kioskId, items, receivedAt), 'full', kioskId);
  }

  private async ingestBatch(tx: Tx, kioskId: string, items: readonly IngestItem[], receivedAt: string): Promise<IngestOutcome> {
    // The insert itself finds what the hub already holds: ON CONFLICT DO NOTHING skips it (never a
    // unique-key error, which on PostgreSQL would abort the whole group's transaction), RETURNING names
    // what was stored, and only the skipped events are read back, to tell a re-send from a corrupt outbox.
    const { stored, skipped } = splitByInsert(items, await this.insertEvents(tx, kioskId, items, receivedAt));
    if (skipped.length > 0) await this.refuseConflicts(tx, kioskId, skipped);
    const applied: Applied = { kinds: new Set(), cash: [], devices: [], completedCommands: [], auditEntries: [] };
    for (const item of stored) {
      for (const effect of item.effects) {
        await this.apply(tx, kioskId, item.event, effect, receivedAt, applied);
        applied.kinds.add(effect.kind);
      }
    }
    await upsertDeviceHealth(tx, kioskId, applied.devices, receivedAt);
    for (const rows of chunked(applied.cash, ROWS_PER_STATEMENT)) {
      await INSERT_LEDGER.execute(
        tx,
        rows.map((row) => [row.kiosk_id, row.event_id, row.transaction_id, row.direction, row.amount_yen, row.reason, row.occurred_at]),
      );
    }
    const { ackedFromSeq, ackedThroughSeq, nextHeldSeq } = await this.advanceAckedThrough(tx, kioskId);
    const newlyAckedOfBatch = stored.filter(({ event }) => event.seq > ackedFromSeq && event.seq <= ackedThroughSeq).length;
    return {
      stored: stored.length,
      duplicates: skipped.length,
      ackedThroughSeq,
      nextHeldSeq,
      ackedPastBatch: ackedThroughSeq - ackedFromSeq > newlyAckedOfBatch,
      appliedEffects: applied.kinds,
      completedCommands: applied.completedCommands,
      auditEntries: applied.auditEntries,
    };
  }

  /**
   * Inserts the batch in few statements; returns the (seq, id) keys of the rows it stored. A row whose
   * id or seq the kiosk's log holds (committed, by this batch, or by another hub process, whose commit
   * PostgreSQL waits for) is skipped.
   */
  private async insertEvents(tx: Tx, kioskId: string, items: readonly IngestItem[], receivedAt: string): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (const chunk of chunked(items, ROWS_PER_STATEMENT)) {
      const returned = await INSERT_EVENTS.execute(
        tx,
        chunk.map(({ event }) => [kioskId, event.id, event.seq, event.type, event.occurredAt, JSON.stringify(event.payload), receivedAt]),
      );
      for (const row of returned) inserted.add(keyOf(row.event_id, row.seq));
    }
    return inserted;
  }

  /**
   * A skipped event is a duplicate when the log holds its id under its seq. Otherwise the outbox is
   * corrupt and the whole batch is refused (the first such event, in batch order, is named): its id is
   * held under another seq, or (id not held) its seq belongs to another event.
   */
  private async refuseConflicts(tx: Tx, kioskId: string, skipped: readonly IngestItem[]): Promise<void> {
    const seqById = new Map<string, number>();
    for (const chunk of chunked(skipped, ROWS_PER_STATEMENT)) {
      const rows = await tx
        .selectFrom('events')
        .select(['event_id', 'seq'])
        .where('kiosk_id', '=', kioskId)
        .where('event_id', 'in', chunk.map(({ event }) => event.id))
        .execute();
      for (const row of rows) seqById.set(row.event_id, row.seq);
    }
    for (const { event } of skipped) {
      const heldSeq = seqById.get(event.id);
      if (heldSeq === undefined) throw new SeqConflictError('seq-taken', event.seq);
      if (heldSeq !== event.seq) throw new SeqConflictError('id-under-other-seq', event.seq);
    }
  }

  /** Applies one effect of a newly stored event; a completed command is audited here, in its transaction. */
  private async apply(tx: Tx, kioskId: string, event: OutboxEvent, effect: Effect, receivedAt: string, applied: Applied): Promise<void> {
    switch (effect.kind) {
      case 'device-health':
        // Written with the batch's other device reports in one statement once every effect has run.
        applied.devices.push(effect.device);
        return;
      case 'cash':
        // Written with the batch's other ledger rows in one statement once every effect has run.
        applied.cash.push({
          kiosk_id: kioskId,
          event_id: event.id,
          transaction_id: effect.transactionId,
          direction: effect.direction,
          amount_yen: effect.amountYen,
          reason: effect.reason,
          occurred_at: new Date(event.occurredAt).toISOString(),
        });
        return;
      case 'command-result':
        return this.completeCommand(tx, kioskId, event, effect, receivedAt, applied);
      case 'agent-version':
        await tx.updateTable('kiosks').set({ agent_version: effect.agentVersion }).where('kiosk_id', '=', kioskId).execute();
        return;
      case 'lottery-provisional':
        return takeInProvisionalEntry(tx, kioskId, event.id, event.occurredAt, effect.entry, receivedAt);
    }
  }

  /** A result may overtake the delivery receipt (receipt ack lost, command executed): it still counts. */
  private async completeCommand(
    tx: Tx,
    kioskId: string,
    event: OutboxEvent,
    effect: Extract<Effect, { kind: 'command-result' }>,
    receivedAt: string,
    applied: Applied,
  ): Promise<void> {
    const completedAt = new Date(event.occurredAt).toISOString();
    const command = await tx
      .updateTable('commands')
      .set({ status: effect.status, completed_at: completedAt, detail: effect.detail })
      .where('command_id', '=', effect.commandId)
      .where('kiosk_id', '=', kioskId)
      .where('status', 'in', ['queued', 'delivered'])
      .returning('type')
      .executeTakeFirst();
    if (!command) return;
    applied.municipality ??= (await tx.selectFrom('kiosks').select('municipality').where('kiosk_id', '=', kioskId).executeTakeFirst())?.municipality ?? null;
    applied.completedCommands.push(effect.commandId);
    applied.auditEntries.push(
      await appendAudit(tx, {
        at: receivedAt,
        actor: `kiosk:${kioskId}`,
        actorKind: 'kiosk',
        action: `command.${effect.status}`,
        outcome: 'ok',
        municipality: applied.municipality,
        kioskId,
        target: effect.commandId,
        detail: { type: command.type, completedAt, detail: effect.detail?.slice(0, 200) ?? null },
      }),
    );
  }

  /**
   * Walks from the kiosk's acked-through seq over the seqs it holds without a hole, and records the new
   * value (which only ever rises, whatever another hub process wrote meanwhile). The first page of seqs
   * comes with the stored value in one read; a kiosk catching up on more than a page reads more.
   */
  private async advanceAckedThrough(tx: Tx, kioskId: string): Promise<{ ackedFromSeq: number; ackedThroughSeq: number; nextHeldSeq: number | null }> {
    const first = await FIRST_SEQS_PAGE.execute(tx, [kioskId, SEQ_WALK_PAGE]);
    const from = first[0]?.acked ?? 0;
    let page = first.flatMap(({ seq }) => (seq === null ? [] : [seq]));
    let acked = from;
    let nextHeldSeq: number | null = null;
    for (;;) {
      const hole = page.findIndex((seq, index) => seq !== acked + 1 + index);
      if (hole >= 0) {
        acked += hole;
        nextHeldSeq = page[hole] ?? null;
        break;
      }
      acked += page.length;
      if (page.length < SEQ_WALK_PAGE) break;
      page = await this.heldSeqsAbove(tx, kioskId, acked);
    }
    if (acked > from) {
      await RAISE_ACKED_THROUGH.execute(tx, [acked, kioskId, acked]);
    }
    return { ackedFromSeq: from, ackedThroughSeq: acked, nextHeldSeq };
  }

  private async heldSeqsAbove(tx: Tx, kioskId: string, seq: number): Promise<number[]> {
    const rows = await tx.selectFrom('events').select('seq').where('kiosk_id', '=', kioskId).where('seq', '>', seq).orderBy('seq').limit(SEQ_WALK_PAGE).execute();
    return rows.map((row) => row.seq);
  }
}
