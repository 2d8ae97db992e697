import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { EventPayloadSchemas } from '@kiosk/protocols';
import type { CashMovement, CashPeriodInput, TransactionFee } from '../services/cash-reconciliation.rules';
import { SqliteDatabase } from './database.repository';
import { settle } from './settle';

/** A kiosk as the report names it. */
export interface CashKiosk {
  kioskId: string;
  municipality: string;
  site: string;
}

/** One `cash.collected` event: the end of a period that began after `previousSeq` (0: the kiosk's first event). */
export interface CollectionRecord extends CashKiosk {
  seq: number;
  eventId: string;
  collectedAt: string;
  recordedYen: number;
  countedYen: number | null;
  previousSeq: number;
  previousCollectedAt: string | null;
}

/** A collection's cash box outcome, kept once its period is complete. */
export interface SettledCollection {
  kioskId: string;
  seq: number;
  eventId: string;
  collectedAt: string;
  expectedYen: number;
  recordedYen: number;
  countedYen: number | null;
  discrepancyYen: number;
  settledAt: string;
}

export interface CashReconciliationRepository {
  /** Collections that happened in [fromIso, toIso) on kiosks of `municipality` (null: every one), by kiosk then seq. */
  collections(municipality: string | null, fromIso: string, toIso: string): Promise<CollectionRecord[]>;
  /** Kiosks of `municipality` (null: every one) with the seq and time of their last collection (0 / null: none yet). */
  openPeriods(municipality: string | null): Promise<Array<CashKiosk & { afterSeq: number; startedAt: string | null }>>;
  /** The rule's input for the period (afterSeq, beforeSeq) of a kiosk (beforeSeq null: up to now). */
  periodInput(kioskId: string, afterSeq: number, beforeSeq: number | null): Promise<Omit<CashPeriodInput, 'count'>>;
  /** The kiosk's collections not settled yet whose periods are complete (seq at or below `acked_through_seq`). */
  unsettled(kioskId: string): Promise<CollectionRecord[]>;
  /** Keeps a collection's outcome (once: a second call for the same collection changes nothing). */
  recordSettled(settled: SettledCollection): Promise<boolean>;
}
export const CASH_RECONCILIATION_REPOSITORY = 'CashReconciliationRepository';

interface CollectionRow {
  kiosk_id: string;
  municipality: string;
  site: string;
  seq: number;
  event_id: string;
  occurred_at: string;
  payload_json: string;
  previous_seq: number | null;
  previous_at: string | null;
}

interface MovementRow {
  type: string;
  payload_json: string;
}

const PREVIOUS = `(SELECT p.seq FROM events p WHERE p.kiosk_id = e.kiosk_id AND p.type = 'cash.collected' AND p.seq < e.seq ORDER BY p.seq DESC LIMIT 1)`;
const COLLECTION_COLUMNS = `k.kiosk_id, k.municipality, k.site, e.seq, e.event_id, e.occurred_at, e.payload_json,
  ${PREVIOUS} AS previous_seq,
  (SELECT p.occurred_at FROM events p WHERE p.kiosk_id = e.kiosk_id AND p.type = 'cash.collected' AND p.seq < e.seq ORDER BY p.seq DESC LIMIT 1) AS previous_at`;

function collectionFromRow(row: CollectionRow): CollectionRecord {
  const payload = EventPayloadSchemas['cash.collected'].parse(JSON.parse(row.payload_json));
  return {
    kioskId: row.kiosk_id,
    municipality: row.municipality,
    site: row.site,
    seq: row.seq,
    eventId: row.event_id,
    collectedAt: new Date(row.occurred_at).toISOString(),
    recordedYen: payload.recordedYen,
    countedYen: payload.countedYen ?? null,
    previousSeq: row.previous_seq ?? 0,
    previousCollectedAt: row.previous_at === null ? null : new Date(row.previous_at).toISOString(),
  };
}

/** An event row of the period as the rule's movement (payloads parsed: the events table holds JSON). */
function movementFromRow(row: MovementRow): CashMovement {
  const json: unknown = JSON.parse(row.payload_json);
  switch (row.type) {
    case 'cash.credit': {
      const payload = EventPayloadSchemas['cash.credit'].parse(json);
      return { type: 'credit', transactionId: payload.transactionId, yen: payload.coinYen };
    }
    case 'cash.payout': {
      const payload = EventPayloadSchemas['cash.payout'].parse(json);
      return { type: 'payout', transactionId: payload.transactionId, yen: payload.amountYen, reason: payload.reason };
    }
    case 'cash.voucher': {
      const payload = EventPayloadSchemas['cash.voucher'].parse(json);
      return { type: 'voucher', transactionId: payload.transactionId, yen: payload.amountYen, reason: payload.reason };
    }
    default:
      throw new Error(`not a cash movement: ${row.type}`);
  }
}

@Injectable()
export class SqliteCashReconciliationRepository implements CashReconciliationRepository {
  private readonly inRange: Statement<[string | null, string | null, string, string], CollectionRow>;
  private readonly lastPerKiosk: Statement<[string | null, string | null], CashKiosk & { afterSeq: number | null; startedAt: string | null }>;
  private readonly movements: Statement<[string, number, number], MovementRow>;
  private readonly firstCredit: Statement<[string], number | null>;
  private readonly feesOf: Statement<[string], { kind: 'payment' | 'refund'; amount_yen: number }>;
  private readonly pending: Statement<[string], CollectionRow>;
  private readonly insertSettled: Statement<[string, number, string, string, number, number, number | null, number, string]>;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    this.inRange = db.prepare(
      `SELECT ${COLLECTION_COLUMNS} FROM kiosks k JOIN events e ON e.kiosk_id = k.kiosk_id AND e.type = 'cash.collected'
       WHERE (? IS NULL OR k.municipality = ?) AND e.occurred_at >= ? AND e.occurred_at < ?
       ORDER BY k.kiosk_id, e.seq`,
    );
    this.lastPerKiosk = db.prepare(
      `SELECT k.kiosk_id AS kioskId, k.municipality, k.site,
         (SELECT max(e.seq) FROM events e WHERE e.kiosk_id = k.kiosk_id AND e.type = 'cash.collected') AS afterSeq,
         (SELECT e.occurred_at FROM events e WHERE e.kiosk_id = k.kiosk_id AND e.type = 'cash.collected' ORDER BY e.seq DESC LIMIT 1) AS startedAt
       FROM kiosks k WHERE k.public_key IS NOT NULL AND (? IS NULL OR k.municipality = ?) ORDER BY k.kiosk_id`,
    );
    this.movements = db.prepare(
      `SELECT type, payload_json FROM events WHERE kiosk_id = ? AND seq > ? AND seq < ?
       AND type IN ('cash.credit', 'cash.payout', 'cash.voucher') ORDER BY seq`,
    );
    this.firstCredit = db
      .prepare<[string], number | null>(
        `SELECT min(e.seq) FROM cash_ledger c JOIN events e ON e.kiosk_id = c.kiosk_id AND e.event_id = c.event_id
         WHERE c.transaction_id = ? AND c.direction = 'credit'`,
      )
      .pluck();
    this.feesOf = db.prepare(`SELECT kind, amount_yen FROM certificate_ledger WHERE transaction_id = ? AND kind IN ('payment', 'refund')`);
    this.pending = db.prepare(
      `SELECT ${COLLECTION_COLUMNS} FROM kiosks k JOIN events e ON e.kiosk_id = k.kiosk_id AND e.type = 'cash.collected'
       WHERE k.kiosk_id = ? AND e.seq <= k.acked_through_seq
         AND NOT EXISTS (SELECT 1 FROM cash_collections c WHERE c.kiosk_id = e.kiosk_id AND c.seq = e.seq)
       ORDER BY e.seq`,
    );
    this.insertSettled = db.prepare(
      `INSERT INTO cash_collections (kiosk_id, seq, event_id, collected_at, expected_yen, recorded_yen, counted_yen, discrepancy_yen, settled_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kiosk_id, seq) DO NOTHING`,
    );
  }

  collections(municipality: string | null, fromIso: string, toIso: string): Promise<CollectionRecord[]> {
    return settle(() => {
      // Kiosks send UTC instants, but the schema allows an offset: narrow by text a day wide, then exactly.
      const from = Date.parse(fromIso);
      const to = Date.parse(toIso);
      const wide = (ms: number) => new Date(ms).toISOString();
      return this.inRange
        .all(municipality, municipality, wide(from - 86_400_000), wide(to + 86_400_000))
        .map(collectionFromRow)
        .filter((collection) => Date.parse(collection.collectedAt) >= from && Date.parse(collection.collectedAt) < to);
    });
  }

  openPeriods(municipality: string | null): Promise<Array<CashKiosk & { afterSeq: number; startedAt: string | null }>> {
    return settle(() =>
      this.lastPerKiosk.all(municipality, municipality).map((row) => ({
        ...row,
        afterSeq: row.afterSeq ?? 0,
        startedAt: row.startedAt === null ? null : new Date(row.startedAt).toISOString(),
      })),
    );
  }

  periodInput(kioskId: string, afterSeq: number, beforeSeq: number | null): Promise<Omit<CashPeriodInput, 'count'>> {
    return settle(() => {
      const movements = this.movements.all(kioskId, afterSeq, beforeSeq ?? Number.MAX_SAFE_INTEGER).map(movementFromRow);
      const opened = new Set<string>();
      for (const movement of movements) {
        if (movement.type !== 'credit' || opened.has(movement.transactionId)) continue;
        const first = this.firstCredit.get(movement.transactionId) ?? null;
        if (first === null || first > afterSeq) opened.add(movement.transactionId);
      }
      const fees: TransactionFee[] = [...opened].map((transactionId) => {
        const fee: TransactionFee = { transactionId, paidYen: 0, refundedYen: 0 };
        for (const row of this.feesOf.all(transactionId)) {
          if (row.kind === 'payment') fee.paidYen += row.amount_yen;
          else fee.refundedYen += row.amount_yen;
        }
        return fee;
      });
      return { movements, fees };
    });
  }

  unsettled(kioskId: string): Promise<CollectionRecord[]> {
    return settle(() => this.pending.all(kioskId).map(collectionFromRow));
  }

  recordSettled(s: SettledCollection): Promise<boolean> {
    return settle(
      () =>
        this.insertSettled.run(s.kioskId, s.seq, s.eventId, s.collectedAt, s.expectedYen, s.recordedYen, s.countedYen, s.discrepancyYen, s.settledAt).changes === 1,
    );
  }
}
