import { Inject, Injectable } from '@nestjs/common';
import type { Insertable } from 'kysely';
import type { AuditEntry, DeviceHealth, OutboxEvent, ProvisionalEntryPayload } from '@kiosk/protocols';
import type { HubStore, Tx } from '../storage/hub-store';
import type { CashLedgerTable, EventsTable } from '../storage/hub-schema';
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

/** The events of a batch the kiosk's log already holds: event id → seq, and seq → event id. */
interface HeldEvents {
  seqById: Map<string, number>;
  idBySeq: Map<number, string>;
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/**
 * Splits a batch into the events to store and the re-sent ones, in order, as storing them one by one
 * would: an id held under the same seq is a duplicate; an id held under another seq, or a seq held by
 * another id, refuses the batch. `held` grows with the batch's own new events.
 */
function sortOut(items: readonly IngestItem[], held: HeldEvents): { fresh: IngestItem[]; duplicates: number } {
  const fresh: IngestItem[] = [];
  let duplicates = 0;
  for (const item of items) {
    const { id, seq } = item.event;
    const heldSeq = held.seqById.get(id);
    if (heldSeq !== undefined) {
      if (heldSeq !== seq) throw new SeqConflictError('id-under-other-seq', seq);
      duplicates++;
      continue;
    }
    if (held.idBySeq.has(seq)) throw new SeqConflictError('seq-taken', seq);
    held.seqById.set(id, seq);
    held.idBySeq.set(seq, id);
    fresh.push(item);
  }
  return { fresh, duplicates };
}

/** What the effects of one batch gather while they are applied. */
interface Applied {
  kinds: Set<Effect['kind']>;
  cash: Insertable<CashLedgerTable>[];
  completedCommands: string[];
  auditEntries: AuditEntry[];
  /** The kiosk's municipality, read once per batch when a command completes. */
  municipality?: string | null;
}

@Injectable()
export class SqliteEventRepository implements EventRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  ingest(kioskId: string, items: readonly IngestItem[], receivedAt: string): Promise<IngestOutcome> {
    // Grouped with the other batches of this turn: one transaction and one fsync for all of them, each
    // batch in its own savepoint, so a refused one (SeqConflictError) is rolled back alone.
    return this.store.grouped((tx) => this.ingestBatch(tx, kioskId, items, receivedAt));
  }

  private async ingestBatch(tx: Tx, kioskId: string, items: readonly IngestItem[], receivedAt: string): Promise<IngestOutcome> {
    // Duplicates are found by reading, never by catching a unique-key error: on PostgreSQL an error
    // aborts the transaction, and with it every batch of the group.
    const { fresh, duplicates } = sortOut(items, await this.heldEvents(tx, kioskId, items));
    const stored = await this.insertEvents(tx, kioskId, fresh, receivedAt);
    const applied: Applied = { kinds: new Set(), cash: [], completedCommands: [], auditEntries: [] };
    for (const item of stored) {
      for (const effect of item.effects) {
        await this.apply(tx, kioskId, item.event, effect, receivedAt, applied);
        applied.kinds.add(effect.kind);
      }
    }
    for (const rows of chunked(applied.cash, ROWS_PER_STATEMENT)) await tx.insertInto('cash_ledger').values(rows).execute();
    const { ackedThroughSeq, nextHeldSeq } = await this.advanceAckedThrough(tx, kioskId);
    return {
      stored: stored.length,
      duplicates: duplicates + fresh.length - stored.length,
      ackedThroughSeq,
      nextHeldSeq,
      appliedEffects: applied.kinds,
      completedCommands: applied.completedCommands,
      auditEntries: applied.auditEntries,
    };
  }

  /** The kiosk's events that share an id or a seq with the batch (one read per chunk). */
  private async heldEvents(tx: Tx, kioskId: string, items: readonly IngestItem[]): Promise<HeldEvents> {
    const held: HeldEvents = { seqById: new Map(), idBySeq: new Map() };
    for (const chunk of chunked(items, ROWS_PER_STATEMENT)) {
      const rows = await tx
        .selectFrom('events')
        .select(['event_id', 'seq'])
        .where('kiosk_id', '=', kioskId)
        .where((eb) => eb.or([eb('event_id', 'in', chunk.map(({ event }) => event.id)), eb('seq', 'in', chunk.map(({ event }) => event.seq))]))
        .execute();
      for (const row of rows) {
        held.seqById.set(row.event_id, row.seq);
        held.idBySeq.set(row.seq, row.event_id);
      }
    }
    return held;
  }

  /**
   * Inserts the new events in few statements and returns those it stored. An event another hub process
   * committed since the read (PostgreSQL) is skipped by `ON CONFLICT DO NOTHING` and sorted out again:
   * a duplicate if it is the same event, else the batch is refused.
   */
  private async insertEvents(tx: Tx, kioskId: string, fresh: readonly IngestItem[], receivedAt: string): Promise<IngestItem[]> {
    const inserted = new Set<string>();
    for (const chunk of chunked(fresh, ROWS_PER_STATEMENT)) {
      const rows: Insertable<EventsTable>[] = chunk.map(({ event }) => ({
        kiosk_id: kioskId,
        event_id: event.id,
        seq: event.seq,
        type: event.type,
        occurred_at: event.occurredAt,
        payload_json: JSON.stringify(event.payload),
        received_at: receivedAt,
      }));
      const returned = await tx
        .insertInto('events')
        .values(rows)
        .onConflict((c) => c.doNothing())
        .returning('event_id')
        .execute();
      for (const { event_id } of returned) inserted.add(event_id);
    }
    if (inserted.size === fresh.length) return [...fresh];
    const raced = fresh.filter(({ event }) => !inserted.has(event.id));
    const { fresh: stillNew } = sortOut(raced, await this.heldEvents(tx, kioskId, raced));
    // Skipped yet not held: cannot happen (a conflict means a row is there); refuse rather than ack it.
    if (stillNew.length > 0) throw new SeqConflictError('seq-taken', stillNew[0]!.event.seq);
    return fresh.filter(({ event }) => inserted.has(event.id));
  }

  /** Applies one effect of a newly stored event; a completed command is audited here, in its transaction. */
  private async apply(tx: Tx, kioskId: string, event: OutboxEvent, effect: Effect, receivedAt: string, applied: Applied): Promise<void> {
    switch (effect.kind) {
      case 'device-health':
        return upsertDeviceHealth(tx, kioskId, effect.device, receivedAt);
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
   * Walks from the kiosk's acked-through seq over the seqs it holds without a hole (a page of seqs per
   * read), and records the new value. It only ever rises, whatever another hub process wrote meanwhile.
   */
  private async advanceAckedThrough(tx: Tx, kioskId: string): Promise<{ ackedThroughSeq: number; nextHeldSeq: number | null }> {
    const from = (await tx.selectFrom('kiosks').select('acked_through_seq').where('kiosk_id', '=', kioskId).executeTakeFirst())?.acked_through_seq ?? 0;
    let acked = from;
    let nextHeldSeq: number | null = null;
    for (;;) {
      const seqs = await tx
        .selectFrom('events')
        .select('seq')
        .where('kiosk_id', '=', kioskId)
        .where('seq', '>', acked)
        .orderBy('seq')
        .limit(SEQ_WALK_PAGE)
        .execute();
      const hole = seqs.findIndex(({ seq }, index) => seq !== acked + 1 + index);
      if (hole >= 0) {
        acked += hole;
        nextHeldSeq = seqs[hole]!.seq;
        break;
      }
      acked += seqs.length;
      if (seqs.length < SEQ_WALK_PAGE) break;
    }
    if (acked > from) {
      await tx
        .updateTable('kiosks')
        .set({ acked_through_seq: acked })
        .where('kiosk_id', '=', kioskId)
        .where('acked_through_seq', '<', acked)
        .execute();
    }
    return { ackedThroughSeq: acked, nextHeldSeq };
  }
}
